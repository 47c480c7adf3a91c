"""Run the GX suites on one batch and split it into passed records and quarantine rows.

A file-backed GX context under `<reports_dir>/gx` keeps every run's validation results,
(pruned to the last runs kept by opwatch.warehouse.reports; no Data Docs are built).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import great_expectations as gx
import pandas as pd
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import ProgressBarsConfig

from opwatch.expectations import suites
from opwatch.expectations.outcome import (
    DOCUMENTS,
    ExpectationCount,
    TableCounts,
    ValidationOutcome,
    problem_counts,
    problem_rows,
    summary_html_path,  # noqa: F401 - re-exported
)
from opwatch.expectations.suites import ARTICLES, ENTITIES, FIGURES, ROW_ID, TABLES
from opwatch.records import Article, Entity, Figure, Problem, QuarantineRow, to_row

PARENT_FAILED = "parent_article_failed"
GX_DIR = "gx"
DATASOURCE = "opwatch"
RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": [ROW_ID]}


def open_context(reports_dir: Path) -> Any:
    """File GX context under reports_dir/gx, without Data Docs sites: GX Data Docs load
    CSS, scripts and a logo from other hosts, so opwatch writes its own reports instead."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    ctx = gx.get_context(mode="file", project_root_dir=str(reports_dir))
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    for name in list(ctx.list_data_docs_sites()):
        ctx.delete_data_docs_site(name)
    return ctx


def _checkpoint(ctx: Any, ds: Any, suite: gx.ExpectationSuite) -> gx.Checkpoint:
    """Register asset, suite, validation definition and checkpoint for one table."""
    table = suite.name
    batch = ds.add_dataframe_asset(table).add_batch_definition_whole_dataframe("whole")
    suite = ctx.suites.add_or_update(suite)
    vd = ctx.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=f"{table}_batch", data=batch, suite=suite)
    )
    return ctx.checkpoints.add_or_update(
        gx.Checkpoint(
            name=f"opwatch_{table}",
            validation_definitions=[vd],
            actions=[],
            result_format=RESULT_FORMAT,
        )
    )


# One context and its checkpoints per reports folder and process: registering suites,
# validation definitions and checkpoints writes GX's config files, and costs seconds that
# a run in many batches would otherwise pay per batch.
_CHECKPOINTS: dict[Path, dict[str, gx.Checkpoint]] = {}


def checkpoints(reports_dir: Path) -> dict[str, gx.Checkpoint]:
    """The checkpoint of each table (suites.build_suites), registered once per process
    in the file context under reports_dir (again when that folder was removed)."""
    key = reports_dir.resolve()
    cached = _CHECKPOINTS.get(key)
    if cached is not None and (reports_dir / GX_DIR).is_dir():
        return cached
    ctx = open_context(reports_dir)
    # Re-created each process: a datasource reloaded from a file context loses its
    # context link in its assets (GX 1.24), so checkpoints would fail with
    # MissingDataContextError.
    ds = ctx.data_sources.add_or_update_pandas(DATASOURCE)
    cached = {table: _checkpoint(ctx, ds, suite) for table, suite in suites.build_suites().items()}
    _CHECKPOINTS[key] = cached
    return cached


def _gx_error(result: Any) -> str | None:
    """Message of an exception GX caught while evaluating an expectation, if any."""
    info = result.exception_info or {}
    candidates = [info, *(v for v in info.values() if isinstance(v, dict))]
    for item in candidates:
        if item.get("raised_exception") or item.get("exception_message"):
            return str(item.get("exception_message") or "exception while computing metrics")
    return None


def _plain(value: Any) -> Any:
    """JSON-friendly scalar for reasons (numpy -> python, NaN -> None, dates -> ISO)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    if isinstance(value, str) and len(value) > 80:
        return value[:77] + "..."
    return value


def _reason(description: str, item: dict[str, Any]) -> str:
    got = ", ".join(f"{k}={_plain(v)!r}" for k, v in item.items() if k != ROW_ID)
    return f"{description} ({got})" if got else description


Failures = dict[str, list[tuple[str, str]]]  # row_id -> [(check, reason)]


def _run_table(
    table: str,
    checkpoint: gx.Checkpoint,
    df: pd.DataFrame,
    params: dict[str, Any],
    run: RunIdentifier,
) -> tuple[Failures, list[ExpectationCount], list[Any]]:
    result = checkpoint.run(
        batch_parameters={"dataframe": df}, expectation_parameters=params, run_id=run
    )
    failures: Failures = {}
    counts: list[ExpectationCount] = []
    for vr in result.run_results.values():
        for r in vr.results:
            cfg = r.expectation_config
            check = (cfg.meta or {}).get("check", cfg.type)
            description = cfg.description or cfg.type
            res = r.result or {}
            error = _gx_error(r)
            bad = res.get("unexpected_index_list") or []
            if not error and not r.success and not bad:
                error = "failed without naming the failing rows"
            if error:  # nothing unchecked is loaded: every row fails this check
                bad = [{ROW_ID: rid} for rid in df[ROW_ID]]
                description = f"{description}: could not be evaluated ({error})"
            for item in bad:
                failures.setdefault(item[ROW_ID], []).append((check, _reason(description, item)))
            column = cfg.kwargs.get("column") or "/".join(
                str(cfg.kwargs[k]) for k in ("column_A", "column_B") if k in cfg.kwargs
            )
            counts.append(
                ExpectationCount(
                    table=table,
                    check=check,
                    expectation_type=cfg.type,
                    column=column or None,
                    evaluated=len(df) if error else int(res.get("element_count") or 0),
                    unexpected=len(bad) if error else int(res.get("unexpected_count") or 0),
                    success=bool(r.success) and not error,
                    error=error,
                )
            )
    return failures, counts, list(result.run_results)


def _row_json(row_id: str, record: Any) -> str:
    return json.dumps({ROW_ID: row_id, **to_row(record)}, default=str, ensure_ascii=False)


def validate_batch(
    articles: Sequence[Article],
    entities: Sequence[Entity],
    figures: Sequence[Figure],
    run_id: str,
    run_date: date,
    reports_dir: Path,
    problems: Sequence[Problem] = (),
) -> ValidationOutcome:
    """Validate one batch with the three suites; failing rows (and the children of a
    failing article) become quarantine rows, never silently dropped. `problems` from
    ingest/clean/extract are added as quarantine rows of table "documents"."""
    if isinstance(run_date, datetime):
        run_date = run_date.date()
    t0 = time.perf_counter()
    frames = suites.build_frames(articles, entities, figures)
    params = suites.suite_parameters(articles, run_date)
    run = RunIdentifier(run_name=run_id, run_time=datetime.now(UTC))
    failures: dict[str, Failures] = {}
    counts: list[ExpectationCount] = []
    result_ids: list[Any] = []
    for table, checkpoint in checkpoints(Path(reports_dir)).items():
        failures[table], table_counts, ids = _run_table(
            table, checkpoint, frames[table], params, run
        )
        counts.extend(table_counts)
        result_ids.extend(ids)
    gx_seconds = time.perf_counter() - t0

    failed_articles = {rid: [c for c, _ in fs] for rid, fs in failures[ARTICLES].items()}
    records: dict[str, Sequence[Any]] = {ARTICLES: articles, ENTITIES: entities, FIGURES: figures}
    passed: dict[str, list[Any]] = {t: [] for t in TABLES}
    quarantine: list[QuarantineRow] = []
    tables: dict[str, TableCounts] = {}
    for table in TABLES:
        n_parent = 0
        for rec, rid in zip(records[table], frames[table][ROW_ID], strict=True):
            row_failures = list(dict.fromkeys(failures[table].get(rid, [])))
            if table != ARTICLES and rec.article_id in failed_articles:
                n_parent += 1
                checks = ", ".join(sorted(set(failed_articles[rec.article_id])))
                reason = f"parent article {rec.article_id} was quarantined ({checks})"
                row_failures.append((PARENT_FAILED, reason))
            if not row_failures:
                passed[table].append(rec)
            for check, reason in row_failures:
                quarantine.append(
                    QuarantineRow(run_id, table, rid, check, reason, _row_json(rid, rec))
                )
        if table != ARTICLES:
            counts.append(
                ExpectationCount(
                    table, PARENT_FAILED, "parent_article_passed", "article_id",
                    len(records[table]), n_parent, n_parent == 0,
                )
            )  # fmt: skip
        n = len(records[table])
        tables[table] = TableCounts(n, len(passed[table]), n - len(passed[table]))

    quarantine.extend(problem_rows(run_id, problems))
    tables[DOCUMENTS] = TableCounts(len(problems), 0, len(problems))
    counts.extend(problem_counts(problems))
    return ValidationOutcome(
        run_id=run_id,
        run_date=run_date,
        reports_dir=Path(reports_dir),
        articles=passed[ARTICLES],
        entities=passed[ENTITIES],
        figures=passed[FIGURES],
        quarantine=quarantine,
        tables=tables,
        expectations=counts,
        gx_seconds=gx_seconds,
        gx_result_ids=result_ids,
    )
