"""When a run counts as failed, what it warns about, and what its artifact says."""

from __future__ import annotations

from types import SimpleNamespace

from opwatch.errors import ERRORS, RunFailed
from opwatch.records import QuarantineRow
from opwatch.tasks.health import quarantine_warnings, run_failures, source_reasons

RUN = "run-x"


def _q(
    table: str, key: str, code: str = "E005", reason: str = "ingest: not found"
) -> QuarantineRow:
    return QuarantineRow(RUN, table, key, code, reason, "{}")


def test_every_source_failed_fails_with_each_reason() -> None:
    rows = [
        _q("documents", "data/inbox", reason="ingest: not found"),
        _q("documents", "http://x/feed", "E014", "fetch: down"),
    ]
    problems = run_failures(0, 0, rows, None)
    assert len(problems) == 1
    assert "every source failed" in problems[0]
    assert "data/inbox: E005: ingest: not found" in problems[0]
    assert "http://x/feed: E014: fetch: down" in problems[0]


def test_a_run_that_loaded_or_skipped_something_did_not_fail() -> None:
    rows = [_q("documents", "bad.txt", "E001")]
    assert run_failures(1, 0, rows, None) == []
    assert run_failures(0, 3, rows, None) == []  # everything already loaded
    assert run_failures(0, 0, [], None) == []  # nothing asked, nothing failed


def test_quarantine_threshold() -> None:
    rows = [_q("figures", f"a:arrested:{i}", "value_positive", "x") for i in range(3)]
    rows.append(rows[0])  # a row failing two checks counts once
    assert run_failures(5, 0, rows, 3) == []
    problems = run_failures(5, 0, rows, 2)
    assert problems == ["3 rows were quarantined, more than OPWATCH_MAX_QUARANTINED=2"]
    assert run_failures(5, 0, rows, None) == []


def test_one_warning_per_quarantined_source_with_its_reason() -> None:
    rows = [
        _q("documents", "a.txt", "E001", "ingest: empty"),
        _q("documents", "a.txt", "E001", "ingest: empty"),
        _q("articles", "abc123", "text_min_length", "text too short"),
        _q("entities", "abc:person:1-4", "x", "y"),
        _q("entities", "abc:person:9-12", "x", "y"),
    ]
    lines = quarantine_warnings(rows)
    assert lines == [
        "quarantined a.txt: E001: ingest: empty",
        "quarantined abc123: text_min_length: text too short",
        "quarantined 2 entities rows (see the quarantine table and the report)",
    ]
    assert list(source_reasons(rows)) == ["a.txt", "abc123"]


def test_artifact_lists_reasons_under_one_key() -> None:
    from opwatch.tasks.report import ARTIFACT_KEY, reasons_markdown

    outcome = SimpleNamespace(quarantine=[_q("documents", "in|box", "E005", "not found")])
    text = reasons_markdown(outcome, ["every source failed: in|box: E005: not found"])
    assert "## Run failed" in text and "## Quarantined sources" in text
    assert "| in\\|box | E005: not found |" in text
    assert RUN not in ARTIFACT_KEY and ARTIFACT_KEY == "opwatch-run-summary"


def test_run_failed_keeps_problems_and_summary_when_pickled() -> None:
    import pickle

    error = pickle.loads(pickle.dumps(RunFailed(["a", "b"], {"run_id": RUN})))
    assert error.problems == ["a", "b"] and error.summary == {"run_id": RUN}
    assert "a | b" in str(error)


def test_no_message_suggests_a_flag_that_does_not_exist() -> None:
    from typer.main import get_command

    from opwatch.flows.cli import app

    command = get_command(app)
    flags = {
        opt
        for sub in command.commands.values()  # type: ignore[attr-defined]
        for param in sub.params
        for opt in param.opts
    }
    import re

    for code, message in ERRORS.items():
        for flag in re.findall(r"--[a-z][a-z-]+", message):
            assert flag in flags, f"{code} suggests {flag}, which no command has"


def test_report_logs_one_warning_per_quarantined_source(tmp_path) -> None:
    import logging
    from datetime import date

    from opwatch.expectations.runner import ValidationOutcome
    from opwatch.tasks.report import report_run
    from opwatch.warehouse.db import LoadResult

    rows = [_q("documents", "gone.txt", "E005", "ingest: not found")] * 2
    rows.append(_q("documents", "blank.txt", "E002", "ingest: only whitespace"))
    outcome = ValidationOutcome(RUN, date(2024, 6, 1), tmp_path, [], [], [], rows, {}, [])
    loaded = LoadResult(0, 0, 0, 0, 0, 0, 0, len(rows))
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("opwatch.run")
    logger.addHandler(handler)  # Prefect's logging set-up keeps caplog from seeing it
    try:
        summary = report_run(
            outcome,
            loaded,
            tmp_path / "db.duckdb",
            failures=["every source failed: ..."],
            fingerprint="f00",
        )
    finally:
        logger.removeHandler(handler)
    warnings = [r.getMessage() for r in records if r.levelno == logging.WARNING]
    assert warnings == [
        "quarantined gone.txt: E005: ingest: not found",
        "quarantined blank.txt: E002: ingest: only whitespace",
    ]
    assert summary["status"] == "failed" and summary["fingerprint"] == "f00"
