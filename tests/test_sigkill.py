"""kill -9 of `opwatch run` mid-run leaves a database that opens, holds no partial article
and passes every data test; a re-run then matches a clean run on a fresh database."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from opwatch.warehouse.data_tests import failed, run_data_tests
from tests.conftest import EXAMPLES, REPO

pytestmark = pytest.mark.slow

TABLES = ("articles", "entities", "figures", "operations", "operation_articles")


def _inbox(tmp_path: Path, copies: int = 2) -> Path:
    """Distinct articles: copies of the .txt examples with a line that changes the hash."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in sorted(EXAMPLES.glob("*.txt")):
        for i in range(copies):
            note = f"\n\nEditor's note {i}: this copy was made for a crash test.\n".encode()
            (inbox / f"{path.stem}_{i}{path.suffix}").write_bytes(path.read_bytes() + note)
    return inbox


def _command(inbox: Path, db: Path, tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "OPWATCH_DATA_DIR": str(tmp_path / "data"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "opwatch.flows.cli", "run", str(inbox), "--db", str(db)]
    return [*command, "--reports", str(tmp_path / "reports")], env


def _run(inbox: Path, db: Path, tmp_path: Path) -> None:
    command, env = _command(inbox, db, tmp_path)
    proc = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-3000:]


def _kill(inbox: Path, db: Path, tmp_path: Path, when: str) -> str:
    """Start a run and SIGKILL it: 'load' up to a second after it starts writing the
    database (the file appears), 'extract' 12 s in. Returns where the kill landed."""
    command, env = _command(inbox, db, tmp_path)
    existed = db.exists()
    mtime = db.stat().st_mtime_ns if existed else 0
    proc = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    started = time.monotonic()
    try:
        while proc.poll() is None and time.monotonic() - started < 240:
            if when == "load":
                wal = db.with_name(db.name + ".wal")
                touched = wal.exists() or (
                    db.exists() and (not existed or db.stat().st_mtime_ns != mtime)
                )
                if touched:
                    time.sleep(random.Random(len(when)).uniform(0.2, 1.0))  # into the load
                    break
            elif time.monotonic() - started > 12:
                break
            time.sleep(0.02)
        landed = "finished before the kill" if proc.poll() is not None else when
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return landed


def _counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def _assert_consistent(db: Path) -> None:
    """The database opens, every data test passes and no fact outlives its article."""
    if not db.exists():
        return  # killed before the first write: nothing to break
    with duckdb.connect(str(db), read_only=True) as con:
        tables = {
            row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
        if not tables:
            return  # killed as the file was created, before its schema: empty, not partial
        assert set(TABLES) <= tables, f"a half-made schema: {sorted(tables)}"
        bad = failed(run_data_tests(con))
        assert not bad, [(r.name, r.error, r.examples) for r in bad]
        for table in ("entities", "figures", "operation_articles"):
            orphans = con.execute(
                f"SELECT count(*) FROM {table} WHERE article_id NOT IN "
                "(SELECT article_id FROM articles)"
            ).fetchone()[0]
            assert orphans == 0, f"{orphans} {table} rows without their article"
        unrecorded = con.execute(
            "SELECT count(*) FROM articles WHERE run_id NOT IN (SELECT run_id FROM runs)"
        ).fetchone()[0]
        assert unrecorded == 0, "articles loaded by a run that is not recorded"


def test_sigkill_mid_run_leaves_a_whole_database(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    clean_db, killed_db = tmp_path / "clean.duckdb", tmp_path / "killed.duckdb"
    _run(inbox, clean_db, tmp_path)
    clean = _counts(clean_db)
    with duckdb.connect(str(clean_db), read_only=True) as con:
        quarantined = con.execute(
            "SELECT count(*) FROM quarantine WHERE table_name = 'documents'"
        ).fetchone()[0]
    assert clean["articles"] >= 10
    assert clean["articles"] + quarantined == len(list(inbox.iterdir()))

    landed = []
    for when in ("extract", "load"):
        landed.append(_kill(inbox, killed_db, tmp_path, when))
        _assert_consistent(killed_db)
    assert "finished before the kill" not in landed[:1], landed  # extraction takes longer

    _run(inbox, killed_db, tmp_path)
    _assert_consistent(killed_db)
    assert _counts(killed_db) == clean
