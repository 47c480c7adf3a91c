"""`opwatch sql`: read-only statements run on the warehouse, printed as plain text.

Cell values are never interpreted: no Rich markup, no emoji codes ("[redacted]",
":police_car:" and "[/b]" print as written). NULL is told apart from the empty string in
every output: "NULL" in tables and line mode, an empty unquoted field in CSV (an empty
string is quoted ""), null in JSON. Whole-number doubles print without ".0".
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import duckdb
from rich.table import Table
from rich.text import Text

from opwatch.warehouse.access import open_error
from opwatch.warehouse.db import WarehouseError
from opwatch.warehouse.query import ReadOnlyQueryError, check_read_only
from opwatch.warehouse.reader import reader_database
from opwatch.warehouse.search import SearchUnavailable, load_fts

NULL = "NULL"


@dataclass
class Result:
    label: str  # the statement's first line of SQL (comments skipped)
    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool = False  # more rows than --limit


def _label(sql: str) -> str:
    for line in sql.splitlines():
        line = line.strip()
        if line and not line.startswith("--"):
            return line
    return sql.strip()[:80]


def read_statements(sql_text: str, origin: str = "the SQL") -> list[str]:
    """Split a script into statements; every one must be a read statement."""
    try:
        statements = duckdb.extract_statements(sql_text)
    except duckdb.Error as exc:
        raise ReadOnlyQueryError(f"{origin} does not parse: {exc}") from exc
    if not statements:
        raise ReadOnlyQueryError(f"{origin} holds no SQL statement.")
    for number, statement in enumerate(statements, start=1):
        try:
            check_read_only(statement.query)
        except ReadOnlyQueryError as exc:
            raise ReadOnlyQueryError(
                f"statement {number} of {origin} ({_label(statement.query)!r}): {exc}"
            ) from exc
    return [s.query for s in statements]


def read_sql_file(path: Path) -> list[str]:
    if not path.is_file():
        raise ReadOnlyQueryError(f"SQL file not found: {path}")
    return read_statements(path.read_text(encoding="utf-8"), str(path))


def run_statements(
    database: Path | str, statements: list[str], limit: int | None = None
) -> list[Result]:
    """Run read statements in order on one read-only connection without file access."""
    path = reader_database(database)
    if not path.exists():
        raise WarehouseError(f"{path} does not exist yet: run the pipeline once to create it.")
    if limit is not None and limit < 0:
        raise ValueError("--limit must be 0 or more")
    con = open_locked_reader(path)
    results = []
    try:
        for sql in statements:
            cur = con.execute(sql)
            columns = [d[0] for d in cur.description or []]
            if limit is None:
                rows, more = cur.fetchall(), False
            else:
                rows = cur.fetchmany(limit + 1)
                more, rows = len(rows) > limit, rows[:limit]
            results.append(Result(_label(sql), columns, rows, more))
    finally:
        con.close()
    return results


def open_locked_reader(path: Path) -> duckdb.DuckDBPyConnection:
    """Read-only, nothing downloaded, fts loaded from its wheel when installed (so
    match_bm25 works in queries), then file access switched off and the settings locked."""
    try:
        con = duckdb.connect(
            str(path),
            read_only=True,
            config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
        )
    except duckdb.Error as exc:
        raise open_error(path, exc) from None
    try:
        load_fts(con)
    except SearchUnavailable:
        pass  # SQL without match_bm25 still works
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def plain(value: Any) -> str:
    """One cell as plain text ("NULL" for NULL)."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, default=_json_default, ensure_ascii=False)
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, UUID | timedelta):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def to_json(result: Result) -> str:
    """A JSON array of objects, one per row."""
    rows = [
        {c: _json_value(v) for c, v in zip(result.columns, row, strict=True)} for row in result.rows
    ]
    return json.dumps(rows, default=_json_default, ensure_ascii=False, indent=2)


def _csv_field(value: Any) -> str:
    if value is None:
        return ""  # NULL: an empty unquoted field
    text = plain(value)
    if text == "" or any(c in text for c in ',"\r\n') or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


def to_csv(result: Result) -> str:
    """CSV with a header; ISO dates, true/false, NULL as an empty field, "" for empty text."""
    lines = [",".join(_csv_field(c) for c in result.columns)]
    lines += [",".join(_csv_field(v) for v in row) for row in result.rows]
    return "\r\n".join(lines) + "\r\n"


def to_lines(result: Result) -> str:
    """One `column = value` line per cell, a blank line between rows (DuckDB's line mode)."""
    width = max((len(c) for c in result.columns), default=0)
    blocks = [
        "\n".join(
            f"{c.rjust(width)} = {plain(v)}" for c, v in zip(result.columns, row, strict=True)
        )
        for row in result.rows
    ]
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def to_table(result: Result) -> Table:
    """A Rich table whose header and cells are Text objects (never parsed as markup)."""
    table = Table(show_lines=False)
    for column in result.columns:
        table.add_column(Text(column), overflow="fold")
    for row in result.rows:
        table.add_row(*(Text(NULL, style="dim") if v is None else Text(plain(v)) for v in row))
    return table


def print_results(results: list[Result], mode: str, out: Any, err: Any) -> None:
    """Print every result in `mode` (table | line | csv | json) on the Rich console `out`;
    a note on `err` when --limit cut rows. Several results are each headed by their SQL."""
    for number, result in enumerate(results, start=1):
        if number > 1 and mode in {"csv", "line"}:
            out.file.write("\n")
        if len(results) > 1 and mode in {"table", "line"}:
            out.print(Text(f"-- [{number}] {result.label}", style="bold"))
        if mode == "csv":
            out.file.write(to_csv(result))
        elif mode == "json":
            out.file.write(to_json(result) + "\n")
        elif mode == "line":
            out.file.write(to_lines(result))
        else:
            out.print(to_table(result))
        out.file.flush()
        if result.truncated:
            err.print(Text(f"({result.label}: first {len(result.rows)} rows shown; --limit)"))
