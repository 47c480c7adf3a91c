"""The pipeline flow end to end under a Prefect test harness, on the bundled samples."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import EXAMPLES

pytestmark = pytest.mark.slow

TABLES = ("articles", "entities", "figures", "quarantine", "runs", "operations")


@pytest.fixture(scope="module")
def harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def _counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in sorted(EXAMPLES.iterdir()):
        if path.suffix in {".txt", ".html"}:
            shutil.copy(path, inbox / path.name)
    # Bad input travels with the good: each must become a quarantine row.
    (inbox / "empty.txt").write_text("")
    (inbox / "blank.txt").write_text("   \n\t\n")
    (inbox / "binary.txt").write_bytes(bytes(range(256)) * 40)
    first = sorted(EXAMPLES.glob("*.txt"))[0]
    shutil.copy(first, inbox / "copy-of-first.txt")  # duplicate inside one run
    return inbox


def test_pipeline_loads_quarantines_and_is_idempotent(harness, tmp_path: Path):
    from flows.pipeline import pipeline

    inbox = _inbox(tmp_path)
    db = tmp_path / "flow.duckdb"
    n_good = len([p for p in EXAMPLES.iterdir() if p.suffix in {".txt", ".html"}])

    summary = pipeline(sources=[str(inbox)], db_path=str(db), reports_dir=str(tmp_path / "r"))
    first = _counts(db)
    assert first["articles"] == n_good
    assert first["entities"] > n_good and first["figures"] > n_good
    assert first["operations"] >= 1
    with duckdb.connect(str(db), read_only=True) as con:
        codes = {r[0] for r in con.execute("SELECT expectation FROM quarantine").fetchall()}
    assert {"E001", "E002", "E003", "E021"} <= codes
    assert Path(summary["report"]).is_file()

    pipeline(sources=[str(inbox)], db_path=str(db), reports_dir=str(tmp_path / "r"))
    second = _counts(db)
    for table in ("articles", "entities", "figures", "operations"):
        assert second[table] == first[table], table
    assert second["runs"] == 2

    # A changed article replaces its old rows instead of adding to them.
    changed = inbox / sorted(EXAMPLES.glob("*.txt"))[-1].name  # not the duplicated one
    changed.write_text(changed.read_text() + "\nA later update added one more paragraph.\n")
    pipeline(sources=[str(inbox)], db_path=str(db), reports_dir=str(tmp_path / "r"))
    assert _counts(db)["articles"] == n_good
