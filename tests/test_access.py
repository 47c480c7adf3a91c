"""Readers never break a load: read snapshot, write-lock backoff, failed loads recorded."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import duckdb
import factories as F
import pytest

from opwatch.records import QuarantineRow
from opwatch.tasks.load import load
from opwatch.warehouse.access import (
    open_for_write,
    open_read_only,
    publish_snapshot,
    read_path,
    snapshot_path,
)
from opwatch.warehouse.db import WarehouseError
from opwatch.warehouse.query import run_readonly

# A reader in its own process: it holds one read-only connection open and answers a
# query in a loop, printing each answer, until it has answered `n` times.
READER = """
import sys, time, duckdb
from opwatch.warehouse.access import open_read_only
con = open_read_only(sys.argv[1])
print("open", flush=True)
for _ in range(int(sys.argv[2])):
    print(con.execute("SELECT count(*) FROM articles").fetchone()[0], flush=True)
    time.sleep(0.05)
"""
# A process that holds the warehouse itself read-only (as old readers did) for a while.
HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("open", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _outcome(tmp_path: Path, *batches, run_id: str = F.RUN_ID) -> SimpleNamespace:
    return SimpleNamespace(  # the fields of ValidationOutcome that load reads
        articles=[replace(b[0], run_id=run_id) for b in batches],
        entities=[e for b in batches for e in b[1]],
        figures=[f for b in batches for f in b[2]],
        quarantine=[QuarantineRow(run_id, "documents", "x.txt", "E001", "empty", "{}")],
        summary_html=tmp_path / "validation.html",
    )


def _spawn(code: str, *args: str) -> subprocess.Popen:
    repo = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(repo)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "open", proc.stderr.read() if proc.stderr else ""
    return proc


def test_snapshot_sits_next_to_the_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "opwatch.duckdb"
    assert snapshot_path(db) == tmp_path / "opwatch.read.duckdb"
    assert read_path(db) == db  # no snapshot yet: read the warehouse itself
    duckdb.connect(str(db)).close()
    publish_snapshot(db)
    assert read_path(db) == snapshot_path(db)
    assert read_path(snapshot_path(db)) == snapshot_path(db)
    assert not list(tmp_path.glob(".*.tmp"))


def test_reader_holding_the_snapshot_never_breaks_a_load(tmp_path: Path) -> None:
    db = tmp_path / "wh" / "opwatch.duckdb"
    load(db, "run-1", _outcome(tmp_path, F.batch_a(), run_id="run-1"), datetime.now(UTC))
    reader = _spawn(READER, str(db), "60")
    try:
        result = load(
            db, "run-2", _outcome(tmp_path, F.batch_b(), run_id="run-2"), datetime.now(UTC)
        )
        # read through the same buffered stream as _spawn's readline (communicate() reads
        # the raw pipe and would miss lines already buffered there)
        answers = reader.stdout.read()
        reader.wait(timeout=60)
    finally:
        reader.kill()
    assert reader.returncode == 0
    assert result.articles_inserted == 1
    counts = [int(line) for line in answers.split()]
    assert len(counts) == 60 and set(counts) == {1}  # the reader kept its snapshot
    columns, rows = run_readonly(db, "SELECT count(*) FROM articles")
    assert rows == [(2,)]  # a new reader sees the new load
    statuses = run_readonly(db, "SELECT run_id, status, fingerprint FROM runs ORDER BY run_id")
    assert [r[:2] for r in statuses[1]] == [("run-1", "quarantined"), ("run-2", "quarantined")]


def test_loader_waits_for_the_write_lock_then_loads(tmp_path: Path) -> None:
    db = tmp_path / "opwatch.duckdb"
    duckdb.connect(str(db)).close()
    holder = _spawn(HOLDER, str(db), "1.5")
    try:
        started = time.monotonic()
        result = load(
            db, "run-1", _outcome(tmp_path, F.batch_a(), run_id="run-1"), datetime.now(UTC),
            lock_timeout=30,
        )  # fmt: skip
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert result.articles_inserted == 1
    assert waited > 0.5  # it did wait for the holder


def test_loader_gives_up_with_one_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "opwatch.duckdb"
    duckdb.connect(str(db)).close()
    holder = _spawn(HOLDER, str(db), "30")
    try:
        with pytest.raises(WarehouseError) as error:
            open_for_write(db, timeout=0.5)
    finally:
        holder.kill()
        holder.wait()
    message = str(error.value)
    assert "locked by another process" in message and "OPWATCH_LOCK_TIMEOUT" in message
    assert "nothing was loaded" in message
    assert error.value.__cause__ is None and error.value.__suppress_context__


def test_a_failed_load_is_rolled_back_and_recorded(tmp_path: Path, monkeypatch) -> None:
    import opwatch.tasks.load as load_module

    db = tmp_path / "opwatch.duckdb"

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(load_module, "load_batch", broken)
    with pytest.raises(WarehouseError, match="disk full"):
        load(db, "run-1", _outcome(tmp_path, F.batch_a(), run_id="run-1"), datetime.now(UTC),
             fingerprint="abc")  # fmt: skip
    _, rows = run_readonly(db, "SELECT status, n_articles_loaded, fingerprint FROM runs")
    assert rows == [("failed", 0, "abc")]
    assert run_readonly(db, "SELECT count(*) FROM articles")[1] == [(0,)]


def test_a_file_that_is_not_a_database_is_named_as_such(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from opwatch.flows.cli import app

    text = tmp_path / "notes.duckdb"
    text.write_text("these are notes, not a database\n" * 50)
    with pytest.raises(WarehouseError, match="not a DuckDB database"):
        open_read_only(text)
    result = CliRunner().invoke(app, ["sql", "SELECT 1", "--db", str(text)])
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "not a DuckDB database" in output and "load is probably running" not in output
