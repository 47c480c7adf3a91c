"""Printing for `opwatch search`: ranked hits with their snippet, terms highlighted."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
from rich.text import Text

from opwatch.warehouse.db import WarehouseError
from opwatch.warehouse.search import SearchUnavailable, reindex, search


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def run_search(
    database: Path,
    query: str | None,
    operation: str | None,
    country: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    as_json: bool,
    rebuild: bool,
    out: Any,
    err: Any,
) -> int:
    """Search (rebuilding the index first when asked) and print; returns an exit code."""
    try:
        if rebuild:
            err.print(Text(f"Search index rebuilt: {reindex(database)} articles."))
        if query is None:
            return 0 if rebuild else _fail(err, "give a QUERY (or --reindex)")
        hits = search(database, query, operation, country, _day(since), _day(until), limit)
    except (SearchUnavailable, WarehouseError, ValueError, duckdb.Error) as error:
        return _fail(err, str(error))
    if as_json:
        rows = [asdict(h) | {"published": h.published and h.published.isoformat()} for h in hits]
        out.file.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return 0
    if not hits:
        err.print(Text("No article matches."))
    for rank, hit in enumerate(hits, start=1):
        head = Text(f"{rank}. ", style="bold")
        head.append(hit.title or "(no title)", style="bold")
        head.append(f"  {hit.published or 'no date'} · {hit.outlet} · score {hit.score:.3f}")
        body = Text("   " + hit.snippet)
        for start, end in hit.marks:
            body.stylize("bold yellow", start + 3, end + 3)
        out.print(head)
        out.print(body)
        out.print(Text("   " + hit.link, style="dim"), soft_wrap=True)
    return 0


def _fail(err: Any, message: str) -> int:
    err.print(Text(f"error: {message}"))
    return 2
