"""The opwatch pipeline flow: it only wires the stages in tasks/ together."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import Flow, flow, unmapped
from prefect.task_runners import ThreadPoolTaskRunner

from opwatch.errors import RunFailed
from opwatch.expectations.outcome import summary_html_path
from opwatch.fingerprint import fingerprint
from opwatch.flows.runners import task_runner_for
from opwatch.flows.tasks import (
    extract_chunk_task,
    known_ids_task,
    known_raw_keys_task,
    load_outcome_task,
    prepare_models_task,
    read_chunk_task,
    report_task,
    validate_new_task,
)
from opwatch.settings import Settings, load_settings
from opwatch.tasks.assemble import assemble_batch
from opwatch.tasks.batches import RunTotals, dedupe_batch, nothing_to_load, raw_documents
from opwatch.tasks.chunks import chunk_results, chunked, merge_reads
from opwatch.tasks.health import run_failures
from opwatch.tasks.ingest import expand

# Reading (ingest + clean, or only a hash for known content) is cheap per source next to
# a Prefect task run, so sources are read in chunks this many times OPWATCH_CHUNK_SIZE.
READ_CHUNK_FACTOR = 4


def new_run_id(now: datetime) -> str:
    return now.strftime("run-%Y%m%dT%H%M%S%fZ")


def _outcomes(futures: Any) -> list[Any]:
    """Each future's result, or its exception when the task failed."""
    return [f.result(raise_on_failure=False) for f in futures]


# Deployments import this module in their flow-run process: the pool is sized from the
# OPWATCH_* environment there, as the CLI sizes it (an invalid setting stops the import).
@flow(
    name="opwatch-pipeline",
    task_runner=ThreadPoolTaskRunner(max_workers=load_settings().max_workers),
)
def pipeline(
    sources: list[str],
    force: bool = False,
    allow_private: bool = False,
    db_path: str | None = None,
    reports_dir: str | None = None,
) -> dict[str, Any]:
    """Ingest -> clean -> dedupe -> extract -> validate -> load, one batch of sources at a
    time (OPWATCH_BATCH_SIZE), each task over a chunk (OPWATCH_CHUNK_SIZE); then report.

    Raises RunFailed (the flow run ends Failed) when every source failed or more rows
    were quarantined than OPWATCH_MAX_QUARANTINED; what passed is loaded first.
    """
    settings = load_settings(
        allow_private=allow_private or None,
        db_path=Path(db_path) if db_path else None,
        reports_dir=Path(reports_dir) if reports_dir else None,
    )
    started = datetime.now(UTC)
    run_id = new_run_id(started)
    # Loops, broken links, FIFOs and unreadable folders found while listing: quarantined.
    expanded, listing_problems = expand(sources)
    key = fingerprint(settings)
    totals = RunTotals(run_id, started, settings.reports, n_sources=len(sources), fingerprint=key)
    report_path = str(summary_html_path(settings.reports, run_id))
    known = known_ids_task(settings.database)
    # content loaded before is recognised by its raw key and never cleaned (not with --force)
    known_raw = {} if force else known_raw_keys_task(settings.database)
    seen: dict[str, str] = {}
    models_ready = False
    failures: list[str] = []

    batches = list(chunked(expanded, settings.batch_size)) or [[]]
    for number, batch_sources in enumerate(batches, 1):
        source_chunks = list(chunked(batch_sources, settings.chunk_size * READ_CHUNK_FACTOR))
        reads = read_chunk_task.map(
            source_chunks,
            settings=unmapped(settings),
            run_id=unmapped(run_id),
            now=unmapped(started),
            known_raw=unmapped(known_raw),
        )
        read = merge_reads(source_chunks, _outcomes(reads))
        problems = read.problems
        if number == 1:
            problems = listing_problems + problems
        deduped = dedupe_batch(read.articles, known, seen, force, read.known)
        totals.n_skipped += len(deduped.already_loaded) + len(deduped.unread)
        if deduped.new and not models_ready:
            # A missing or broken model stops the run here, with its own message.
            prepare_models_task.submit(settings).result()
            models_ready = True
        article_chunks = list(chunked(deduped.new, settings.chunk_size))
        extracted = extract_chunk_task.map(article_chunks, settings=unmapped(settings))
        results = chunk_results(article_chunks, _outcomes(extracted))
        batch = assemble_batch(deduped.new, results, problems + deduped.duplicates)
        outcome = validate_new_task(batch, run_id, started, settings.reports)
        # Until its last batch is loaded the run's row says "running", never "ok".
        status = "running"
        if number == len(batches):
            failures = run_failures(
                totals.n_articles + len(outcome.articles),
                totals.n_skipped,
                [*totals.quarantine, *outcome.quarantine],
                settings.max_quarantined,
            )
            status = "failed" if failures else None
        pairs = raw_documents(read.raw_keys, [*outcome.articles, *deduped.already_loaded])
        if number < len(batches) and nothing_to_load(outcome, pairs):
            totals.add(outcome, None)  # known content only: the run's row waits for the last
            continue
        loaded = load_outcome_task(
            settings.database,
            outcome,
            totals.run_info(report_path, status),
            first_batch=totals.n_loads == 0,
            lock_timeout=settings.lock_timeout,
            raw_documents=pairs,
        )
        totals.add(outcome, loaded)

    summary = report_task(
        totals.outcome(),
        totals.loaded,
        settings.database,
        totals.n_skipped,
        settings.keep_reports,
        failures=failures,
        fingerprint=key,
    )
    if failures:
        raise RunFailed(failures, summary)
    return summary


def configured_pipeline(settings: Settings) -> Flow:
    """The pipeline with the task runner the settings ask for: a thread pool sized by
    OPWATCH_MAX_WORKERS, or Dask (OPWATCH_DASK / OPWATCH_DASK_ADDRESS)."""
    return pipeline.with_options(task_runner=task_runner_for(settings))
