"""Scoring: figures F1 against gold articles (GOLD_FORMAT.md) and role accuracy on the
test split of the role articles (data/articles)."""

from __future__ import annotations

import json
from pathlib import Path

from opwatch.gold import figure_items
from opwatch.models.figures.extract import extract_figures
from opwatch.scoring import FieldScore, score_field

CONFIG_PATH = Path(__file__).resolve().parent / "config.json"


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


def role_accuracy(method: str, split: str = "test") -> tuple[float, int, list[str]]:
    """Share of labelled numbers in one split of the role articles (data/articles, drawn
    per article with the training config's seed and fractions) whose role `method` gets
    right, over whole articles."""
    from opwatch.models.figures.role_data import article_text, load_articles, split_of

    cfg = json.loads(CONFIG_PATH.read_text())

    right = total = 0
    errors: list[str] = []
    for art in load_articles():
        if split_of(art["id"], cfg["seed"], cfg["valid_fraction"], cfg["test_fraction"]) != split:
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
