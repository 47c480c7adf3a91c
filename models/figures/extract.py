"""extract_figures: numbers -> roles (rules or the shared transformer) -> scope -> Figure."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

from opwatch.models.figures.numbers import ParsedNumber, scan_numbers
from opwatch.models.figures.roles_rules import Mention, RuleVote, rule_role
from opwatch.models.figures.scope import find_scope
from opwatch.records import Figure
from opwatch.text import clip_span, sentence_at, sentence_spans

if TYPE_CHECKING:
    from opwatch.models.ner.tagger import Analysis

METHODS = ("rules", "transformer")
# "combined" named the old rules + frozen-head mix; the transformer now reads the rules'
# vote as an input, so the old name selects it.
ALIASES = {"combined": "transformer"}
_FOLLOW_UP = re.compile(r"^\s*(?:of\s+(?:them|whom|those|these)|more|others?)\b", re.I)


@dataclass
class _Item:
    number: ParsedNumber
    sent: tuple[int, int]  # the sentence, cut to SENTENCE_REACH around the number
    mention: Mention
    vote: RuleVote
    group: tuple[int, int] = (0, 0)  # the whole sentence: numbers sharing it
    role: str = "other"
    score: float = 0.0
    method: str = "rules"


def _resolve_ellipsis(items: list[_Item]) -> None:
    """Rules only: '121 of them in Britain' inherits the role of the figure before it
    (the transformer sees the whole window and is given the ellipsis flag instead)."""
    for i, item in enumerate(items):
        if not item.vote.elliptical:
            continue
        for j in range(i - 1, -1, -1):
            prev = items[j]
            if prev.group != item.group and i - j > 2:
                break  # only the same sentence or the figure just before it
            if prev.role != "other":
                item.role, item.score, item.method = prev.role, max(prev.score, 0.6), "rules"
                break


# A "sentence" longer than LONG_SENTENCE (a one-line file, a flattened table) is read
# only SENTENCE_REACH characters either side of each number, so the rules' work per
# number stays bounded; real sentences are shorter and are read whole.
LONG_SENTENCE = 2000
SENTENCE_REACH = 300


def number_items(text: str, numbers: list[ParsedNumber] | None = None) -> list[_Item]:
    """Each number with its (bounded) sentence, the other numbers near it there, and the
    rules' vote. Linear in the text: numbers are grouped by sentence once."""
    spans = sentence_spans(text)
    numbers = scan_numbers(text) if numbers is None else numbers
    sents = [sentence_at(spans, n.start) for n in numbers]
    by_sentence: dict[tuple[int, int], list[int]] = {}
    for i, sp in enumerate(sents):
        by_sentence.setdefault(sp, []).append(i)
    items = []
    for i, (num, sent) in enumerate(zip(numbers, sents, strict=True)):
        s0, s1 = sent[0], max(sent[1], num.end)
        if s1 - s0 > LONG_SENTENCE:
            s0, s1 = clip_span(text, (s0, s1), num.start, num.end, SENTENCE_REACH)
        group = by_sentence[sent]
        lo = bisect_left(group, s0, key=lambda j: numbers[j].start)
        others = []
        for j in group[lo:]:
            o = numbers[j]
            if o.end > s1:
                break
            if j != i:
                others.append((o.start - s0, o.end - s0))
        mention = Mention(text[s0:s1], num.start - s0, num.end - s0, num, tuple(others))
        items.append(_Item(num, (s0, s1), mention, rule_role(mention), group=sent))
    return items


def previous_vote(items: list[_Item], i: int) -> RuleVote | None:
    """The rules' vote for the number before item i in the same sentence, if any."""
    if i > 0 and items[i - 1].group == items[i].group:
        return items[i - 1].vote
    return None


def resolve_method(method: str) -> str:
    """The role classifier's canonical name; unknown names raise with the choices."""
    method = ALIASES.get(method, method)
    if method not in METHODS:
        raise ValueError(f"unknown role classifier {method!r}; use one of {METHODS}")
    return method


def extract_figures(
    text: str,
    article_id: str,
    method: str = "transformer",
    analysis: Analysis | None = None,
    numbers: list[ParsedNumber] | None = None,
) -> list[Figure]:
    """Every count in `text` as a Figure with role, qualifier, scope and evidence.

    `analysis` is the shared encoder's pass over `text` (entities and token states);
    without it the transformer encodes the text itself with the shipped model.
    `numbers` is `scan_numbers(text)` when the caller already has it.
    """
    method = resolve_method(method)
    items = number_items(text, numbers)
    if method == "transformer" and items:
        from opwatch.models.figures.roles_model import (
            analyse_text,
            aux_features,
            decide,
            min_probability,
            predict_roles,
        )

        if analysis is None or analysis.states is None:
            analysis = analyse_text(text)
        probas = predict_roles(
            analysis,
            [(it.number.start, it.number.end) for it in items],
            [
                aux_features(it.number, it.vote, previous_vote(items, i))
                for i, it in enumerate(items)
            ],
        )
        threshold = min_probability(analysis)
        for item, proba in zip(items, probas, strict=True):
            item.role, item.score = decide(proba, threshold)
            item.method = "transformer"
    else:
        for item in items:
            item.role = item.vote.role or "other"
            item.score = item.vote.confidence if item.vote.role else 0.3
        _resolve_ellipsis(items)
    return _to_figures(text, article_id, items)


def _to_figures(text: str, article_id: str, items: list[_Item]) -> list[Figure]:
    """Figures with their scope; each item's neighbours come from its sentence's list of
    counted items (built once), so this stays linear in the number of figures."""
    counted: dict[tuple[int, int], list[int]] = {}
    for i, item in enumerate(items):
        if item.role != "other":
            counted.setdefault(item.group, []).append(i)
    position = {i: k for group in counted.values() for k, i in enumerate(group)}
    scopes: dict[int, tuple[str | None, str | None]] = {}
    for i in range(len(items)):  # in text order, so a follow-up's predecessor is done
        scopes[i] = _scope(text, items, i, counted.get(items[i].group, []), position, scopes)
    return [_to_figure(text, article_id, items[i], *scopes[i]) for i in range(len(items))]


def _scope(
    text: str,
    items: list[_Item],
    i: int,
    same: list[int],
    position: dict[int, int],
    scopes: dict[int, tuple[str | None, str | None]],
) -> tuple[str | None, str | None]:
    item = items[i]
    if item.role in ("other", "countries_involved"):
        return None, None
    num, (s0, s1) = item.number, item.sent
    k = position[i]
    left = max(items[same[k - 1]].number.end - s0, 0) if k > 0 else 0
    right = min(items[same[k + 1]].number.start, s1) - s0 if k + 1 < len(same) else s1 - s0
    scope = find_scope(text[s0:s1], num.start - s0, num.end - s0, left, right)
    if scope[1] is None and k > 0 and _FOLLOW_UP.match(text[num.end : num.end + 20]):
        scope = scopes[same[k - 1]]
    return scope


def _to_figure(
    text: str, article_id: str, item: _Item, scope_code: str | None, scope_text: str | None
) -> Figure:
    num, (s0, s1) = item.number, item.sent
    return Figure(
        article_id=article_id,
        role=item.role,
        value=num.value,
        unit=num.unit,
        qualifier=num.qualifier,
        redacted=num.redacted,
        text=text[num.start : num.end],
        start=num.start,
        end=num.end,
        sentence_start=s0,
        sentence_end=s1,
        scope_code=scope_code,
        scope_text=scope_text,
        score=round(min(max(item.score, 0.0), 1.0), 4),
        method=item.method,
    )
