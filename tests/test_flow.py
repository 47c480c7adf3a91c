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


def test_pipeline_loads_quarantines_and_is_idempotent(harness, tmp_path: Path, monkeypatch):
    from opwatch.flows.pipeline import pipeline

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
    assert summary["data_tests_failed"] == []  # the SQL data tests ran after the load
    # one dossier per operation the run's articles name, beside the run report
    assert summary["dossiers"] == first["operations"]
    assert Path(summary["example_dossier"]).is_file()
    with duckdb.connect(str(db), read_only=True) as con:
        statuses = {r[0] for r in con.execute("SELECT status FROM runs").fetchall()}
    assert statuses == {"quarantined"}

    # the re-run in batches of 2: batches of known content only are not loaded, and the
    # last batch still records the run with every batch's counts
    monkeypatch.setenv("OPWATCH_BATCH_SIZE", "2")
    rerun = pipeline(sources=[str(inbox)], db_path=str(db), reports_dir=str(tmp_path / "r"))
    monkeypatch.delenv("OPWATCH_BATCH_SIZE")
    second = _counts(db)
    for table in ("articles", "entities", "figures", "operations"):
        assert second[table] == first[table], table
    assert second["runs"] == 2
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(
            "SELECT status, n_skipped FROM runs WHERE run_id = ?", [rerun["run_id"]]
        ).fetchone()
    assert row is not None and row[0] == "quarantined"  # the bad files, quarantined again
    assert row[1] == n_good

    # --force reloads every article; its run row counts them as the summary does.
    forced = pipeline(
        sources=[str(inbox)], force=True, db_path=str(db), reports_dir=str(tmp_path / "r")
    )
    assert forced["articles_loaded"] == n_good and forced["articles_new"] == 0
    with duckdb.connect(str(db), read_only=True) as con:
        loaded, fingerprint = con.execute(
            "SELECT n_articles_loaded, fingerprint FROM runs WHERE run_id = ?",
            [forced["run_id"]],
        ).fetchone()
    assert loaded == forced["articles_loaded"]
    assert fingerprint and fingerprint == forced["fingerprint"]

    # A changed article replaces its old rows instead of adding to them.
    changed = inbox / sorted(EXAMPLES.glob("*.txt"))[-1].name  # not the duplicated one
    changed.write_text(changed.read_text() + "\nA later update added one more paragraph.\n")
    pipeline(sources=[str(inbox)], db_path=str(db), reports_dir=str(tmp_path / "r"))
    assert _counts(db)["articles"] == n_good


def _feed(base: str) -> bytes:
    items = "".join(
        f"<item><title>Item {i}</title><link>{base}/news/{i}.html</link></item>" for i in (1, 2)
    )
    broken = "<item><title>No link at all</title></item>"
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Press</title>'
        f"{items}{broken}</channel></rss>"
    ).encode()


def test_cli_run_fetches_feed_items_as_text_only(harness, tmp_path: Path):
    from typer.testing import CliRunner

    from opwatch.flows.cli import app
    from tests.local_http import Server

    html = {"Content-Type": "text/html; charset=utf-8"}
    pages = sorted(EXAMPLES.glob("*.html"))[:2]
    routes = {f"/news/{i}.html": (200, html, p.read_bytes()) for i, p in enumerate(pages, 1)}
    with Server(routes) as server:
        server.routes["/feed.xml"] = (
            200,
            {"Content-Type": "application/rss+xml"},
            _feed(server.base),
        )
        db = tmp_path / "cli.duckdb"
        result = CliRunner().invoke(
            app,
            [
                "run",
                server.url("/feed.xml"),
                "--allow-private",
                "--db",
                str(db),
                "--reports",
                str(tmp_path / "reports"),
            ],
        )
        requested = list(server.requests)
    assert result.exit_code == 0, result.output
    assert _counts(db)["articles"] == 2
    assert requested.count("/feed.xml") == 1
    assert all(p == "/feed.xml" or p.startswith("/news/") for p in requested), requested
    with duckdb.connect(str(db), read_only=True) as con:
        kinds = {r[0] for r in con.execute("SELECT source_kind FROM articles").fetchall()}
        codes = {r[0] for r in con.execute("SELECT expectation FROM quarantine").fetchall()}
    assert kinds == {"feed_item"}
    assert "E015" in codes  # the entry without a link is reported, not lost

    refused = CliRunner().invoke(
        app,
        ["run", "http://127.0.0.1:9/feed.xml", "--db", str(db), "--reports", str(tmp_path / "r")],
    )
    # every source failed: not a success, and the reason is on the screen
    assert refused.exit_code == 1, refused.output
    assert "every source failed" in refused.output and "E013" in refused.output
    with duckdb.connect(str(db), read_only=True) as con:
        codes = {r[0] for r in con.execute("SELECT expectation FROM quarantine").fetchall()}
    assert "E013" in codes  # loopback refused without --allow-private


def test_cli_run_with_missing_model_names_the_setting(harness, tmp_path: Path, monkeypatch):
    from typer.testing import CliRunner

    from opwatch.flows.cli import app
    from opwatch.models.ner.tagger import get_tagger

    get_tagger.cache_clear()
    monkeypatch.setenv("OPWATCH_NER_MODEL", str(tmp_path / "no-such-model"))
    inbox = tmp_path / "one"
    inbox.mkdir()
    shutil.copy(sorted(EXAMPLES.glob("*.txt"))[0], inbox)
    result = CliRunner().invoke(app, ["run", str(inbox), "--db", str(tmp_path / "m.duckdb")])
    get_tagger.cache_clear()
    assert result.exit_code == 2
    assert "OPWATCH_NER_MODEL" in result.output
    assert not (tmp_path / "m.duckdb").exists()  # nothing half-loaded


def test_missing_inbox_fails_the_flow_run_with_its_reason(harness, tmp_path: Path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from opwatch.errors import RunFailed
    from opwatch.flows.pipeline import pipeline
    from opwatch.tasks.report import ARTIFACT_KEY

    db = tmp_path / "inbox.duckdb"
    missing = tmp_path / "inbox-that-is-not-there"
    flow_runs = []
    for _ in range(2):  # two runs: the artifact key keeps both
        state = pipeline(
            sources=[str(missing)], db_path=str(db), reports_dir=str(tmp_path / "r"),
            return_state=True,
        )  # fmt: skip
        assert state.is_failed()
        flow_runs.append(state.state_details.flow_run_id)
        with pytest.raises(RunFailed) as failed:
            state.result()
        assert "every source failed" in str(failed.value) and str(missing) in str(failed.value)
        assert "E005" in str(failed.value)
    with duckdb.connect(str(db), read_only=True) as con:
        runs = con.execute("SELECT status, n_articles_loaded, fingerprint FROM runs").fetchall()
    assert [r[:2] for r in runs] == [("failed", 0), ("failed", 0)]
    assert all(r[2] for r in runs)

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[ARTIFACT_KEY]))
        )
    mine = [a for a in artifacts if a.flow_run_id in flow_runs]  # the harness is shared
    # each run published its summary under the key (under a loaded CI machine the client
    # was once seen to publish one twice, after a server error, so count runs, not rows)
    assert {a.flow_run_id for a in mine} == set(flow_runs)
    for artifact in mine:
        assert str(missing) in artifact.data and "Source not found" in artifact.data

    # the report stage logs with stdlib logging (opwatch.run); its records reach the run's logs
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()  # send what is queued, and wait
    with get_client(sync_client=True) as client:
        logs = client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=flow_runs))
        )
    stage_logs = [log for log in logs if log.name == "opwatch.run"]
    assert any(f"quarantined {missing}: E005" in log.message for log in stage_logs), [
        (log.name, log.message[:80]) for log in logs
    ]
    assert {log.flow_run_id for log in stage_logs} == set(flow_runs)
    assert all(log.task_run_id for log in stage_logs)  # inside the report task runs
