"""Who opens the warehouse, and how: one writer, and readers that never get in its way.

DuckDB lets one process hold a database file read-write, and a read-only process
holding the file blocks that writer. So readers do not open the warehouse itself: after
each load the loader copies the closed (checkpointed) file to a read snapshot next to
it and publishes it with os.replace, which is atomic. A reader that has the old snapshot
open keeps reading it; the next reader opens the new one. `opwatch sql`, `opwatch
export` and any other reader go through read_path() / open_read_only().

    opwatch.duckdb          the warehouse, written only by the loader
    opwatch.read.duckdb     the last committed state, for readers
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import duckdb

from opwatch.warehouse.db import WarehouseError

SNAPSHOT_SUFFIX = ".read"


def snapshot_path(db_path: Path | str) -> Path:
    """opwatch.duckdb -> opwatch.read.duckdb (next to the warehouse)."""
    path = Path(db_path)
    return path.with_name(f"{path.stem}{SNAPSHOT_SUFFIX}{path.suffix or '.duckdb'}")


def read_path(db_path: Path | str) -> Path:
    """The file a reader should open: the published snapshot when there is one, else
    the warehouse itself (a database written before snapshots existed, or any file
    given with --db that has no snapshot next to it)."""
    path = Path(db_path)
    snapshot = snapshot_path(path)
    if path.name != snapshot.name and snapshot.is_file():
        return snapshot
    return path


def open_error(path: Path, exc: duckdb.Error) -> WarehouseError:
    text = str(exc)
    if "not a valid DuckDB database" in text:
        return WarehouseError(f"{path} is not a DuckDB database file; check the --db path.")
    if "Could not set lock" in text:
        held = text.split("Conflicting lock is held in", 1)
        holder = held[1].split(". ")[0].strip() if len(held) == 2 else "unknown"
        return WarehouseError(f"{path} is locked by another process ({holder}).")
    return WarehouseError(f"Cannot open {path}: {text}")


def open_read_only(db_path: Path | str, **config: Any) -> duckdb.DuckDBPyConnection:
    """A read-only connection to read_path(db_path); clear errors for a missing file or
    a file that is not a DuckDB database. `config` goes to duckdb.connect."""
    path = read_path(db_path)
    if not path.exists():
        raise WarehouseError(f"{path} does not exist yet: run the pipeline once to create it.")
    try:
        return duckdb.connect(str(path), read_only=True, config=dict(config))
    except duckdb.Error as exc:
        raise open_error(path, exc) from None


def open_for_write(
    db_path: Path | str, timeout: float = 60.0, first_wait: float = 0.2, max_wait: float = 5.0
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-write, waiting with backoff while another process holds
    its lock; after `timeout` seconds raise one WarehouseError that says who holds it."""
    path = Path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    wait = first_wait
    while True:
        try:
            return duckdb.connect(str(path))
        except duckdb.Error as exc:
            error = open_error(path, exc)
            if "Could not set lock" not in str(exc) or time.monotonic() >= deadline:
                if "Could not set lock" in str(exc):
                    raise WarehouseError(
                        f"{error} Waited {timeout:.0f} s for the write lock and gave up; "
                        "nothing was loaded. Close the other process (readers should use "
                        f"{snapshot_path(path).name}), or raise OPWATCH_LOCK_TIMEOUT."
                    ) from None
                raise error from None
        time.sleep(min(wait, max(0.0, deadline - time.monotonic())))
        wait = min(wait * 2, max_wait)


def publish_snapshot(db_path: Path | str) -> Path:
    """Copy the closed warehouse to a temporary file, then os.replace it over the read
    snapshot: readers see the old snapshot or the new one, never a partial file."""
    path = Path(db_path)
    snapshot = snapshot_path(path)
    tmp = snapshot.with_name(f".{snapshot.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(path, tmp)
        os.replace(tmp, snapshot)
    finally:
        tmp.unlink(missing_ok=True)
    return snapshot
