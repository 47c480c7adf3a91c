"""Operation dossiers: one self-contained page per operation with every article on a
timeline, each figure role with every source's value side by side (disagreements marked),
the agencies and countries involved, and every fact next to its highlighted sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from opwatch.warehouse.reports import svg
from opwatch.warehouse.reports.page import esc, evidence, fmt_number, page, safe_link, table

QUALIFIER_SIGNS = {"at_least": "≥", "at_most": "≤", "approx": "~", "exact": ""}


class DossierError(LookupError):
    """The operation is not in the warehouse (the message lists close names)."""


@dataclass
class Dossier:
    operation_id: str
    name: str
    articles: list[dict[str, Any]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)  # operation_facts rows
    actors: list[dict[str, Any]] = field(default_factory=list)  # agencies and countries
    evidence: list[dict[str, Any]] = field(default_factory=list)  # one per figure


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def find_operation(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, str]:
    """(operation_id, name) for "Operation X", "X" or the slug; case-insensitive."""
    wanted = name.strip()
    bare = re.sub(r"^operation\s+", "", wanted, flags=re.IGNORECASE)
    row = con.execute(
        "SELECT operation_id, name FROM operations WHERE lower(name) IN (lower(?), lower(?)) "
        "OR operation_id = lower(?) ORDER BY name LIMIT 1",
        [wanted, f"Operation {bare}", wanted],
    ).fetchone()
    if row:
        return row[0], row[1]
    close = [
        r[0]
        for r in con.execute(
            "SELECT name FROM operations WHERE name ILIKE ? ORDER BY name LIMIT 10",
            [f"%{bare}%"],
        ).fetchall()
    ]
    hint = f" Close names: {', '.join(close)}." if close else ""
    raise DossierError(
        f"No operation called {wanted!r} in the warehouse.{hint} "
        'List them with: opwatch sql "SELECT name FROM operations ORDER BY name"'
    )


def collect_dossier(con: duckdb.DuckDBPyConnection, name: str) -> Dossier:
    op_id, op_name = find_operation(con, name)
    return collect_dossiers(con, {op_id: op_name})[0]


# The operations' articles, as a relation the queries below join (ids bound as a list).
_OPS = "list_contains(?::VARCHAR[], operation_id)"
_OP_ARTICLES = (
    f"WITH oa AS (SELECT DISTINCT operation_id, article_id FROM operation_articles WHERE {_OPS}) "
)


# An evidence row carries its sentence, not its article's whole text (`text_from`: where
# `text` starts in the article); the whole text only when the stored bounds do not hold.
_SENTENCE_OK = (
    '(0 <= f.sentence_start AND f.sentence_start <= f.start AND f."end" <= f.sentence_end '
    "AND f.sentence_end <= length(a.text))"
)
_SENTENCE_TEXT = (
    f"CASE WHEN {_SENTENCE_OK} THEN substr(a.text, f.sentence_start + 1, "
    "f.sentence_end - f.sentence_start) ELSE a.text END AS text, "
    f"CASE WHEN {_SENTENCE_OK} THEN f.sentence_start ELSE 0 END AS text_from"
)
# Dossiers are collected this many operations at a time, so a run that names thousands of
# operations never holds all their rows at once.
OPERATIONS_PER_QUERY = 100


def _by_operation(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row.pop("operation_id"), []).append(row)
    return grouped


def collect_dossiers(con: duckdb.DuckDBPyConnection, operations: dict[str, str]) -> list[Dossier]:
    """The dossiers of `operations` (id -> name), in four queries however many there are
    (write_dossiers passes OPERATIONS_PER_QUERY at a time). Each query filters with
    list_contains, which DuckDB pushes down into the views: `IN (SELECT unnest(?))` made
    it compute operation_facts for the whole warehouse first (+850 MB at 5,000 articles)."""
    ids = [list(operations)]
    articles = _by_operation(_dicts(con.execute(
        "SELECT DISTINCT oa.operation_id, a.article_id, a.published, "
        "coalesce(a.sitename, a.source) AS outlet, a.source, a.title, a.url "
        "FROM operation_articles oa JOIN articles a USING (article_id) "
        "WHERE list_contains(?::VARCHAR[], oa.operation_id) "
        "ORDER BY oa.operation_id, a.published NULLS LAST, outlet, a.source, a.article_id",
        ids)))  # fmt: skip
    facts = _by_operation(_dicts(con.execute(
        "SELECT operation_id, role, scope_code, unit, n_articles, conflicting, reports "
        f"FROM operation_facts WHERE {_OPS} "
        "ORDER BY operation_id, role, scope_code NULLS FIRST, unit NULLS FIRST", ids)))  # fmt: skip
    actors = _by_operation(_dicts(con.execute(
        _OP_ARTICLES + "SELECT oa.operation_id, e.kind, e.canonical, e.code, "
        "count(DISTINCT e.article_id) AS n_articles, "
        "arg_min(a.text, e.article_id || lpad(e.start::VARCHAR, 9, '0')) AS text, "
        "arg_min(e.start, e.article_id || lpad(e.start::VARCHAR, 9, '0')) AS start, "
        "arg_min(e.\"end\", e.article_id || lpad(e.start::VARCHAR, 9, '0')) AS \"end\" "
        "FROM oa JOIN entities e USING (article_id) JOIN articles a USING (article_id) "
        "WHERE e.kind IN ('agency', 'country') "
        "GROUP BY oa.operation_id, e.kind, e.canonical, e.code "
        "ORDER BY oa.operation_id, e.kind, n_articles DESC, e.canonical, e.code",
        ids)))  # fmt: skip
    evidence = _by_operation(_dicts(con.execute(
        _OP_ARTICLES + "SELECT oa.operation_id, f.role, f.display, f.scope_code, f.score, "
        "f.start, f.\"end\", f.sentence_start, f.sentence_end, f.outlet, f.published, "
        f"f.title, f.url, f.source, {_SENTENCE_TEXT} "
        "FROM oa JOIN figure_details f USING (article_id) JOIN articles a USING (article_id) "
        "ORDER BY oa.operation_id, f.role, f.published NULLS LAST, f.outlet, f.start, f.figure_id",
        ids)))  # fmt: skip
    return [
        Dossier(
            op_id,
            name,
            articles.get(op_id, []),
            facts.get(op_id, []),
            actors.get(op_id, []),
            evidence.get(op_id, []),
        )
        for op_id, name in operations.items()
    ]


def _value(report: dict[str, Any]) -> str:
    if report.get("redacted"):
        return f"{esc(report.get('text'))} (redacted)"
    if report.get("value") is None:
        return f"{esc(report.get('text'))} (vague)"
    sign = QUALIFIER_SIGNS.get(report.get("qualifier") or "exact", "")
    return esc(sign) + fmt_number(report["value"])


def _facts_table(facts: list[dict[str, Any]]) -> str:
    if not facts:
        return '<p class="muted">No figures were read for this operation.</p>'
    rows = []
    for f in facts:
        cls = ' class="conflict"' if f["conflicting"] else ""
        values = "<br>".join(
            f"{esc(r.get('outlet'))} ({esc(r.get('published') or 'no date')}): "
            f"<b{cls}>{_value(r)}</b>"
            for r in f["reports"]
        )
        mark = '<span class="bad">sources disagree</span>' if f["conflicting"] else "agree"
        rows.append([f"<span{cls}>{esc(f['role'])}</span>", esc(f["scope_code"] or "all"),
                     esc(f["unit"] or ""), values, mark])  # fmt: skip
    return table(["role", "scope", "unit", "every source's value", "agreement"], rows,
                 id="facts")  # fmt: skip


def _evidence(row: dict[str, Any]) -> str:
    """A figure's highlighted sentence; the row's text starts at `text_from` in the article."""
    at = row["text_from"]
    return evidence(
        row["text"],
        row["start"] - at,
        row["end"] - at,
        row["sentence_start"] - at,
        row["sentence_end"] - at,
    )


def render_dossier(d: Dossier) -> str:
    timeline = svg.timeline(
        f"{d.name}: articles by date",
        [(a["published"].isoformat(), a["outlet"]) for a in d.articles if a["published"]],
    )
    articles = table(
        ["published", "source", "title"],
        [[esc(a["published"] or "no date"), esc(a["outlet"]),
          safe_link(a["url"], a["title"] or a["source"])] for a in d.articles],
        id="articles",
    )  # fmt: skip
    actors = table(
        ["kind", "name", "code", "articles", "first mention"],
        [[esc(a["kind"]), esc(a["canonical"]), esc(a["code"]), str(a["n_articles"]),
          evidence(a["text"], a["start"], a["end"])] for a in d.actors],
        {3},
        id="actors",
    ) if d.actors else '<p class="muted">No agency or country was named.</p>'  # fmt: skip
    facts = table(
        ["role", "value", "scope", "sentence", "source", "score"],
        [[esc(e["role"]), esc(e["display"]), esc(e["scope_code"]),
          _evidence(e),
          safe_link(e["url"], f"{e['outlet']} ({e['published'] or 'no date'})"),
          f"{e['score']:.2f}"] for e in d.evidence],
        {5},
        id="evidence",
    ) if d.evidence else '<p class="muted">No figure to show.</p>'  # fmt: skip
    n_conflicts = sum(bool(f["conflicting"]) for f in d.facts)
    body = f"""<h1>{esc(d.name)}</h1>
<p class="muted">Dossier from the opwatch warehouse: {len(d.articles)} articles,
{len(d.facts)} role/scope facts, {n_conflicts} where sources disagree.</p>
<h2 id="timeline">Articles</h2>{timeline}{articles}
<h2 id="figures">Figures by role, every source side by side</h2>{_facts_table(d.facts)}
<h2 id="actors-h">Agencies and countries</h2>{actors}
<h2 id="facts-h">Every fact with its evidence</h2>{facts}"""
    return page(f"opwatch dossier: {d.name}", body)


def dossier_filename(operation_id: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", operation_id.lower()).strip("-") + ".html"


def _write_page(d: Dossier, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / dossier_filename(d.operation_id)
    path.write_text(render_dossier(d), encoding="utf-8")
    return path


def write_dossier(con: duckdb.DuckDBPyConnection, name: str, out_dir: Path) -> Path:
    return _write_page(collect_dossier(con, name), out_dir)


def write_dossiers(
    con: duckdb.DuckDBPyConnection, article_ids: list[str], out_dir: Path
) -> dict[str, Path]:
    """One page per operation these articles name (name -> page), collected in bulk,
    OPERATIONS_PER_QUERY operations at a time."""
    operations = list(
        con.execute(
            "SELECT DISTINCT o.operation_id, o.name FROM operation_articles oa JOIN operations o "
            "USING (operation_id) WHERE oa.article_id IN (SELECT unnest(?::VARCHAR[])) "
            "ORDER BY o.name, o.operation_id",
            [article_ids],
        ).fetchall()
    )
    pages: dict[str, Path] = {}
    for at in range(0, len(operations), OPERATIONS_PER_QUERY):
        group = dict(operations[at : at + OPERATIONS_PER_QUERY])
        pages.update((d.name, _write_page(d, out_dir)) for d in collect_dossiers(con, group))
    return pages


def operations_of_articles(con: duckdb.DuckDBPyConnection, article_ids: list[str]) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT o.name FROM operation_articles oa JOIN operations o "
            "USING (operation_id) WHERE oa.article_id IN (SELECT unnest(?::VARCHAR[])) "
            "ORDER BY 1",
            [article_ids],
        ).fetchall()
    ]
