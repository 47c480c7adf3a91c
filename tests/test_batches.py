"""Chunks and batches without models or GX: splitting, failed chunks, dedupe across
batches, a run loaded in several transactions, and a crash that loses one batch only."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from opwatch.expectations.outcome import problems_only
from opwatch.records import Problem, QuarantineRow
from opwatch.settings import load_settings
from opwatch.tasks.batches import RunTotals, dedupe_batch, load_outcome, nothing_to_load
from opwatch.tasks.chunks import ChunkRead, chunk_results, chunked, merge_reads, read_chunk
from opwatch.warehouse.db import WarehouseError
from tests.factories import RUN_ID, TEXT_A, TEXT_B, article

STARTED = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def test_chunked_splits_in_order_and_refuses_size_zero():
    assert list(chunked(list(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunked([], 4)) == []
    with pytest.raises(ValueError, match="at least 1"):
        list(chunked([1], 0))


def test_settings_refuse_a_zero_batch_size():
    with pytest.raises(ValueError, match="OPWATCH_BATCH_SIZE"):
        load_settings(env={"OPWATCH_BATCH_SIZE": "0"})
    assert load_settings(env={"OPWATCH_CHUNK_SIZE": "3"}).chunk_size == 3


def test_read_chunk_cleans_and_reports_bad_sources(tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text("Officers in Norway arrested five men after a long inquiry. " * 3)
    (tmp_path / "empty.txt").write_text("")
    read = read_chunk(
        [str(good), str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt")],
        load_settings(),
        RUN_ID,
        STARTED,
    )
    assert [a.source for a in read.articles] == [str(good)]
    assert sorted(p.code for p in read.problems) == ["E001", "E005"]
    assert read.known == [] and str(good) in read.raw_keys


def test_read_chunk_skips_content_known_by_raw_key(tmp_path: Path):
    good, other = tmp_path / "good.txt", tmp_path / "other.txt"
    good.write_text("Officers in Norway arrested five men after a long inquiry. " * 3)
    other.write_text("Police in Chile detained nine suspects in a wide operation. " * 3)
    first = read_chunk([str(good), str(other)], load_settings(), RUN_ID, STARTED)
    by_source = {a.source: a.article_id for a in first.articles}
    known_raw = {first.raw_keys[str(good)]: by_source[str(good)]}
    again = read_chunk([str(good), str(other)], load_settings(), RUN_ID, STARTED, known_raw)
    assert again.known == [(str(good), by_source[str(good)])]
    assert [a.source for a in again.articles] == [str(other)]
    # a changed file has a new raw key: it is cleaned again
    good.write_text("Officers in Norway arrested six men after a long inquiry. " * 3)
    changed = read_chunk([str(good)], load_settings(), RUN_ID, STARTED, known_raw)
    assert changed.known == [] and len(changed.articles) == 1


def test_a_failed_chunk_becomes_one_problem_or_error_per_item():
    a, b, c = article(TEXT_A, "a.txt"), article(TEXT_B, "b.txt"), article(TEXT_A + " x", "c.txt")
    read = merge_reads(
        [["a.txt"], ["b.txt", "c.txt"]],
        [ChunkRead([a], [], {"a.txt": "k"}), RuntimeError("worker lost")],
    )
    assert read.articles == [a] and read.raw_keys == {"a.txt": "k"}
    problems = read.problems
    assert [(p.source, p.code) for p in problems] == [("b.txt", "E020"), ("c.txt", "E020")]
    assert "worker lost" in problems[0].message

    lost = RuntimeError("worker lost")
    results = chunk_results([[a], [b, c]], [[([], [])], lost])
    assert results == [([], []), lost, lost]
    short = chunk_results([[a, b]], [[([], [])]])  # a chunk that answered for one of two
    assert all(isinstance(r, RuntimeError) for r in short) and len(short) == 2


def test_dedupe_across_batches_reports_later_copies_as_duplicates():
    first, copy = article(TEXT_A, "one.txt"), article(TEXT_A, "two.txt")
    loaded_before = article(TEXT_B, "old.txt")
    seen: dict[str, str] = {}
    batch1 = dedupe_batch([first, loaded_before], {loaded_before.article_id}, seen)
    assert batch1.new == [first] and batch1.already_loaded == [loaded_before]
    batch2 = dedupe_batch([copy], set(), seen)
    assert batch2.new == [] and [p.code for p in batch2.duplicates] == ["E021"]
    assert "one.txt" in batch2.duplicates[0].message
    forced = dedupe_batch([loaded_before], {loaded_before.article_id}, {}, force=True)
    assert forced.new == [loaded_before]


def test_dedupe_counts_unread_known_content_and_its_later_copies():
    first = article(TEXT_A, "one.txt")
    seen: dict[str, str] = {}
    result = dedupe_batch(
        [article(TEXT_A, "two.txt")], set(), seen, unread=[("one.txt", first.article_id)]
    )
    assert result.unread == [("one.txt", first.article_id)] and result.new == []
    assert [p.code for p in result.duplicates] == ["E021"]
    assert "one.txt" in result.duplicates[0].message


def _outcome_for(articles, problems=()):
    outcome = problems_only(list(problems), RUN_ID, STARTED.date(), Path("reports"))
    outcome.articles = list(articles)
    return outcome


def test_a_run_in_batches_keeps_every_batch_and_the_run_totals(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    totals = RunTotals(RUN_ID, STARTED, tmp_path, n_sources=3)
    bad = Problem("empty.txt", "ingest", "E001", "E001: empty")
    batches = [
        _outcome_for([article(TEXT_A, "a.txt")], [bad]),
        _outcome_for([article(TEXT_B, "b.txt")]),
    ]
    for number, outcome in enumerate(batches, 1):
        status = None if number == len(batches) else "running"
        info = totals.run_info(status=status)
        loaded = load_outcome(db, outcome, info, first_batch=number == 1)
        totals.add(outcome, loaded)
        if number == 1:
            with duckdb.connect(str(db), read_only=True) as con:
                assert con.execute("SELECT status FROM runs").fetchall() == [("running",)]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
        # the second batch kept the first batch's quarantine row
        assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 1
        run = con.execute("SELECT n_articles_loaded, n_quarantined, status FROM runs").fetchall()
    assert run == [(2, 1, "quarantined")]
    assert totals.loaded.articles_inserted == 2
    merged = totals.outcome()
    assert merged.tables["documents"].failed == 1 and len(merged.quarantine) == 1
    assert [(e.check, e.unexpected) for e in merged.expectations] == [("E001", 1)]


def test_a_batch_of_known_content_is_not_loaded_but_counted(tmp_path: Path):
    bad = Problem("empty.txt", "ingest", "E001", "E001: empty")
    known_only = _outcome_for([])
    assert nothing_to_load(known_only, [])
    assert not nothing_to_load(known_only, [("raw-key", "article-id")])  # a new raw key
    assert not nothing_to_load(_outcome_for([], [bad]), [])  # a quarantine row
    assert not nothing_to_load(_outcome_for([article(TEXT_A, "a.txt")]), [])

    db = tmp_path / "w.duckdb"
    totals = RunTotals(RUN_ID, STARTED, tmp_path, n_sources=2)
    totals.add(known_only, None)  # skipped: nothing written, no run row yet
    assert totals.n_batches == 1 and totals.n_loads == 0
    last = _outcome_for([article(TEXT_B, "b.txt")])
    loaded = load_outcome(db, last, totals.run_info(), first_batch=totals.n_loads == 0)
    totals.add(last, loaded)
    assert totals.n_batches == 2 and totals.n_loads == 1
    assert totals.loaded.articles_inserted == 1 and totals.loaded.data_tests
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT n_articles_loaded, status FROM runs").fetchall() == [(1, "ok")]


def test_raw_keys_are_kept_for_loaded_articles_and_dropped_with_replaced_ones(tmp_path: Path):
    from opwatch.tasks.load import known_raw_keys

    db = tmp_path / "w.duckdb"
    a, b = article(TEXT_A, "a.txt"), article(TEXT_B, "b.txt")
    info = RunTotals(RUN_ID, STARTED, tmp_path).run_info()
    pairs = [("key-a", a.article_id), ("key-b", b.article_id), ("key-x", "not-loaded")]
    load_outcome(db, _outcome_for([a, b]), info, first_batch=True, raw_documents=pairs)
    assert known_raw_keys(db) == {"key-a": a.article_id, "key-b": b.article_id}
    # a.txt now holds other content: its old article and raw key go
    changed = article(TEXT_A + " More was found later.", "a.txt")
    info = RunTotals("run-2", STARTED, tmp_path).run_info()
    load_outcome(db, _outcome_for([changed]), info, first_batch=True)
    assert known_raw_keys(db) == {"key-b": b.article_id}


def test_a_crash_loses_only_the_batch_in_flight(tmp_path: Path, monkeypatch):
    import opwatch.tasks.load as load_module
    from opwatch.warehouse import db as warehouse_db

    db = tmp_path / "w.duckdb"
    totals = RunTotals(RUN_ID, STARTED, tmp_path)
    first = _outcome_for([article(TEXT_A, "a.txt")])
    info = totals.run_info(status="running")
    totals.add(first, load_outcome(db, first, info, first_batch=True))

    def crash_after_articles(*args, **kwargs):
        def on_step(name: str) -> None:
            if name == "articles":
                raise RuntimeError("power cut")

        return warehouse_db.load_batch(*args, **kwargs, on_step=on_step)

    monkeypatch.setattr(load_module, "load_batch", crash_after_articles)
    second = _outcome_for([article(TEXT_B, "b.txt")])
    second.quarantine = [QuarantineRow(RUN_ID, "documents", "x", "E001", "r", "{}")]
    with pytest.raises(WarehouseError, match="power cut"):
        load_outcome(db, second, totals.run_info(), first_batch=False)
    with duckdb.connect(str(db), read_only=True) as con:
        ids = [r[0] for r in con.execute("SELECT source FROM articles").fetchall()]
        n_quarantine = con.execute("SELECT count(*) FROM quarantine").fetchone()[0]
        run = con.execute("SELECT n_articles_loaded, status FROM runs").fetchall()
    # the first batch stays; the run row keeps its totals and says the run failed
    assert ids == ["a.txt"] and n_quarantine == 0 and run == [(1, "failed")]


def test_cli_refuses_a_bad_batch_size_with_the_variable_to_fix(monkeypatch):
    from typer.testing import CliRunner

    from opwatch.flows.cli import app

    monkeypatch.setenv("OPWATCH_BATCH_SIZE", "0")
    result = CliRunner().invoke(app, ["run", "examples/articles"])
    assert result.exit_code == 2
    assert "OPWATCH_BATCH_SIZE" in result.output


def test_the_settings_choose_the_task_runner():
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    from opwatch.flows.runners import task_runner_for

    threads = task_runner_for(load_settings(env={"OPWATCH_MAX_WORKERS": "3"}))
    assert isinstance(threads, ThreadPoolTaskRunner) and threads._max_workers == 3
    remote = task_runner_for(load_settings(env={"OPWATCH_DASK_ADDRESS": "tcp://10.0.0.5:8786"}))
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://10.0.0.5:8786"
    local = task_runner_for(
        load_settings(env={"OPWATCH_DASK": "true", "OPWATCH_DASK_WORKERS": "3"})
    )
    assert local.address is None
    assert local.cluster_kwargs["n_workers"] == 3 and local.cluster_kwargs["host"] == "127.0.0.1"
