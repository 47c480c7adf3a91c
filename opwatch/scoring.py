"""Scoring of predictions against gold, exactly as ../shared/eval/GOLD_FORMAT.md defines it.

Per article, predicted and gold items are compared as sets after normalisation; an
item matching an optional gold item is neither a hit nor a false positive. Precision,
recall and F1 are micro-averaged over articles, per field.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

NAME_FIELDS = ("operations", "agencies", "persons")
FIELDS = ("figures", "countries", "agencies", "persons", "operations", "published", "redacted")
_PUNCT = re.compile(f"[{re.escape(string.punctuation)}‘’“”–—]")


def normalise_name(name: str) -> str:
    """Case, whitespace and punctuation folded: 'U.S.  Dept.' -> 'us dept'."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _PUNCT.sub("", text)
    return " ".join(text.split())


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[tuple[str, str, Any]] = field(default_factory=list)  # (doc, "FN"|"FP", item)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _figure_key(item: dict[str, Any]) -> tuple[str, float]:
    return (str(item.get("role")), float(item["value"]))


def _same_figure(a: tuple[str, float], b: tuple[str, float]) -> bool:
    return a[0] == b[0] and math.isclose(a[1], b[1], rel_tol=1e-6, abs_tol=1e-9)


def _items(field_name: str, record: dict[str, Any], suffix: str = "") -> list[Hashable]:
    raw = record.get(field_name + suffix)
    if field_name == "published":
        return [] if suffix or not raw else [str(raw)[:10]]
    raw = raw or []
    if field_name == "figures":
        return [_figure_key(f) for f in raw if f.get("value") is not None]
    if field_name == "redacted":
        return [(str(f.get("role")), str(f.get("text"))) for f in raw]
    if field_name == "countries":
        return [str(c).upper() for c in raw]
    return [normalise_name(str(x)) for x in raw]


def _dedupe(items: Iterable[Hashable], same: Callable[[Any, Any], bool]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if not any(same(item, seen) for seen in out):
            out.append(item)
    return out


def score_field(
    doc: str, field_name: str, pred: dict[str, Any], gold: dict[str, Any], into: FieldScore
) -> None:
    """Add one article's hits, false positives and misses for one field."""
    same: Callable[[Any, Any], bool] = (
        _same_figure if field_name == "figures" else (lambda a, b: a == b)
    )
    gold_items = _dedupe(_items(field_name, gold), same)
    optional = _dedupe(_items(field_name, gold, "_optional"), same)
    matched: list[Any] = []
    for item in _dedupe(_items(field_name, pred), same):
        hit = next((g for g in gold_items if same(item, g)), None)
        if hit is not None:
            if not any(hit is m for m in matched):
                matched.append(hit)
                into.tp += 1
        elif not any(same(item, o) for o in optional):
            into.fp += 1
            into.misses.append((doc, "FP", item))
    for g in gold_items:
        if not any(g is m for m in matched):
            into.fn += 1
            into.misses.append((doc, "FN", g))


def score(
    predictions: dict[str, dict[str, Any]], gold: dict[str, dict[str, Any]]
) -> dict[str, FieldScore]:
    """Micro-averaged scores per field over every gold article (a missing prediction is empty)."""
    scores = {name: FieldScore() for name in FIELDS}
    for doc, gold_record in gold.items():
        pred = predictions.get(doc, {"doc": doc})
        for name in FIELDS:
            score_field(doc, name, pred, gold_record, scores[name])
    return scores
