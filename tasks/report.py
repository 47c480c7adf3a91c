"""Report stage: the run's HTML pages, its markdown summary and the run summary.

Warnings go to the stdlib logger `opwatch.run`; inside a flow, flows/tasks.py forwards them
to Prefect's run logger and publishes the markdown as an artifact.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from opwatch.expectations.outcome import ExpectationCount, ValidationOutcome
from opwatch.expectations.report import summary_markdown
from opwatch.tasks.health import quarantine_warnings, source_reasons
from opwatch.warehouse.data_tests import DataTestResult
from opwatch.warehouse.db import LoadResult
from opwatch.warehouse.reports.build import publish_run_pages

# One key for every run: the Prefect UI keeps each run's summary as that key's history.
ARTIFACT_KEY = "opwatch-run-summary"
MAX_REASONS_LISTED = 200
SQL_DATA_TEST = "sql_data_test"  # expectation_type of the warehouse's SQL data tests

log = logging.getLogger("opwatch.run")


def _md(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def reasons_markdown(outcome: ValidationOutcome, failures: Sequence[str] = ()) -> str:
    """The run's failure reasons and one line per quarantined source with its reason."""
    lines = []
    if failures:
        lines += ["", "## Run failed", "", *(f"- {_md(f)}" for f in failures)]
    reasons = list(source_reasons(outcome.quarantine).items())
    if reasons:
        lines += ["", "## Quarantined sources", "", "| source | reason |", "|---|---|"]
        lines += [f"| {_md(k)} | {_md(r)} |" for k, r in reasons[:MAX_REASONS_LISTED]]
        if len(reasons) > MAX_REASONS_LISTED:
            lines.append(f"\n{len(reasons) - MAX_REASONS_LISTED} more in the quarantine table.")
    return "\n".join(lines) + "\n"


def with_data_tests(outcome: ValidationOutcome, results: list[DataTestResult]) -> ValidationOutcome:
    """The outcome with the SQL data tests added to its checks, so the run report and the
    markdown summary list a failing one beside the failing GX expectations."""
    checks = [
        ExpectationCount(
            table=r.relation,
            check=r.name,
            expectation_type=SQL_DATA_TEST,
            column=r.column,
            evaluated=r.evaluated,
            unexpected=r.failing,
            success=r.success,
            error=r.error,
        )
        for r in results
    ]
    return replace(outcome, expectations=[*outcome.expectations, *checks])


def report_run(
    outcome: ValidationOutcome,
    loaded: LoadResult,
    database: Path | str,
    n_skipped: int = 0,
    keep_reports: int = 30,
    failures: Sequence[str] = (),
    fingerprint: str | None = None,
) -> dict[str, Any]:
    """Write the run report, dossiers and runs index, log one WARNING per quarantined
    source (with its reason), and return the run summary the CLI prints (JSON)."""
    outcome = with_data_tests(outcome, loaded.data_tests)
    pages = publish_run_pages(outcome, database, keep_reports)
    for line in quarantine_warnings(outcome.quarantine):
        log.warning(line)
    for line in failures:
        log.error(line)
    return {
        "run_id": outcome.run_id,
        "articles_loaded": loaded.articles_inserted + loaded.articles_present,
        "articles_new": loaded.articles_inserted,
        "articles_replaced": loaded.articles_replaced,
        "articles_skipped": n_skipped,
        "entities": loaded.entities,
        "figures": loaded.figures,
        "operations_new": loaded.operations_new,
        "quarantined_rows": loaded.quarantine_rows,
        "data_tests_failed": [r.name for r in loaded.data_tests if not r.success],
        "database": str(Path(database).resolve()),
        "report": str(pages.report.resolve()),
        "runs_index": str(pages.index.resolve()) if pages.index else None,
        "dossiers": len(pages.dossiers),  # one page per operation named in the run
        "dossiers_dir": str(pages.dossier_dir.resolve()),
        "example_dossier": str(next(iter(pages.dossiers.values())).resolve())
        if pages.dossiers
        else None,
        "fingerprint": fingerprint,
        "status": "failed" if failures else "quarantined" if loaded.quarantine_rows else "ok",
    }


def run_markdown(
    outcome: ValidationOutcome,
    loaded: LoadResult,
    n_skipped: int = 0,
    failures: Sequence[str] = (),
) -> str:
    """The run's markdown summary (counts, failing checks with the SQL data tests, skipped
    articles, failure reasons, quarantined sources): the Prefect artifact's text."""
    outcome = with_data_tests(outcome, loaded.data_tests)
    return (
        summary_markdown(outcome)
        + f"\n{n_skipped} articles skipped (content already loaded).\n"
        + reasons_markdown(outcome, failures)
    )
