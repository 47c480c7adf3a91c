"""Report stage: Data Docs, the offline HTML summary, a Prefect artifact, the run summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext, TaskRunContext

from expectations.outcome import ValidationOutcome
from expectations.report import artifact_key, publish_artifact, write_reports
from warehouse.db import LoadResult


def _in_prefect_run() -> bool:
    return FlowRunContext.get() is not None or TaskRunContext.get() is not None


def report_run(
    outcome: ValidationOutcome,
    loaded: LoadResult,
    database: Path | str,
    n_skipped: int = 0,
    data_docs: bool = True,
) -> dict[str, Any]:
    """Write the reports, publish the markdown counts as an artifact inside a flow, and
    return the run summary the CLI prints (JSON-friendly)."""
    paths = write_reports(outcome, data_docs=data_docs)
    markdown = paths.markdown + f"\n{n_skipped} articles skipped (content already loaded).\n"
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
        "database": str(Path(database).resolve()),
        "report": str(paths.html),
        "data_docs": str(paths.data_docs) if paths.data_docs else None,
    }


report_task = task(name="report", cache_policy=NO_CACHE)(report_run)
