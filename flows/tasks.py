"""The Prefect tasks: thin @task wrappers over the plain stage functions in tasks/.

This is the only place tasks are declared. The stage modules never import Prefect, so
`opwatch predict`, the bench and the unit tests run without it. Stages log with the
stdlib `logging` module under `opwatch.*`; importing this module sends those records to
the Prefect run they happen in, and the report task publishes the run's markdown summary
as an artifact.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext, TaskRunContext
from prefect.logging.handlers import APILogHandler

from opwatch.expectations.outcome import ValidationOutcome
from opwatch.fingerprint import fingerprint
from opwatch.records import Article
from opwatch.settings import Settings
from opwatch.tasks.batches import load_outcome, validate_new
from opwatch.tasks.chunks import extract_chunk, read_chunk
from opwatch.tasks.clean import clean
from opwatch.tasks.dedupe import dedupe_articles
from opwatch.tasks.extract import extract_facts, prepare_models
from opwatch.tasks.fetch import fetch
from opwatch.tasks.ingest import ingest
from opwatch.tasks.load import known_ids, known_raw_keys, load
from opwatch.tasks.report import ARTIFACT_KEY, report_run, run_markdown
from opwatch.tasks.validate import validate
from opwatch.warehouse.db import LoadResult

STAGE_LOGGER = "opwatch"  # the stages' stdlib loggers are named opwatch.*


class StageLogsToRun(APILogHandler):
    """Prefect's API log handler, for records logged inside a flow or task run only: the
    run is found from the thread's run context, so each record lands in its own run's logs
    (the console still prints it once, through the root logger)."""

    def emit(self, record: logging.LogRecord) -> None:
        if FlowRunContext.get() is not None or TaskRunContext.get() is not None:
            super().emit(record)


def send_stage_logs_to_runs(name: str = STAGE_LOGGER) -> None:
    """Attach StageLogsToRun to the stages' logger (once), as Prefect's
    PREFECT_LOGGING_EXTRA_LOGGERS would, wherever the flow is started from."""
    logger = logging.getLogger(name)
    if not any(isinstance(h, StageLogsToRun) for h in logger.handlers):
        logger.addHandler(StageLogsToRun())


send_stage_logs_to_runs()


def artifact_key(text: str) -> str:
    """Prefect artifact keys allow lowercase letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "validation"


def publish_artifact(markdown: str, key: str) -> UUID:
    """Publish a markdown summary as a Prefect artifact; call inside a flow or task."""
    return create_markdown_artifact(
        markdown=markdown, key=artifact_key(key), description="opwatch validation summary"
    )


def _cache_key(context, parameters) -> str:  # noqa: ANN001 - Prefect's signature
    article: Article = parameters["article"]
    settings: Settings = parameters["settings"]
    return f"extract-{article.article_id}-{fingerprint(settings)}"


def report_and_publish(
    outcome: ValidationOutcome,
    loaded: LoadResult,
    database: Path | str,
    n_skipped: int = 0,
    keep_reports: int = 30,
    failures: Sequence[str] = (),
    fingerprint: str | None = None,
) -> dict[str, Any]:
    """opwatch.tasks.report.report_run, then the run's markdown summary as an artifact
    under one stable key (ARTIFACT_KEY)."""
    summary = report_run(outcome, loaded, database, n_skipped, keep_reports, failures, fingerprint)
    publish_artifact(run_markdown(outcome, loaded, n_skipped, failures), ARTIFACT_KEY)
    return summary


ingest_task = task(name="ingest")(ingest)
fetch_task = task(name="fetch")(fetch)  # no Prefect retries: fetch() retries itself
clean_task = task(name="clean")(clean)
dedupe_task = task(name="dedupe")(dedupe_articles)
prepare_models_task = task(name="load-models", cache_policy=NO_CACHE)(prepare_models)
extract_task = task(
    name="extract",
    cache_key_fn=_cache_key,
    persist_result=True,
    task_run_name="extract-{article.article_id:.12}",
)(extract_facts)
read_chunk_task = task(name="read-chunk", cache_policy=NO_CACHE)(read_chunk)
extract_chunk_task = task(
    name="extract-chunk",
    cache_policy=NO_CACHE,  # re-runs skip known content by hash before extraction
    task_run_name="extract-chunk-{articles[0].article_id:.12}",
)(extract_chunk)
validate_task = task(name="validate", cache_policy=NO_CACHE)(validate)
validate_new_task = task(name="validate-batch", cache_policy=NO_CACHE)(validate_new)
known_ids_task = task(name="known-article-ids", cache_policy=NO_CACHE)(known_ids)
known_raw_keys_task = task(name="known-raw-keys", cache_policy=NO_CACHE)(known_raw_keys)
load_task = task(name="load", cache_policy=NO_CACHE)(load)
load_outcome_task = task(name="load-batch", cache_policy=NO_CACHE)(load_outcome)
report_task = task(name="report", cache_policy=NO_CACHE)(report_and_publish)
