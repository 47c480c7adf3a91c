"""The scale benchmark's own logic: its corpus and the checks of the issue's targets
(the timings themselves live in `make bench-scale`, never in tests)."""

from __future__ import annotations

from pathlib import Path

from bench.scale import Measure, target_checks
from bench.scale_corpus import MARKER, article_text, change_some, write_corpus


def _m(size: int, case: str, wall: float, rss: float = 800, runner: str = "thread") -> Measure:
    return Measure(size, case, runner, wall, size / wall, rss, None, size, 0)


def test_targets_are_checked_on_the_rows_measured() -> None:
    rows = [
        _m(1000, "first run", 250.0, 900),
        _m(1000, "first run", 260.0, 700, runner="dask"),
        _m(1000, "re-run unchanged", 10.0),
        _m(5000, "first run", 1500.0, 1300),
        _m(5000, "re-run unchanged", 100.0),
    ]
    lines = target_checks(rows)
    assert "articles/s at 5000 is 83% of 1000 (target 85-115%): NOT met" in lines
    assert any(line.startswith("peak RSS at 5000: 1300 MB") and "NOT met" in line for line in lines)
    rerun = [line for line in lines if line.startswith("unchanged re-run at 1000: 25.0x")]
    assert rerun and rerun[0].endswith(": met")
    slow = [line for line in lines if line.startswith("unchanged re-run at 5000: 15.0x")]
    assert slow and slow[0].endswith("NOT met")
    assert any(line.startswith("Dask at 1000: 96%") and line.endswith(": met") for line in lines)
    assert target_checks([_m(100, "first run", 30.0)]) == []  # nothing to compare


def test_corpus_is_deterministic_distinct_and_changes_a_tenth(tmp_path: Path) -> None:
    assert article_text(3) == article_text(3) and article_text(3) != article_text(4)
    paths = write_corpus(tmp_path, 20)
    texts = {p.read_text(encoding="utf-8") for p in paths}
    assert len(texts) == 20 and sum(p.suffix == ".html" for p in paths) == 2
    assert all(MARKER in t for t in texts)
    assert change_some(paths, 0.10) == 2
    assert len(texts - {p.read_text(encoding="utf-8") for p in paths}) == 2
