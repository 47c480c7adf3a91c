"""reports/index.html: one row per kept run with its counts and trends, linked to its
report; report files of older runs are deleted (setting keep_reports)."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from opwatch.warehouse.reports import svg
from opwatch.warehouse.reports.page import esc, page, table

INDEX_NAME = "index.html"
REPORT_GLOB = "validation_*.html"


def recent_runs(con: duckdb.DuckDBPyConnection, keep: int) -> list[dict[str, Any]]:
    """The last `keep` runs, newest first."""
    cur = con.execute(
        "SELECT run_id, started_at, finished_at, status, n_sources, n_articles_loaded, "
        "n_skipped, n_quarantined, report_path FROM runs "
        "ORDER BY started_at DESC NULLS LAST, run_id DESC LIMIT ?",
        [keep],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _delta(now: int | None, before: int | None) -> str:
    if now is None or before is None or now == before:
        return ""
    sign = "▲" if now > before else "▼"
    return f' <span class="muted">{sign}{abs(now - before)}</span>'


def render_index(runs: list[dict[str, Any]], reports_dir: Path, keep: int) -> str:
    rows = []
    for i, r in enumerate(runs):
        prev = runs[i + 1] if i + 1 < len(runs) else {}
        report = Path(r["report_path"]).name if r["report_path"] else None
        exists = report is not None and (reports_dir / report).is_file()
        link = f'<a href="{esc(report)}">{esc(r["run_id"])}</a>' if exists else esc(r["run_id"])
        status_cls = "ok" if r["status"] == "ok" else "bad"
        rows.append([
            link,
            esc(r["started_at"].isoformat(sep=" ", timespec="seconds") if r["started_at"] else ""),
            f'<span class="{status_cls}">{esc(r["status"])}</span>',
            str(r["n_sources"]),
            f"{r['n_articles_loaded']}"
            + _delta(r["n_articles_loaded"], prev.get("n_articles_loaded")),
            str(r["n_skipped"]),
            f"{r['n_quarantined']}{_delta(r['n_quarantined'], prev.get('n_quarantined'))}",
        ])  # fmt: skip
    oldest_first = list(reversed(runs))
    loaded = svg.sparkline([r["n_articles_loaded"] or 0 for r in oldest_first])
    quarantined = svg.sparkline([r["n_quarantined"] or 0 for r in oldest_first])
    trends = (
        f"<p>Articles loaded per run {loaded} &middot; rows quarantined per run {quarantined}</p>"
    )
    listing = (
        table(
            [
                "run",
                "started (UTC)",
                "status",
                "sources",
                "articles loaded",
                "skipped",
                "quarantined",
            ],
            rows,
            {3, 4, 5, 6},
            id="runs",
        )  # fmt: skip
        if rows
        else '<p class="muted">No run recorded yet.</p>'
    )
    when = datetime.now(UTC).isoformat(timespec="seconds")
    body = (
        f'<h1>opwatch runs</h1><p class="muted">The last {keep} runs are kept '
        f"(setting keep_reports); generated {esc(when)}. Newest first; ▲/▼ compare with the "
        f"run before.</p>{trends}{listing}"
    )
    return page("opwatch runs", body)


def prune_reports(reports_dir: Path, keep: int) -> list[Path]:
    """Delete run reports beyond the newest `keep` (by modification time, then name)."""
    files = sorted(
        reports_dir.glob(REPORT_GLOB), key=lambda p: (p.stat().st_mtime, p.name), reverse=True
    )
    removed = files[max(keep, 1) :]  # this run's report (the newest) always stays
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def write_index(con: duckdb.DuckDBPyConnection, reports_dir: Path, keep: int) -> Path:
    """Prune old reports, then write index.html (atomically: readers never see half)."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    prune_reports(reports_dir, keep)
    prune_gx_results(reports_dir, keep)
    path = reports_dir / INDEX_NAME
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(render_index(recent_runs(con, keep), reports_dir, keep), encoding="utf-8")
    os.replace(tmp, path)
    return path


def prune_gx_results(reports_dir: Path, keep: int) -> list[Path]:
    """Delete GX validation results (gx/uncommitted/validations/<table>/<run>) of all but
    the newest `keep` runs of each table."""
    removed: list[Path] = []
    root = reports_dir / "gx" / "uncommitted" / "validations"
    for table_dir in sorted(p for p in root.glob("*") if p.is_dir()):
        runs = sorted(
            (p for p in table_dir.iterdir() if p.is_dir()),
            key=lambda p: (p.stat().st_mtime, p.name),
            reverse=True,
        )
        for path in runs[max(keep, 1) :]:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed
