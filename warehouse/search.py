"""Full-text search over articles with DuckDB's FTS extension, loaded offline.

The extension comes from the `duckdb-extension-fts` wheel (its file is LOADed by path; it
is never downloaded). It only loads into the DuckDB version it was built for, so the
project pins duckdb to that version. The index (schema fts_main_articles, BM25 over title
and text) is rebuilt after each load; search opens the warehouse read-only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from opwatch.warehouse.db import WarehouseError
from opwatch.warehouse.reader import open_reader

INDEX_SCHEMA = "fts_main_articles"
SNIPPET_CHARS = 220
NO_AUTOINSTALL = "SET autoinstall_known_extensions = false; SET autoload_known_extensions = false"


class SearchUnavailable(RuntimeError):
    """The FTS extension or the index is missing; the message says what to do."""


@dataclass
class Hit:
    score: float
    article_id: str
    title: str | None
    published: date | None
    outlet: str
    link: str  # url, or the source path
    snippet: str
    marks: list[tuple[int, int]]  # spans of query terms inside snippet


def fts_extension_path() -> Path:
    """The fts extension file shipped by the duckdb-extension-fts wheel for this duckdb."""
    version = f"v{duckdb.__version__}"
    try:
        import duckdb_extension_fts
    except ImportError as exc:
        raise SearchUnavailable(
            "Full-text search needs the duckdb-extension-fts package (installed with opwatch; "
            f"pip install duckdb-extension-fts=={duckdb.__version__})."
        ) from exc
    root = Path(duckdb_extension_fts.__file__).parent / "extensions"
    path = root / version / "fts.duckdb_extension"
    if not path.is_file():
        built = sorted(p.name for p in root.glob("v*")) or ["none"]
        raise SearchUnavailable(
            f"The installed duckdb-extension-fts is built for DuckDB {', '.join(built)}, not "
            f"{version}; an extension loads only into its own DuckDB version. Install "
            "matching versions (pyproject.toml pins both)."
        )
    return path


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Load the fts extension from its file; never download anything."""
    path = fts_extension_path()
    con.execute(NO_AUTOINSTALL)
    try:
        con.execute(f"LOAD {_quote(path)}")
    except duckdb.Error as exc:
        raise SearchUnavailable(f"Could not load the fts extension from {path}: {exc}") from exc


def rebuild_index(con: duckdb.DuckDBPyConnection) -> int:
    """(Re)build the BM25 index over articles' title and text; returns articles indexed.
    Needs a read-write connection (the pipeline calls it after each load)."""
    load_fts(con)
    con.execute(
        "PRAGMA create_fts_index('articles', 'article_id', 'title', 'text', "
        "stemmer = 'porter', stopwords = 'english', strip_accents = 1, lower = 1, "
        "overwrite = 1)"
    )
    return con.execute("SELECT count(*) FROM articles").fetchone()[0]


def has_index(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_schemas() WHERE schema_name = ?", [INDEX_SCHEMA]
        ).fetchone()[0]
    )


def _terms(query: str) -> list[str]:
    return [t for t in re.findall(r"\w+", query.lower()) if len(t) > 1]


def snippet(text: str, query: str, width: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """A window of `text` around the first query term, and where terms occur in it.
    Terms match at word starts, so "arrest" also marks "arrested" (the index stems)."""
    terms = _terms(query)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, terms)) + r")\w*", re.IGNORECASE)
    first = pattern.search(text) if terms else None
    center = first.start() if first else 0
    start = max(0, center - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < center else start
    end = min(len(text), start + width)
    window = " ".join(text[start:end].split())  # one line
    marks = [m.span() for m in pattern.finditer(window)] if terms else []
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix)
    return prefix + window + suffix, [(a + shift, b + shift) for a, b in marks]


def search(
    database: Path | str,
    query: str,
    operation: str | None = None,
    country: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 10,
) -> list[Hit]:
    """Articles ranked by BM25 for `query`, optionally only those naming an operation
    (name contains), a country (ISO2 code or name) and published within [since, until]."""
    if not _terms(query):
        raise ValueError("The search query has no word to look for.")
    con = open_reader(database)
    try:
        load_fts(con)
        if not has_index(con):
            raise SearchUnavailable(
                "The warehouse has no search index yet: it is built after each load "
                "(opwatch run), or now with `opwatch search --reindex`."
            )
        where, params = _filters(operation, country, since, until)
        rows = con.execute(
            "WITH scored AS (SELECT article_id, "
            f"{INDEX_SCHEMA}.match_bm25(article_id, ?) AS score FROM articles) "
            "SELECT s.score, a.article_id, a.title, a.published, "
            "coalesce(a.sitename, a.source), coalesce(a.url, a.source), a.text "
            "FROM scored s JOIN articles a USING (article_id) "
            f"WHERE s.score IS NOT NULL {where} ORDER BY s.score DESC, a.article_id LIMIT ?",
            [query, *params, limit],
        ).fetchall()
    finally:
        con.close()
    hits = []
    for score, article_id, title, published, outlet, link, text in rows:
        text_snippet, marks = snippet(text, query)
        hits.append(Hit(score, article_id, title, published, outlet, link, text_snippet, marks))
    return hits


def _filters(
    operation: str | None, country: str | None, since: date | None, until: date | None
) -> tuple[str, list[Any]]:
    where, params = "", []
    if operation:
        where += (
            " AND EXISTS (SELECT 1 FROM operation_articles oa JOIN operations o "
            "USING (operation_id) WHERE oa.article_id = a.article_id AND o.name ILIKE ?)"
        )
        params.append(f"%{operation}%")
    if country:
        where += (
            " AND EXISTS (SELECT 1 FROM entities e WHERE e.article_id = a.article_id "
            "AND e.kind IN ('country', 'location') AND (e.code = upper(?) OR e.canonical "
            "ILIKE ?))"
        )
        params += [country, country]
    if since:
        where += " AND a.published >= ?"
        params.append(since)
    if until:
        where += " AND a.published <= ?"
        params.append(until)
    return where, params


def reindex(database: Path | str) -> int:
    """Rebuild the index now (opens the warehouse read-write: not during a load)."""
    from opwatch.warehouse.db import connect

    con = connect(database)
    try:
        return rebuild_index(con)
    finally:
        con.close()


def refresh_after_load(con: duckdb.DuckDBPyConnection, changed: bool = True) -> str:
    """Called after each load: rebuild the index, or say why search is unavailable. A
    missing extension never fails a load. A load that wrote no article (`changed`
    False: a re-run with nothing new) keeps an existing index: rebuilding it costs time
    in proportion to the whole warehouse."""
    if not changed and has_index(con):
        return "search index kept (no article loaded)"
    try:
        n = rebuild_index(con)
    except (SearchUnavailable, duckdb.Error) as exc:
        return f"search index not rebuilt: {exc}"
    return f"search index rebuilt ({n} articles)"


__all__ = [
    "Hit",
    "SearchUnavailable",
    "WarehouseError",
    "fts_extension_path",
    "rebuild_index",
    "refresh_after_load",
    "reindex",
    "search",
    "snippet",
]
