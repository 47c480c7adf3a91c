"""Report stage: the run's HTML pages, a Prefect markdown artifact, the run summary."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext, TaskRunContext

from expectations.report import artifact_key, publish_artifact, summary_markdown
from expectations.runner import ExpectationCount, ValidationOutcome
from opwatch.reports.build import publish_run_pages
from warehouse.data_tests import DataTestResult
from warehouse.db import LoadResult

SQL_DATA_TEST = "sql_data_test"  # expectation_type of the warehouse's SQL data tests


def _in_prefect_run() -> bool:
    return FlowRunContext.get() is not None or TaskRunContext.get() is not None


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
) -> dict[str, Any]:
    """Write the run report, dossiers and runs index, publish the markdown counts as an
    artifact inside a flow, and return the run summary the CLI prints (JSON-friendly)."""
    outcome = with_data_tests(outcome, loaded.data_tests)
    pages = publish_run_pages(outcome, database, keep_reports)
    markdown = summary_markdown(outcome)
    markdown += f"\n{n_skipped} articles skipped (content already loaded).\n"
    if _in_prefect_run():
        publish_artifact(markdown, artifact_key(f"validation-{outcome.run_id}"))
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
    }


report_task = task(name="report", cache_policy=NO_CACHE)(report_run)
