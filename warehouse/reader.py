"""Where readers (reports, dossiers, search, the shell) read the warehouse from.

Today that is the database file itself, opened read-only. Readers go through
`reader_database` and `open_reader` only, so pointing them at a read snapshot later is a
change in this one module.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.db import WarehouseError


def reader_database(database: Path | str) -> Path:
    """The file readers should open for the warehouse at `database`."""
    return Path(database)


def open_reader(database: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection for readers; a clear WarehouseError when it cannot open."""
    path = reader_database(database)
    if not path.exists():
        raise WarehouseError(f"{path} does not exist yet: run the pipeline once to create it.")
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as exc:
        raise WarehouseError(
            f"Cannot open {path} read-only ({exc}); a load is probably running. Retry after it."
        ) from exc
