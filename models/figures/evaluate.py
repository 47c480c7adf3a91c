"""Scoring: figures F1 against gold articles (GOLD_FORMAT.md) and role accuracy on the
test split of the role articles (data/articles)."""

from __future__ import annotations

import json
from pathlib import Path

from models.figures.extract import extract_figures
from opwatch.gold import figure_items
from opwatch.scoring import FieldScore, score_field

CONFIG = json.loads((Path(__file__).resolve().parent / "config.json").read_text())
VALID_FRACTION, TEST_FRACTION = CONFIG["valid_fraction"], CONFIG["test_fraction"]


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


def role_accuracy(method: str, split: str = "test", seed: int = 13) -> tuple[float, int, list[str]]:
    """Share of labelled numbers in one split of the role articles (data/articles, drawn
    per article as in training) whose role `method` gets right, over whole articles."""
    from models.figures.role_data import article_text, load_articles, split_of

    right = total = 0
    errors: list[str] = []
    for art in load_articles():
        if split_of(art["id"], seed, VALID_FRACTION, TEST_FRACTION) != split:
            continue
        text, wanted = article_text(art)
        for fig in extract_figures(text, art["id"], method=method):
            if fig.start in wanted:
                total += 1
                ok = fig.role == wanted[fig.start]
                right += ok
                if not ok:
                    s0, s1 = fig.sentence_start, fig.sentence_end
                    errors.append(
                        f"{fig.text!r} want {wanted[fig.start]} got {fig.role}: {text[s0:s1]}"
                    )
    return (right / total if total else 0.0), total, errors
