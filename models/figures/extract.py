"""extract_figures: numbers -> roles (rules or the shared transformer) -> scope -> Figure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from models.figures.numbers import ParsedNumber, scan_numbers
from models.figures.roles_rules import Mention, RuleVote, rule_role
from models.figures.scope import find_scope
from models.text import sentence_at, sentence_spans
from opwatch.records import Figure

if TYPE_CHECKING:
    from models.ner.tagger import Analysis

METHODS = ("rules", "transformer")
# "combined" named the old rules + frozen-head mix; the transformer now reads the rules'
# vote as an input, so the old name selects it.
ALIASES = {"combined": "transformer"}
_FOLLOW_UP = re.compile(r"^\s*(?:of\s+(?:them|whom|those|these)|more|others?)\b", re.I)


@dataclass
class _Item:
    number: ParsedNumber
    sent: tuple[int, int]
    mention: Mention
    vote: RuleVote
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
            if prev.sent != item.sent and i - j > 2:
                break  # only the same sentence or the figure just before it
            if prev.role != "other":
                item.role, item.score, item.method = prev.role, max(prev.score, 0.6), "rules"
                break


def number_items(text: str) -> list[_Item]:
    spans = sentence_spans(text)
    numbers = scan_numbers(text)
    sents = [sentence_at(spans, n.start) for n in numbers]
    items = []
    for num, (s0, s1) in zip(numbers, sents, strict=True):
        s1 = max(s1, num.end)
        others = tuple(
            (o.start - s0, o.end - s0)
            for o, sp in zip(numbers, sents, strict=True)
            if sp[0] == s0 and o is not num
        )
        mention = Mention(text[s0:s1], num.start - s0, num.end - s0, num, others)
        items.append(_Item(num, (s0, s1), mention, rule_role(mention)))
    return items


def previous_vote(items: list[_Item], i: int) -> RuleVote | None:
    """The rules' vote for the number before item i in the same sentence, if any."""
    if i > 0 and items[i - 1].sent == items[i].sent:
        return items[i - 1].vote
    return None


def resolve_method(method: str) -> str:
    """The role classifier's canonical name; unknown names raise with the choices."""
    method = ALIASES.get(method, method)
    if method not in METHODS:
        raise ValueError(f"unknown role classifier {method!r}; use one of {METHODS}")
    return method


def extract_figures(
    text: str, article_id: str, method: str = "transformer", analysis: Analysis | None = None
) -> list[Figure]:
    """Every count in `text` as a Figure with role, qualifier, scope and evidence.

    `analysis` is the shared encoder's pass over `text` (entities and token states);
    without it the transformer encodes the text itself with the shipped model.
    """
    method = resolve_method(method)
    items = number_items(text)
    if method == "transformer" and items:
        from models.figures.roles_model import (
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
    return [_to_figure(text, article_id, items, i) for i in range(len(items))]


def _to_figure(text: str, article_id: str, items: list[_Item], i: int) -> Figure:
    item = items[i]
    num, (s0, s1) = item.number, item.sent
    scope_code = scope_text = None
    if item.role not in ("other", "countries_involved"):
        same = [it for it in items if it.sent == item.sent and it.role != "other"]
        k = same.index(item)
        left = same[k - 1].number.end - s0 if k > 0 else 0
        right = same[k + 1].number.start - s0 if k + 1 < len(same) else s1 - s0
        scope_code, scope_text = find_scope(text[s0:s1], num.start - s0, num.end - s0, left, right)
        if scope_text is None and k > 0 and _FOLLOW_UP.match(text[num.end : num.end + 20]):
            prev = _to_figure(text, article_id, items, items.index(same[k - 1]))
            scope_code, scope_text = prev.scope_code, prev.scope_text
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
