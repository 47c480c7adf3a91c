"""Bounded work on hostile input, checked by counting work rather than timing it.

Python line events (sys.settrace) are a deterministic count of interpreted work: for
an input four times as large, linear code does about four times as many, quadratic code
about sixteen. Timings of the same inputs are in `make bench` (bench/hostile_bench.py).
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

import pytest

from bench.hostile import number_dense, one_line
from opwatch.errors import OpwatchError
from opwatch.models.figures.extract import LONG_SENTENCE, SENTENCE_REACH, number_items
from opwatch.models.ner.tagger import Analysis, _windows
from opwatch.records import Article, Problem, content_hash
from opwatch.settings import Settings
from opwatch.tasks.assemble import assemble_batch
from opwatch.tasks.extract import check_caps

LINEAR_LIMIT = 6.0  # growth of work for 4x the input: ~4 if linear, ~16 if quadratic


def _line_events(fn, *args) -> int:  # noqa: ANN001
    count = 0

    def tracer(frame, event, arg):  # noqa: ANN001, ARG001
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        fn(*args)
    finally:
        sys.settrace(None)
    return count


def test_number_dense_text_is_linear() -> None:
    small = _line_events(number_items, number_dense(150))
    large = _line_events(number_items, number_dense(600))
    assert large / small < LINEAR_LIMIT


def test_one_long_line_is_linear_and_each_number_reads_a_bounded_context() -> None:
    small_text, large_text = one_line(20_000), one_line(80_000)
    assert len(small_text) > LONG_SENTENCE
    small = _line_events(number_items, small_text)
    large = _line_events(number_items, large_text)
    assert large / small < LINEAR_LIMIT
    items = number_items(large_text)
    assert len(items) > 100
    longest = max(len(item.mention.sentence) for item in items)
    assert longest <= 2 * SENTENCE_REACH + 20


def _windows_reference(n: int, starts: list[int], content: int) -> list[tuple[int, int]]:
    """The previous (quadratic) implementation: the new one must give the same windows."""
    step = max(1, content // 2)
    out, start = [], 0
    while start < n:
        hard = min(start + content, n)
        inner = [s for s in starts if start < s <= hard]
        end = n if hard == n else (inner[-1] if inner and inner[-1] - start >= step else hard)
        out.append((start, end))
        if end == n:
            break
        target = [s for s in inner if s <= start + step]
        start = min(target[-1] if target else start + step, end)
    return out


def test_windows_match_the_reference_and_grow_linearly() -> None:
    rng = random.Random(7)
    for _ in range(200):
        n = rng.randint(1, 2000)
        starts = sorted({0, *(rng.randint(0, n) for _ in range(rng.randint(0, n // 4 + 1)))})
        content = rng.choice([8, 30, 126])
        assert _windows(n, starts, content) == _windows_reference(n, starts, content)
    small = _line_events(_windows, 20_000, list(range(0, 20_000, 9)), 126)
    large = _line_events(_windows, 80_000, list(range(0, 80_000, 9)), 126)
    assert large / small < LINEAR_LIMIT


def _check_windows(n: int, starts: list[int], content: int, overlap: float) -> int:
    """Windows cover every sub-token, fit, move forward, and a window cut in the middle
    of a sentence shares at least `overlap` of itself with the next; returns their count."""
    wins = _windows(n, starts, content, overlap)
    assert wins[0][0] == 0 and wins[-1][1] == n
    for (s, e), (s2, e2) in zip(wins, wins[1:], strict=False):
        assert 0 < e - s <= content and s < s2 <= e <= e2
        if e not in starts:
            assert e - s2 >= math.ceil(content * overlap)
    return len(wins)


@pytest.mark.parametrize("overlap", [0.5, 0.25, 0.125, 0.0])
def test_windows_at_any_overlap_cover_the_text(overlap: float) -> None:
    rng = random.Random(11)
    for _ in range(100):
        n = rng.randint(1, 1500)
        starts = sorted({0, *(rng.randint(0, n) for _ in range(rng.randint(0, n // 6 + 1)))})
        _check_windows(n, starts, rng.choice([8, 30, 126]), overlap)


def test_less_overlap_means_fewer_windows() -> None:
    counts = [_check_windows(5000, [0], 126, f) for f in (0.5, 0.25, 0.125)]
    assert counts[0] > counts[1] > counts[2]
    assert counts[0] == math.ceil((5000 - 126) / 63) + 1  # half a window on each time


def test_window_overlap_must_be_a_share_below_one() -> None:
    with pytest.raises(ValueError, match="overlap"):
        _windows(10, [0], 8, 1.0)


def _analysis(n_words: int) -> Analysis:
    words = [(6 * i, 6 * i + 5) for i in range(n_words)]
    word_of = [w for w in range(n_words) for _ in range(1 + w % 2)]  # 1 or 2 sub-tokens
    return Analysis([], words, word_of, None)


def test_token_range_is_exact_and_does_not_scan_the_article() -> None:
    analysis = _analysis(300)
    for start, end in [(0, 5), (6, 11), (7, 20), (5, 6), (1790, 1800), (12, 12)]:
        hit = [
            p
            for p, w in enumerate(analysis.word_of)
            if analysis.words[w][0] < end and start < analysis.words[w][1]
        ]
        assert analysis.token_range(start, end) == ((hit[0], hit[-1]) if hit else None)
    small = _line_events(_analysis(1_000).token_range, 3000, 3004)
    large = _analysis(64_000)
    assert _line_events(large.token_range, 3000, 3004) < 3 * small


def _article(text: str) -> Article:
    from datetime import UTC, datetime

    return Article(
        article_id=content_hash(text),
        source="hostile.txt",
        source_kind="file",
        content_kind="text",
        title=None,
        sitename=None,
        author=None,
        url=None,
        published=None,
        text=text,
        n_chars=len(text),
        encoding="utf-8",
        decode_errors=False,
        first_seen=datetime.now(UTC),
        run_id="test",
    )


def test_caps_refuse_long_or_number_dense_articles_with_their_code() -> None:
    settings = Settings(max_article_chars=50_000, max_numbers=100)
    with pytest.raises(OpwatchError, match="E031") as long_error:
        check_caps(_article(one_line(60_000)), settings)
    assert "60,000 characters > 50,000" in str(long_error.value)
    with pytest.raises(OpwatchError, match="E032"):
        check_caps(_article(number_dense(400)), settings)
    assert len(check_caps(_article(number_dense(60)), settings)) <= 100


def test_a_capped_article_is_kept_with_a_quarantine_reason() -> None:
    article = _article(one_line(1_000))
    batch = assemble_batch([article], [OpwatchError("E032", "3 numbers > 2")], [])
    assert batch.articles == [article]
    (problem,) = batch.problems
    assert isinstance(problem, Problem)
    assert problem.code == "E032" and "OPWATCH_MAX_NUMBERS" in problem.message


def test_predict_reports_a_one_megabyte_line_without_running_the_model(tmp_path: Path) -> None:
    from opwatch.tasks.predict import predict_files

    path = tmp_path / "one-line.txt"
    path.write_text(one_line(1_000_000))
    settings = Settings(data_dir=tmp_path, ner_model=str(tmp_path / "no-model-here"))
    ((record, error),) = predict_files([path], settings).values()
    assert error is not None and "E031" in error
    assert record["doc"] == "one-line.txt"


def test_a_cap_error_keeps_its_code_through_pickling() -> None:
    import pickle

    error = pickle.loads(pickle.dumps(OpwatchError("E032", "3 numbers > 2")))
    assert error.code == "E032" and "3 numbers > 2" in str(error)
