"""extract_figures: numbers -> roles (rules / transformer / combined) -> scope -> Figure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.figures.numbers import ParsedNumber, scan_numbers
from models.figures.roles_rules import Mention, RuleVote, rule_role
from models.figures.scope import find_scope
from models.text import sentence_at, sentence_spans
from opwatch.records import FIGURE_ROLES, Figure

METHODS = ("rules", "transformer", "combined")
MODEL_WEIGHT = 0.6  # default transformer share; the head's card carries the tuned one
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


def _rule_mix(vote: RuleVote) -> dict[str, float]:
    """The rule vote as a distribution over roles (uniform when it abstains)."""
    n = len(FIGURE_ROLES)
    if vote.role is None:
        return {r: 1.0 / n for r in FIGURE_ROLES}
    rest = (1.0 - vote.confidence) / n
    return {r: rest + (vote.confidence if r == vote.role else 0.0) for r in FIGURE_ROLES}


def decide(
    vote: RuleVote, proba: dict[str, float] | None, method: str, weight: float = MODEL_WEIGHT
) -> tuple[str, float, str]:
    """(role, score, deciding method) for one number; ellipsis is resolved later."""
    if method == "rules" or proba is None:
        return (vote.role or "other"), (vote.confidence if vote.role else 0.3), "rules"
    model_role = max(proba, key=lambda r: proba[r])
    if method == "transformer":
        return model_role, proba[model_role], "transformer"
    if vote.hard:
        return vote.role or "other", vote.confidence, "rules"
    rules = _rule_mix(vote)
    mix = {r: weight * proba.get(r, 0.0) + (1 - weight) * rules[r] for r in FIGURE_ROLES}
    role = max(mix, key=lambda r: mix[r])
    if role == vote.role == model_role:
        who = "combined"
    else:
        who = "rules" if role == vote.role else "transformer"
    return role, mix[role], who


def _resolve_ellipsis(items: list[_Item], method: str) -> None:
    """'121 of them in Britain': inherit the role of the figure it follows."""
    if method == "transformer":
        return
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


def _make_items(text: str) -> list[_Item]:
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


def extract_figures(text: str, article_id: str, method: str = "combined") -> list[Figure]:
    """Every count in `text` as a Figure with role, qualifier, scope and evidence."""
    if method not in METHODS:
        raise ValueError(f"unknown role classifier {method!r}; use one of {METHODS}")
    items = _make_items(text)
    probas: list[dict[str, float] | None] = [None] * len(items)
    weight = MODEL_WEIGHT
    if method != "rules" and items:
        from models.figures.roles_model import head_card, predict_proba

        weight = float(head_card().get("combine_weight", MODEL_WEIGHT))
        probas = list(
            predict_proba([(it.mention.sentence, it.mention.start, it.mention.end) for it in items])
        )
    for item, proba in zip(items, probas, strict=True):
        item.role, item.score, item.method = decide(item.vote, proba, method, weight)
    _resolve_ellipsis(items, method)
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
