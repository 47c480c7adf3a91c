"""The figure-role training data: every label matches the number scanner, the data set
meets the size the issue asks for, and every batch has its provenance."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from opwatch.models.figures.data_check import (
    check_article,
    load_articles,
    real_dev_shingles,
    summarise,
)

DATA = Path(__file__).resolve().parents[1] / "models" / "figures" / "data"
BATCHES = sorted((DATA / "articles").glob("b*.jsonl"))


CACHE = Path(os.environ.get("OPWATCH_REAL_DEV_CACHE", DATA.parents[3] / "real-dev-cache"))


@pytest.fixture(scope="module")
def articles() -> list[dict]:
    return [a for path in BATCHES for a in load_articles(path)]


@pytest.fixture(scope="module")
def problems(articles: list[dict]) -> list[str]:
    """Every checker problem, scanning the data once (with the copy check when the
    real-dev texts are present)."""
    banned = real_dev_shingles(CACHE)
    return [p for art in articles for p in check_article(art, banned)]


def test_every_label_matches_the_scanner(problems: list[str]) -> None:
    wrong = [p for p in problems if "8-word" not in p]
    assert wrong == [], wrong[:5]


def test_data_set_size_and_share_of_other(articles: list[dict]) -> None:
    summary = summarise(articles)
    assert summary["mentions"] >= 3000
    assert summary["sentences_with_numbers"] >= 1500
    assert summary["other_share"] >= 0.40
    # every role is taught, not only the frequent ones
    assert all(summary["roles"].get(role, 0) >= 50 for role in summary["roles"])


def test_article_ids_unique_and_named_after_their_batch() -> None:
    ids: Counter[str] = Counter()
    for path in BATCHES:
        for art in load_articles(path):
            assert art["id"].startswith(path.stem + "-"), art["id"]
            ids[art["id"]] += 1
    assert [i for i, n in ids.items() if n > 1] == []


def test_every_batch_has_provenance() -> None:
    table = (DATA / "PROVENANCE.md").read_text(encoding="utf-8")
    for path in BATCHES:
        assert f"| {path.stem} |" in table, f"{path.stem} missing from PROVENANCE.md"
        if path.stem != "b00":  # b00 was written without outside pages
            assert (DATA / "provenance" / f"{path.stem}.md").is_file()


def test_no_eight_word_run_copied_from_real_dev(problems: list[str]) -> None:
    if not any(CACHE.glob("*.txt")):
        pytest.skip(f"real-dev texts not found in {CACHE} (see ../shared/eval/real-dev/README.md)")
    copied = [p for p in problems if "8-word" in p]
    assert copied == [], copied[:5]
