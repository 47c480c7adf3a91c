"""Per-run reports: GX Data Docs, a self-contained HTML summary, and a markdown summary.

The HTML summary inlines its CSS and references nothing outside the file, so it opens
offline and can be mailed or archived as is. Every value from the data is escaped.
"""

from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from expectations.outcome import DOCS_DIR, DOCS_SITE, ValidationOutcome

log = logging.getLogger(__name__)

MAX_ROWS_SHOWN = 500  # quarantine rows listed in the HTML summary
MAX_JSON_CHARS = 2_000  # per row; the full JSON stays in the quarantine table

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1d2430}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0;min-width:40%}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f8}td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:600}
.err{color:#9a6700;font-weight:600}
pre{white-space:pre-wrap;word-break:break-all;margin:0;font-size:12px;max-width:70rem}
.muted{color:#57606a}
"""


@dataclass
class ReportPaths:
    data_docs: Path | None  # index.html of the Data Docs site
    html: Path  # validation_<run_id>.html
    markdown: str


def build_data_docs(outcome: ValidationOutcome) -> Path:
    """Render this run's validation results into <reports_dir>/data_docs (index updated)."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
    )

    from expectations.runner import open_context
    from expectations.suites import TABLES

    ctx = open_context(outcome.reports_dir)
    ids = [*outcome.gx_result_ids, *(ExpectationSuiteIdentifier(name=t) for t in TABLES)]
    ctx.build_data_docs(site_names=[DOCS_SITE], resource_identifiers=ids)
    return outcome.reports_dir / DOCS_DIR / "index.html"


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _table(headers: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _pretty(row_json: str) -> str:
    try:
        text = json.dumps(json.loads(row_json), indent=1, ensure_ascii=False)
    except ValueError:
        text = row_json
    if len(text) > MAX_JSON_CHARS:
        text = text[:MAX_JSON_CHARS] + f"\n... ({len(text) - MAX_JSON_CHARS} more characters)"
    return text


def render_html(outcome: ValidationOutcome, generated_at: datetime | None = None) -> str:
    """The validation summary as one self-contained HTML document."""
    when = (generated_at or datetime.now(UTC)).isoformat(timespec="seconds")
    n_rows = outcome.n_quarantined_rows
    status = (
        '<span class="ok">all rows passed</span>'
        if outcome.success
        else f'<span class="bad">{n_rows} rows quarantined</span>'
    )
    tables = _table(
        ["table", "evaluated", "passed", "failed"],
        [
            [_esc(t), str(c.evaluated), str(c.passed), str(c.failed)]
            for t, c in outcome.tables.items()
        ],
        {1, 2, 3},
    )
    exp_rows = []
    for e in outcome.expectations:
        state = (
            '<span class="err">error</span>'
            if e.error
            else '<span class="ok">ok</span>'
            if e.success
            else '<span class="bad">failed</span>'
        )
        if e.error:
            state += f"<br>{_esc(e.error)}"
        cells = [e.table, e.check, e.expectation_type, e.column]
        exp_rows.append([*map(_esc, cells), str(e.evaluated), str(e.unexpected), state])
    expectations = _table(
        ["table", "check", "expectation", "column", "evaluated", "unexpected", "status"],
        exp_rows,
        {4, 5},
    )
    q_rows = [
        [_esc(q.table_name), _esc(q.row_key), _esc(q.expectation), _esc(q.reason),
         f"<details><summary>row</summary><pre>{_esc(_pretty(q.row_json))}</pre></details>"]
        for q in outcome.quarantine[:MAX_ROWS_SHOWN]
    ]  # fmt: skip
    more = len(outcome.quarantine) - len(q_rows)
    quarantine = (
        _table(["table", "row key", "check", "reason", "row"], q_rows, set())
        if q_rows
        else '<p class="muted">Nothing was quarantined.</p>'
    )
    if more > 0:
        quarantine += f'<p class="muted">{more} more rows are in the quarantine table.</p>'
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>opwatch validation {_esc(outcome.run_id)}</title>
<style>{CSS}</style></head><body>
<h1>opwatch validation: run {_esc(outcome.run_id)}</h1>
<p>Run date {_esc(outcome.run_date)} &middot; generated {_esc(when)} &middot; {status}
&middot; GX {outcome.gx_seconds:.2f} s &middot;
Data Docs: <code>{_esc(DOCS_DIR)}/index.html</code> (next to this file)</p>
<h2>Rows per table</h2>{tables}
<h2>Expectations</h2>{expectations}
<h2>Quarantined rows ({len(outcome.quarantine)})</h2>{quarantine}
</body></html>
"""


def write_html_summary(outcome: ValidationOutcome) -> Path:
    path = outcome.summary_html
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(outcome), encoding="utf-8")
    return path


def _md(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def summary_markdown(outcome: ValidationOutcome) -> str:
    """Counts per table and the failing expectations, for a Prefect markdown artifact."""
    status = (
        "all rows passed" if outcome.success else f"{outcome.n_quarantined_rows} rows quarantined"
    )
    lines = [
        f"# Validation: run `{_md(outcome.run_id)}`",
        "",
        f"Run date {outcome.run_date}; {status}; GX {outcome.gx_seconds:.2f} s.",
        "",
        "| table | evaluated | passed | failed |",
        "|---|---:|---:|---:|",
        *(
            f"| {_md(t)} | {c.evaluated} | {c.passed} | {c.failed} |"
            for t, c in outcome.tables.items()
        ),
        "",
    ]
    failing = [e for e in outcome.expectations if not e.success]
    n_ok = len(outcome.expectations) - len(failing)
    lines.append(f"{n_ok} expectations passed, {len(failing)} failed.")
    if failing:
        lines += ["", "| table | check | unexpected | evaluated |", "|---|---|---:|---:|"]
        lines += [
            f"| {_md(e.table)} | {_md(e.check)}{' (error)' if e.error else ''} "
            f"| {e.unexpected} | {e.evaluated} |"
            for e in failing
        ]
    return "\n".join(lines) + "\n"


def write_reports(outcome: ValidationOutcome, data_docs: bool = True) -> ReportPaths:
    """Data Docs, the HTML summary and the markdown summary of one run.

    A Data Docs failure is logged, not raised: the HTML summary has the same counts.
    """
    docs = None
    if data_docs:
        try:
            docs = build_data_docs(outcome)
        except Exception as exc:  # rendering only; the run's data is already safe
            log.warning("Data Docs were not built for run %s: %s", outcome.run_id, exc)
    return ReportPaths(docs, write_html_summary(outcome), summary_markdown(outcome))


def artifact_key(text: str) -> str:
    """Prefect artifact keys allow lowercase letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "validation"


def publish_artifact(markdown: str, key: str) -> UUID:
    """Publish the summary as a Prefect markdown artifact; call inside a flow or task."""
    from prefect.artifacts import create_markdown_artifact

    return create_markdown_artifact(
        markdown=markdown, key=artifact_key(key), description="opwatch validation summary"
    )
