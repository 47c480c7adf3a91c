"""Where readers (reports, dossiers, search, sql, the shell) read the warehouse from.

Readers never open the warehouse file the loader writes: they open the read snapshot
that the loader publishes atomically after each commit (warehouse/access.py), so a
reader can neither block a load nor see half of one. These names are kept for the
reader modules; both delegate to opwatch.warehouse.access.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from opwatch.warehouse.access import open_read_only, read_path


def reader_database(database: Path | str) -> Path:
    """The file readers should open for the warehouse at `database` (the snapshot)."""
    return read_path(database)


def open_reader(database: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection on the snapshot; a clear WarehouseError when it cannot open."""
    return open_read_only(database)
