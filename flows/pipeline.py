"""The opwatch pipeline flow: it only wires the stages in tasks/ together."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import Flow, flow, unmapped
from prefect.task_runners import ThreadPoolTaskRunner

from flows.tasks import clean_task, extract_task, ingest_task, prepare_models_task
from opwatch.settings import Settings, load_settings
from tasks.assemble import assemble_batch, split_cleaned
from tasks.dedupe import dedupe_task
from tasks.load import known_ids_task, load_task
from tasks.report import report_task
from tasks.validate import validate_task


def new_run_id(now: datetime) -> str:
    return now.strftime("run-%Y%m%dT%H%M%S%fZ")


@flow(name="opwatch-pipeline", task_runner=ThreadPoolTaskRunner(max_workers=2))
def pipeline(
    sources: list[str],
    force: bool = False,
    allow_private: bool = False,
    db_path: str | None = None,
    reports_dir: str | None = None,
) -> dict[str, Any]:
    """Ingest -> clean -> dedupe -> extract -> validate -> load -> report."""
    settings = load_settings(
        allow_private=allow_private or None,
        db_path=Path(db_path) if db_path else None,
        reports_dir=Path(reports_dir) if reports_dir else None,
    )
    started = datetime.now(UTC)
    run_id = new_run_id(started)

    documents, problems = ingest_task(sources, settings)
    cleaned = clean_task.map(documents, run_id=unmapped(run_id), now=unmapped(started)).result()
    articles, clean_problems = split_cleaned(cleaned)
    known = known_ids_task(settings.database)
    deduped = dedupe_task(articles, known, force)

    if deduped.new:
        prepare_models_task(settings)
    # --force also refreshes the extraction cache (keyed by content hash + model version).
    extract = extract_task.with_options(refresh_cache=force)
    futures = extract.map(deduped.new, settings=unmapped(settings))
    results = [f.result(raise_on_failure=False) for f in futures]
    batch = assemble_batch(deduped.new, results, problems + clean_problems + deduped.duplicates)

    outcome = validate_task(batch, run_id, started, settings.reports)
    skipped = len(deduped.already_loaded)
    loaded = load_task(settings.database, run_id, outcome, started, sources, skipped)
    return report_task(outcome, loaded, settings.database, skipped)


def configured_pipeline(settings: Settings) -> Flow:
    """The pipeline with its thread pool sized from the settings (OPWATCH_MAX_WORKERS)."""
    return pipeline.with_options(task_runner=ThreadPoolTaskRunner(settings.max_workers))
