"""Load stage: the DuckDB warehouse functions, plus thin Prefect tasks."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from prefect import task
from prefect.cache_policies import NO_CACHE

from warehouse.data_tests import describe, failed, mark_run, run_data_tests
from warehouse.db import (
    LoadResult,
    RunInfo,
    connect,
    known_article_ids,
    load_batch,
    migrate,
)
from warehouse.search import refresh_after_load

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # GX is heavy to import; loading does not need it
    from expectations.runner import ValidationOutcome

__all__ = ["LoadResult", "RunInfo", "known_ids", "known_ids_task", "load", "load_task"]


def known_ids(db_path: Path | str) -> set[str]:
    """Article ids already in the warehouse (empty when it does not exist yet)."""
    if not Path(db_path).exists():
        return set()
    con = connect(db_path, read_only=True)
    try:
        return known_article_ids(con)
    finally:
        con.close()


def load(
    db_path: Path | str,
    run_id: str,
    outcome: ValidationOutcome,
    started: datetime,
    sources: Sequence[str] = (),
    n_skipped: int = 0,
) -> LoadResult:
    """Migrate if needed (and re-apply the layer views), load the validated batch and its
    quarantine in one transaction, then run the SQL data tests on the warehouse: their
    results travel in `LoadResult.data_tests`, and a failure marks the run's status."""
    info = RunInfo(
        run_id=run_id,
        started_at=started,
        n_sources=len(sources),
        n_skipped=n_skipped,
        report_path=str(outcome.summary_html),
    )
    con = connect(db_path)
    try:
        migrate(con)
        result = load_batch(
            con,
            run_id,
            outcome.articles,
            outcome.entities,
            outcome.figures,
            outcome.quarantine,
            info,
        )
        log.info(refresh_after_load(con))  # `opwatch search` reads the rebuilt index
        result.data_tests = run_data_tests(con)
        mark_run(con, run_id, result.data_tests)
        for bad in failed(result.data_tests):
            log.warning(describe(bad))
        return result
    finally:
        con.close()


known_ids_task = task(name="known-article-ids", cache_policy=NO_CACHE)(known_ids)
load_task = task(name="load", cache_policy=NO_CACHE)(load)
