"""What the run report's charts and review queue read from the warehouse (read-only SQL)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb

CONFIDENCE_BINS = 10  # extraction scores are in [0, 1]
MAX_DAYS = 400  # longer publication ranges are charted per month


@dataclass
class ReviewItem:
    kind: str  # "figure" or the entity kind
    label: str  # role or canonical name
    score: float
    text: str  # the article text the offsets refer to
    start: int
    end: int
    sentence_start: int | None
    sentence_end: int | None
    title: str | None
    source: str
    url: str | None
    method: str


@dataclass
class WarehouseStats:
    figures_per_role: list[tuple[str, float]] = field(default_factory=list)
    figures_per_country: list[tuple[str, float]] = field(default_factory=list)
    articles_per_day: list[tuple[str, float]] = field(default_factory=list)
    figure_confidence: list[tuple[str, float]] = field(default_factory=list)
    entity_confidence: list[tuple[str, float]] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    review_scope: str = ""  # which articles the review queue covers
    n_articles: int = 0


def _pairs(rows: list[tuple[Any, ...]]) -> list[tuple[str, float]]:
    return [("(none)" if k is None else str(k), float(v)) for k, v in rows]


def _histogram(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, float]]:
    counts = dict(
        con.execute(
            f"SELECT least(floor(score * {CONFIDENCE_BINS}), {CONFIDENCE_BINS - 1})::INTEGER, "
            f"count(*) FROM {table} GROUP BY 1"
        ).fetchall()
    )
    if not counts:
        return []
    step = 1 / CONFIDENCE_BINS
    return [(f"{b * step:.1f}-{(b + 1) * step:.1f}", float(counts.get(b, 0)))
            for b in range(CONFIDENCE_BINS)]  # fmt: skip


def articles_per_day(rows: list[tuple[date, int]]) -> list[tuple[str, float]]:
    """Every day between the first and last publication date (zeros included); per month
    when the range is longer than MAX_DAYS."""
    if not rows:
        return []
    counts = dict(rows)
    first, last = rows[0][0], rows[-1][0]
    if (last - first).days > MAX_DAYS:
        months: dict[str, float] = {}
        for day, n in rows:
            months[day.strftime("%Y-%m")] = months.get(day.strftime("%Y-%m"), 0) + n
        return list(months.items())
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [(d.isoformat(), float(counts.get(d, 0))) for d in days]


def _review(
    con: duckdb.DuckDBPyConnection, where: str, params: list[Any], limit: int
) -> list[ReviewItem]:
    figures = con.execute(
        "SELECT 'figure', f.role, f.score, a.text, f.start, f.\"end\", f.sentence_start, "
        "f.sentence_end, a.title, a.source, a.url, f.method "
        f"FROM figures f JOIN articles a USING (article_id) WHERE {where} "
        "ORDER BY f.score, f.figure_id LIMIT ?",
        [*params, limit],
    ).fetchall()
    entities = con.execute(
        'SELECT e.kind, e.canonical, e.score, a.text, e.start, e."end", NULL, NULL, '
        "a.title, a.source, a.url, e.model "
        f"FROM entities e JOIN articles a USING (article_id) WHERE {where} "
        "ORDER BY e.score, e.entity_id LIMIT ?",
        [*params, limit],
    ).fetchall()
    items = [ReviewItem(*r) for r in (*figures, *entities)]
    return sorted(items, key=lambda i: i.score)


def collect_stats(
    con: duckdb.DuckDBPyConnection, run_id: str, review_limit: int = 15
) -> WarehouseStats:
    """Chart data over the whole warehouse; the review queue over the articles this run
    loaded (the whole warehouse when the run loaded none)."""
    stats = WarehouseStats()
    stats.n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    stats.figures_per_role = _pairs(
        con.execute(
            "SELECT role, count(*) FROM figures GROUP BY role ORDER BY 2 DESC, 1"
        ).fetchall()
    )
    stats.figures_per_country = _pairs(
        con.execute(
            "SELECT scope_code, count(*) FROM figures WHERE scope_code IS NOT NULL "
            "GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
    )
    stats.articles_per_day = articles_per_day(
        con.execute(
            "SELECT published, count(*) FROM articles WHERE published IS NOT NULL "
            "GROUP BY 1 ORDER BY 1"
        ).fetchall()
    )
    stats.figure_confidence = _histogram(con, "figures")
    stats.entity_confidence = _histogram(con, "entities")
    n_run = con.execute("SELECT count(*) FROM articles WHERE run_id = ?", [run_id]).fetchone()[0]
    if n_run:
        stats.review = _review(con, "a.run_id = ?", [run_id], review_limit)
        stats.review_scope = f"the {n_run} articles this run loaded"
    else:
        stats.review = _review(con, "true", [], review_limit)
        stats.review_scope = "the whole warehouse (this run loaded no new article)"
    return stats
