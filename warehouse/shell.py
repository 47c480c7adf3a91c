"""`opwatch shell`: the DuckDB CLI (the duckdb-cli package, same version as the duckdb
package) opened read-only on the warehouse, with the fts extension loaded from its wheel
and extension downloads switched off."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from opwatch.warehouse.db import WarehouseError
from opwatch.warehouse.reader import reader_database
from opwatch.warehouse.search import NO_AUTOINSTALL, SearchUnavailable, fts_extension_path


class ShellUnavailable(RuntimeError):
    """No matching duckdb CLI; the message says how to install it."""


def duckdb_cli() -> Path:
    """The duckdb executable next to this Python (the venv's), else the one on PATH."""
    local = Path(sys.executable).parent / "duckdb"
    found = local if local.is_file() else shutil.which("duckdb")
    if not found:
        raise ShellUnavailable(
            f"No duckdb CLI found: install it with pip install duckdb-cli=={duckdb.__version__} "
            "(make install does)."
        )
    return Path(found)


def cli_version(cli: Path) -> str:
    out = subprocess.run([str(cli), "-version"], capture_output=True, text=True, timeout=30)
    return out.stdout.split()[0].lstrip("v") if out.stdout.split() else ""


def shell_command(database: Path | str, command: str | None = None) -> list[str]:
    """The argv that opens the CLI read-only; `command` runs one SQL string and exits."""
    path = reader_database(database)
    if not path.exists():
        raise WarehouseError(f"{path} does not exist yet: run the pipeline once to create it.")
    cli = duckdb_cli()
    version = cli_version(cli)
    if version != duckdb.__version__:
        raise ShellUnavailable(
            f"{cli} is DuckDB {version or '(unknown)'}, the duckdb package is "
            f"{duckdb.__version__}: install duckdb-cli=={duckdb.__version__}."
        )
    setup = NO_AUTOINSTALL + ";"
    try:
        setup += " LOAD '" + str(fts_extension_path()).replace("'", "''") + "';"
    except SearchUnavailable:
        pass  # the shell works without full-text search
    argv = [str(cli), "-readonly", "-no-init", "-cmd", setup, str(path)]
    if command is not None:
        argv += ["-c", command]
    return argv


def run_shell(database: Path | str, command: str | None = None) -> int:
    """Run the CLI in the foreground; returns its exit status."""
    return subprocess.call(shell_command(database, command))
