"""The run report, failures first: status, failing checks and quarantined rows with their
evidence, charts, a review queue of the least confident extractions, then passing checks.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from opwatch.warehouse.reports import svg
from opwatch.warehouse.reports.page import esc, evidence, fmt_number, page, safe_link, table
from opwatch.warehouse.reports.warehouse_stats import ReviewItem, WarehouseStats

MAX_ROWS_SHOWN = 500  # quarantine rows listed; the rest stay in the quarantine table
MAX_JSON_CHARS = 2_000


def _loads(row_json: str) -> dict[str, Any]:
    try:
        data = json.loads(row_json)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _pretty(row_json: str) -> str:
    data = _loads(row_json)
    text = json.dumps(data, indent=1, ensure_ascii=False) if data else row_json
    if len(text) > MAX_JSON_CHARS:
        text = text[:MAX_JSON_CHARS] + f"\n... ({len(text) - MAX_JSON_CHARS} more characters)"
    return text


def _articles_by_id(outcome: Any) -> dict[str, dict[str, Any]]:
    """Every article of the batch, passed or quarantined, as a dict with its text."""
    found = {
        a.article_id: {"text": a.text, "source": a.source, "url": a.url, "title": a.title}
        for a in outcome.articles
    }
    for q in outcome.quarantine:
        if q.table_name == "articles":
            data = _loads(q.row_json)
            if data.get("article_id"):
                found.setdefault(data["article_id"], data)
    return found


def _quarantine_evidence(q: Any, articles: dict[str, dict[str, Any]]) -> tuple[str, str]:
    """(source, evidence HTML) for one quarantined row."""
    data = _loads(q.row_json)
    if q.table_name == "documents":
        return esc(data.get("source", q.row_key)), esc(data.get("message", ""))
    article = articles.get(str(data.get("article_id")), {})
    source = safe_link(article.get("url"), article.get("source") or data.get("source") or "")
    if q.table_name == "articles":
        text = data.get("text") or ""
        snippet = text[:240] + ("…" if len(text) > 240 else "")
        title = f"<b>{esc(data.get('title'))}</b><br>" if data.get("title") else ""
        return source, title + esc(snippet)
    try:
        start, end = int(data["start"]), int(data["end"])
    except (KeyError, TypeError, ValueError):
        return source, '<span class="muted">(no offsets)</span>'
    s_start, s_end = data.get("sentence_start"), data.get("sentence_end")
    return source, evidence(
        article.get("text"),
        start,
        end,
        int(s_start) if isinstance(s_start, int) else None,
        int(s_end) if isinstance(s_end, int) else None,
    )


def _failures(outcome: Any) -> str:
    failing = [e for e in outcome.expectations if not e.success]
    if not failing and not outcome.quarantine:
        return '<p class="ok">No check failed and nothing was quarantined.</p>'
    checks = table(
        ["table", "check", "column", "failed rows", "of", "status"],
        [
            [esc(e.table), esc(e.check), esc(e.column), str(e.unexpected), str(e.evaluated),
             f'<span class="err">error</span> {esc(e.error)}' if e.error
             else '<span class="bad">failed</span>']
            for e in failing
        ],
        {3, 4},
        id="failing-checks",
    )  # fmt: skip
    articles = _articles_by_id(outcome)
    rows = []
    for q in outcome.quarantine[:MAX_ROWS_SHOWN]:
        source, proof = _quarantine_evidence(q, articles)
        rows.append([
            esc(q.table_name), esc(q.expectation), esc(q.reason), source, proof,
            f"<details><summary>row</summary><pre>{esc(_pretty(q.row_json))}</pre></details>",
        ])  # fmt: skip
    more = len(outcome.quarantine) - len(rows)
    quarantined = (
        table(["table", "check", "reason", "source", "evidence", "row"], rows, id="quarantine")
        if rows
        else '<p class="muted">Nothing was quarantined.</p>'
    )
    if more > 0:
        quarantined += f'<p class="muted">{more} more rows are in the quarantine table.</p>'
    return (
        f"<h3>Failing checks ({len(failing)})</h3>{checks}"
        f"<h3>Quarantined rows ({len(outcome.quarantine)})</h3>{quarantined}"
    )


def _figure(caption: str, chart: str) -> str:
    return f"<figure><figcaption>{esc(caption)}</figcaption>{chart}</figure>"


def _charts(outcome: Any, stats: WarehouseStats | None) -> str:
    by_reason = Counter(f"{q.table_name}: {q.expectation}" for q in outcome.quarantine)
    quarantine = svg.hbar_chart(
        "Quarantined rows by reason", by_reason.most_common(), color=svg.ALERT
    )
    parts = [_figure("Quarantined rows by reason (this run)", quarantine)]
    if stats is None:
        note = "the warehouse could not be read for charts"
        return '<div class="charts">' + "".join(parts) + f'</div><p class="muted">{note}</p>'
    parts += [
        _figure("Figures per role", svg.hbar_chart("Figures per role", stats.figures_per_role)),
        _figure(
            "Figures per country (scope)",
            svg.hbar_chart("Figures per country", stats.figures_per_country),
        ),
        _figure(
            "Articles per publication day",
            svg.column_chart("Articles per day", stats.articles_per_day),
        ),
        _figure(
            "Figure-role confidence",
            svg.column_chart("Figure confidence", stats.figure_confidence, width=320),
        ),
        _figure(
            "Entity confidence",
            svg.column_chart("Entity confidence", stats.entity_confidence, width=320),
        ),
    ]
    scope = f"Warehouse after this run: {stats.n_articles} articles."
    return f'<p class="muted">{scope}</p><div class="charts">' + "".join(parts) + "</div>"


def _review(items: Sequence[ReviewItem], scope: str) -> str:
    if not items:
        return '<p class="muted">Nothing to review.</p>'
    rows = [
        [f"{i.score:.2f}", esc(i.kind), esc(i.label),
         evidence(i.text, i.start, i.end, i.sentence_start, i.sentence_end),
         safe_link(i.url, i.title or i.source), esc(i.method)]
        for i in items
    ]  # fmt: skip
    return f'<p class="muted">Least confident first, from {esc(scope)}.</p>' + table(
        ["score", "kind", "role / name", "sentence", "article", "by"], rows, {0}, id="review"
    )


def _passing(outcome: Any) -> str:
    passing = [e for e in outcome.expectations if e.success]
    rows = [
        [esc(e.table), esc(e.check), esc(e.expectation_type), esc(e.column), str(e.evaluated)]
        for e in passing
    ]
    counts = table(
        ["table", "evaluated", "passed", "failed"],
        [[esc(t), str(c.evaluated), str(c.passed), str(c.failed)]
         for t, c in outcome.tables.items()],
        {1, 2, 3},
    )  # fmt: skip
    return (
        f'<details id="passing"><summary>{len(passing)} checks passed</summary>'
        + table(["table", "check", "expectation", "column", "evaluated"], rows, {4})
        + f"<h3>Rows per table</h3>{counts}</details>"
    )


def _dossier_list(dossiers: dict[str, str]) -> str:
    if not dossiers:
        return '<p class="muted">No operation named in this run\'s articles.</p>'
    items = "".join(
        f'<li><a href="{esc(href)}">{esc(name)}</a></li>' for name, href in sorted(dossiers.items())
    )
    return f"<ul>{items}</ul>"


def render_run_report(
    outcome: Any,
    stats: WarehouseStats | None,
    dossiers: dict[str, str] | None = None,
    index_href: str | None = "index.html",
    generated_at: datetime | None = None,
) -> str:
    """The whole page. `outcome` is an opwatch.expectations.runner.ValidationOutcome; `dossiers`
    maps operation names to relative links."""
    when = (generated_at or datetime.now(UTC)).isoformat(timespec="seconds")
    n_failing = sum(not e.success for e in outcome.expectations)
    n_rows = outcome.n_quarantined_rows
    if outcome.success and not n_failing:  # checks include the SQL data tests
        status = '<span class="status ok">OK: every check passed, nothing quarantined</span>'
    else:
        status = (
            f'<span class="status bad">ATTENTION: {n_failing} checks failed, '
            f"{n_rows} rows quarantined</span>"
        )
    loaded = len(outcome.articles)
    facts = (
        f"{loaded} articles, {len(outcome.entities)} entities and "
        f"{fmt_number(len(outcome.figures))} figures passed validation"
    )
    back = f' &middot; <a href="{esc(index_href)}">all runs</a>' if index_href else ""
    body = f"""<h1>opwatch run {esc(outcome.run_id)}</h1>
<p id="status">{status}</p>
<p class="muted">Run date {esc(outcome.run_date)} &middot; generated {esc(when)} &middot;
{facts} &middot; GX {outcome.gx_seconds:.2f} s{back}</p>
<h2 id="failures">Failures</h2>{_failures(outcome)}
<h2 id="charts">Charts</h2>{_charts(outcome, stats)}
<h2 id="review-queue">Review queue</h2>{
        _review(stats.review if stats else [], stats.review_scope if stats else "")
    }
<h2 id="dossiers">Operation dossiers</h2>{_dossier_list(dossiers or {})}
<h2 id="passing-checks">Passing checks</h2>{_passing(outcome)}"""
    return page(f"opwatch run {outcome.run_id}", body)
