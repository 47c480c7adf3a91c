"""Load stage: the DuckDB warehouse functions (their Prefect tasks are in flows/tasks.py)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from opwatch.warehouse.access import open_for_write, open_read_only, publish_snapshot
from opwatch.warehouse.data_tests import describe, failed, mark_run, run_data_tests
from opwatch.warehouse.db import (
    LoadResult,
    RunInfo,
    WarehouseError,
    known_article_ids,
    known_raw_documents,
    load_batch,
    migrate,
    record_run,
)
from opwatch.warehouse.search import refresh_after_load

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # GX is heavy to import; loading does not need it
    from duckdb import DuckDBPyConnection

    from opwatch.expectations.runner import ValidationOutcome

__all__ = [
    "LoadResult",
    "RunInfo",
    "known_ids",
    "known_raw_keys",
    "load",
    "load_run",
]


def known_ids(db_path: Path | str) -> set[str]:
    """Article ids already in the warehouse (empty when it does not exist yet), read from
    its published snapshot so that another process's load does not block this one."""
    if not Path(db_path).exists():
        return set()
    con = open_read_only(db_path)
    try:
        return known_article_ids(con)
    finally:
        con.close()


def known_raw_keys(db_path: Path | str) -> dict[str, str]:
    """Raw key -> article id of the documents whose article is still loaded (empty when
    the warehouse does not exist yet), from the published snapshot like known_ids."""
    if not Path(db_path).exists():
        return {}
    con = open_read_only(db_path)
    try:
        return known_raw_documents(con)
    finally:
        con.close()


def load(
    db_path: Path | str,
    run_id: str,
    outcome: ValidationOutcome,
    started: datetime,
    sources: Sequence[str] = (),
    n_skipped: int = 0,
    *,
    status: str | None = None,
    fingerprint: str | None = None,
    lock_timeout: float = 60.0,
) -> LoadResult:
    """Load one run's validated records in one batch (see load_run)."""
    info = RunInfo(
        run_id=run_id,
        started_at=started,
        n_sources=len(sources),
        n_skipped=n_skipped,
        status=status,
        report_path=str(outcome.summary_html),
        fingerprint=fingerprint,
    )
    return load_run(db_path, outcome, info, lock_timeout=lock_timeout)


def load_run(
    db_path: Path | str,
    outcome: ValidationOutcome,
    info: RunInfo,
    *,
    lock_timeout: float = 60.0,
    keep_run_quarantine: bool = False,
    raw_documents: Sequence[tuple[str, str]] = (),
) -> LoadResult:
    """Wait for the write lock (with backoff, up to lock_timeout s), migrate if needed
    (and re-apply the layer views), load the validated batch and its quarantine in one
    transaction, run the SQL data tests (results in `LoadResult.data_tests`; a failure
    marks the run's status), then publish the read snapshot. A load that fails is rolled
    back and recorded as a 'failed' run. `keep_run_quarantine`: a later batch of the same
    run adds to its quarantine rows instead of replacing them."""
    run_id = info.run_id
    con = open_for_write(db_path, timeout=lock_timeout)
    failure: Exception | None = None
    try:
        migrate(con)
        try:
            result = load_batch(
                con,
                run_id,
                outcome.articles,
                outcome.entities,
                outcome.figures,
                outcome.quarantine,
                info,
                keep_run_quarantine=keep_run_quarantine,
                raw_documents=raw_documents,
            )
        except Exception as exc:
            failure = exc
            _record_failed(con, info, len(outcome.quarantine))
        else:
            # `opwatch search` reads the rebuilt index (kept when no article was loaded)
            log.info(refresh_after_load(con, changed=bool(outcome.articles)))
            result.data_tests = run_data_tests(con)
            mark_run(con, run_id, result.data_tests)
            for bad in failed(result.data_tests):
                log.warning(describe(bad))
    finally:
        con.close()  # checkpoints: the file now holds every committed row
    publish_snapshot(db_path)
    if failure is not None:
        raise WarehouseError(
            f"Load of run {run_id} failed and was rolled back (run recorded as failed): "
            f"{type(failure).__name__}: {failure}"
        ) from failure
    return result


def _record_failed(con: DuckDBPyConnection, info: RunInfo, n_quarantined: int) -> None:
    """Leave a 'failed' run row after a rolled-back load, when possible: it keeps what
    earlier batches of the run loaded (the failed batch's rows are rolled back)."""
    info.status = "failed"
    try:
        record_run(con, info, info.n_loaded_before, info.n_quarantined_before + n_quarantined)
    except Exception:  # the database itself is the problem; the raised error says so
        return
