"""Write every page of one run: dossiers of the operations it touched, the run report
(failures first) and the runs index, pruning reports older than `keep_reports` runs."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opwatch.warehouse.db import WarehouseError
from opwatch.warehouse.reader import open_reader
from opwatch.warehouse.reports.dossier import write_dossier, write_dossiers
from opwatch.warehouse.reports.run_report import render_run_report
from opwatch.warehouse.reports.runs_index import INDEX_NAME, write_index
from opwatch.warehouse.reports.warehouse_stats import collect_stats

log = logging.getLogger(__name__)

DOSSIER_DIR = "dossiers"


@dataclass
class RunPages:
    report: Path
    dossier_dir: Path
    index: Path | None = None  # None when the warehouse could not be read
    dossiers: dict[str, Path] = field(default_factory=dict)  # operation name -> page


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def publish_run_pages(outcome: Any, database: Path | str, keep_reports: int) -> RunPages:
    """`outcome` is the run's ValidationOutcome; the warehouse is read after the load.

    When the warehouse cannot be read (never loaded, or locked), the run report is still
    written from the outcome alone, without charts from the warehouse.
    """
    reports_dir = Path(outcome.reports_dir)
    pages = RunPages(report=Path(outcome.summary_html), dossier_dir=reports_dir / DOSSIER_DIR)
    try:
        con = open_reader(database)
    except WarehouseError as exc:
        log.warning("Run report without warehouse charts: %s", exc)
        _write(pages.report, render_run_report(outcome, None, index_href=None))
        return pages
    try:
        # a run loaded in batches keeps no records in its outcome: ask the warehouse
        ids = [a.article_id for a in outcome.articles] or [
            row[0]
            for row in con.execute(
                "SELECT article_id FROM articles WHERE run_id = ?", [outcome.run_id]
            ).fetchall()
        ]
        pages.dossiers = write_dossiers(con, ids, reports_dir / DOSSIER_DIR)
        links = {n: f"{DOSSIER_DIR}/{p.name}" for n, p in pages.dossiers.items()}
        stats = collect_stats(con, outcome.run_id)
        _write(pages.report, render_run_report(outcome, stats, links, index_href=INDEX_NAME))
        pages.index = write_index(con, reports_dir, keep_reports)
    finally:
        con.close()
    return pages


def write_operation_dossier(
    database: Path | str, operation: str, out_dir: Path | None, settings: Any
) -> Path:
    """`opwatch dossier`: one operation's page, by default beside the run reports."""
    con = open_reader(database)
    try:
        return write_dossier(con, operation, out_dir or Path(settings.reports) / DOSSIER_DIR)
    finally:
        con.close()
