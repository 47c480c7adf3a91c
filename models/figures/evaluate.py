"""Scoring: figures F1 against gold articles (GOLD_FORMAT.md) and role accuracy on
labelled sentences (data/role_test.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

from models.figures.extract import extract_figures
from models.figures.numbers import scan_numbers
from opwatch.gold import figure_items
from opwatch.scoring import FieldScore, score_field

DATA_DIR = Path(__file__).resolve().parent / "data"


def score_articles(seeds_dir: Path, method: str) -> tuple[FieldScore, list[dict]]:
    """Figures P/R/F1 over the gold articles, scored by the project's own scorer
    (opwatch.scoring, as GOLD_FORMAT.md defines it); also returns the redacted figures."""
    score = FieldScore()
    redacted: list[dict] = []
    for line in (seeds_dir / "gold.jsonl").read_text().splitlines():
        gold = json.loads(line)
        text = (seeds_dir / gold["doc"]).read_text(encoding="utf-8")
        figures = extract_figures(text, gold["doc"], method=method)
        items, _ = figure_items(figures)
        score_field(gold["doc"], "figures", {"figures": items}, gold, score)
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
