"""Scoring: figures F1 against gold articles (GOLD_FORMAT.md) and role accuracy on
labelled sentences (data/role_test.jsonl)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from models.figures.extract import extract_figures
from models.figures.numbers import scan_numbers
from opwatch.records import Figure

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(items: Iterable[tuple[str, float]]) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    for role, value in items:
        if not any(r == role and math.isclose(v, value, rel_tol=1e-6) for r, v in out):
            out.append((role, float(value)))
    return out


def _member(pair: tuple[str, float], pool: list[tuple[str, float]]) -> bool:
    return any(r == pair[0] and math.isclose(v, pair[1], rel_tol=1e-6) for r, v in pool)


def predicted_pairs(figures: list[Figure]) -> list[tuple[str, float]]:
    """What the gold conversion keeps: non-other figures that have a value."""
    return _pairs((f.role, f.value) for f in figures if f.role != "other" and f.value is not None)


def score_articles(seeds_dir: Path, method: str) -> tuple[Score, list[dict]]:
    """Micro P/R/F1 of (role, value) over the gold articles; also returns the redacted."""
    score = Score()
    redacted: list[dict] = []
    for line in (seeds_dir / "gold.jsonl").read_text().splitlines():
        gold = json.loads(line)
        text = (seeds_dir / gold["doc"]).read_text(encoding="utf-8")
        figures = extract_figures(text, gold["doc"], method=method)
        pred = predicted_pairs(figures)
        want = _pairs((g["role"], g["value"]) for g in gold["figures"])
        optional = _pairs((g["role"], g["value"]) for g in gold.get("figures_optional", []))
        for pair in pred:
            if _member(pair, want):
                score.tp += 1
            elif not _member(pair, optional):
                score.fp += 1
                score.errors.append(f"{gold['doc'][:3]} FP {pair}")
        for pair in want:
            if not _member(pair, pred):
                score.fn += 1
                score.errors.append(f"{gold['doc'][:3]} FN {pair}")
        redacted += [
            {"doc": gold["doc"], "role": f.role, "text": f.text, "value": f.value}
            for f in figures
            if f.redacted
        ]
    return score, redacted


def load_labelled(path: Path) -> list[dict]:
    """Labelled sentences: {"text": ..., "figures": [[surface, role], ...]}."""
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def label_numbers(example: dict) -> list[tuple[int, int, str]]:
    """(start, end, role) of each labelled number, matched in order to parsed numbers."""
    text = example["text"]
    found = scan_numbers(text)
    out, pos = [], 0
    for surface, role in example["figures"]:
        hit = next((n for n in found if n.start >= pos and n.text == surface), None)
        if hit is None:
            raise ValueError(f"label {surface!r} not parsed in: {text}")
        out.append((hit.start, hit.end, role))
        pos = hit.end
    return out


def role_accuracy(path: Path, method: str) -> tuple[float, int, list[str]]:
    """Share of labelled numbers whose role `method` gets right, on whole sentences."""
    right = total = 0
    errors: list[str] = []
    for ex in load_labelled(path):
        wanted = {(s, e): role for s, e, role in label_numbers(ex)}
        for fig in extract_figures(ex["text"], "test", method=method):
            if (fig.start, fig.end) in wanted:
                total += 1
                ok = fig.role == wanted[(fig.start, fig.end)]
                right += ok
                if not ok:
                    errors.append(
                        f"{fig.text!r} want {wanted[(fig.start, fig.end)]} "
                        f"got {fig.role}: {ex['text']}"
                    )
    return (right / total if total else 0.0), total, errors
