"""Read-only access for analysts: one SELECT at a time, and Parquet exports.

Readers open the read snapshot that every load publishes (opwatch.warehouse.access.read_path),
never the file the loader writes, so a query never blocks a load and a load never
blocks a query.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from opwatch.warehouse.access import open_read_only

READ_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


class ReadOnlyQueryError(ValueError):
    """The SQL is not a single read statement."""


def check_read_only(sql: str) -> None:
    """Accept exactly one SELECT (WITH, DESCRIBE, SHOW, SUMMARIZE, PRAGMA ...) or EXPLAIN."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise ReadOnlyQueryError(f"SQL does not parse: {exc}") from exc
    if len(statements) != 1:
        raise ReadOnlyQueryError(
            f"Expected exactly one statement, got {len(statements)}. Run them one at a time."
        )
    kind = statements[0].type
    if kind not in READ_STATEMENTS:
        raise ReadOnlyQueryError(
            f"Only read statements (SELECT, EXPLAIN) are allowed here, not {kind.name}. "
            "The warehouse is written only by the pipeline's load step."
        )


def run_readonly(
    db_path: Path | str, sql: str, limit: int | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one read statement on the database opened read-only, without file access
    (read_csv, COPY and friends are disabled). Returns (column names, rows)."""
    check_read_only(sql)
    con = open_read_only(db_path, enable_external_access=False, lock_configuration=True)
    try:
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description or []]
        rows = cur.fetchmany(limit) if limit is not None else cur.fetchall()
    finally:
        con.close()
    return columns, rows


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export_parquet(db_path: Path | str, out_dir: Path | str, views: bool = False) -> list[Path]:
    """Write one Parquet file per table (and per view when asked) into out_dir."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    con = open_read_only(db_path)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                "ORDER BY table_name"
            ).fetchall()
        ]
        if views:
            names += [
                r[0]
                for r in con.execute(
                    "SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' "
                    "AND NOT internal ORDER BY view_name"
                ).fetchall()
            ]
        written = []
        for name in names:
            target = out / f"{name}.parquet"
            con.execute(
                f"COPY (SELECT * FROM {_quote_ident(name)}) TO {_quote_path(target)} "
                "(FORMAT parquet)"
            )
            written.append(target)
    finally:
        con.close()
    return written
