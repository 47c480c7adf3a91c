"""The warehouse's views in layers, as in dbt: raw tables -> staging -> intermediate -> marts.

Migrations create the raw tables only. Each view is one SQL file under warehouse/layers/
(`staging/stg_<table>.sql`: 1:1 with a raw table; `intermediate/int_<name>.sql`; `marts/
<name>.sql`) holding a CREATE OR REPLACE VIEW named after the file, then COMMENT ON VIEW
and COMMENT ON COLUMN for every column. `apply_views` re-applies them all, in dependency
order and in one transaction, at every read-write connect (opwatch.warehouse.db.migrate), so
changing a view is editing its file. Views in the main schema that no file defines are
dropped: the layer files own every view there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import duckdb

LAYERS_DIR = Path(__file__).resolve().parent / "layers"
LAYERS = ("staging", "intermediate", "marts")  # a layer reads only from layers before it
PREFIXES = {"staging": "stg_", "intermediate": "int_"}  # marts: analyst-facing names
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_REFERENCE = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)", re.IGNORECASE)
_COMMENTS = re.compile(r"--[^\n]*|'(?:[^']|'')*'")


class ViewError(RuntimeError):
    """A layer file is misnamed, misplaced, or refers to a view it may not read."""


@dataclass(frozen=True)
class View:
    name: str
    layer: str
    sql: str

    @property
    def references(self) -> set[str]:
        """Relations (tables, views, CTEs) named after FROM or JOIN, comments and strings
        left out."""
        code = _COMMENTS.sub(" ", self.sql)
        return {m.lower() for m in _REFERENCE.findall(code)}


def list_views(directory: Path = LAYERS_DIR) -> list[View]:
    """Every layer file, checked: its name, its prefix, and what its layer may read."""
    views: dict[str, View] = {}
    for layer in LAYERS:
        for path in sorted((directory / layer).glob("*.sql")):
            name = path.stem
            prefix = PREFIXES.get(layer)
            if prefix:
                bad_prefix = not name.startswith(prefix)
            else:
                bad_prefix = name.startswith(tuple(PREFIXES.values()))
            if not _NAME.match(name) or bad_prefix:
                want = f"start with {prefix}" if prefix else "not start with stg_ or int_"
                raise ViewError(f"{path}: views in {layer}/ are lower_snake_case and {want}.")
            if name in views:
                raise ViewError(f"{name} is defined twice ({views[name].layer} and {layer}).")
            sql = path.read_text(encoding="utf-8")
            if not re.search(rf"CREATE OR REPLACE VIEW\s+{name}\b", sql, re.IGNORECASE):
                raise ViewError(f"{path}: expected CREATE OR REPLACE VIEW {name}.")
            views[name] = View(name, layer, sql)
    for view in views.values():
        for ref in view.references & views.keys():
            if LAYERS.index(views[ref].layer) > LAYERS.index(view.layer) or (
                view.layer == "staging"
            ):
                raise ViewError(
                    f"{view.name} ({view.layer}) reads {ref} ({views[ref].layer}): staging reads "
                    "raw tables only, and a layer reads only from the layers before it."
                )
    return _in_dependency_order(views)


def _in_dependency_order(views: dict[str, View]) -> list[View]:
    order = {n: (LAYERS.index(v.layer), n) for n, v in views.items()}
    graph = {n: v.references & views.keys() - {n} for n, v in sorted(views.items())}
    sorter = TopologicalSorter(graph)
    try:
        sorter.prepare()
    except CycleError as exc:
        raise ViewError(f"Views depend on each other in a cycle: {exc.args[1]}") from exc
    done: list[View] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=order.__getitem__)
        done += [views[n] for n in ready]
        sorter.done(*ready)
    return done


def existing_views(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal"
    ).fetchall()
    return {r[0] for r in rows}


def apply_views(con: duckdb.DuckDBPyConnection, directory: Path = LAYERS_DIR) -> list[str]:
    """(Re)create every layer view with its comments, in one transaction; returns the
    names in the order applied. A failing file rolls everything back and names itself."""
    views = list_views(directory)
    con.begin()
    try:
        for stale in sorted(existing_views(con) - {v.name for v in views}):
            con.execute(f'DROP VIEW IF EXISTS "{stale}"')
        for view in views:
            try:
                con.execute(view.sql)
            except duckdb.Error as exc:
                raise ViewError(f"{view.layer}/{view.name}.sql failed: {exc}") from exc
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return [v.name for v in views]


def undocumented_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """view.column for every column of a main-schema view that has no COMMENT."""
    rows = con.execute(
        "SELECT c.table_name || '.' || c.column_name FROM duckdb_columns() AS c "
        "JOIN duckdb_views() AS v ON v.view_name = c.table_name "
        "AND v.schema_name = c.schema_name AND v.database_name = c.database_name "
        "WHERE c.schema_name = 'main' AND NOT v.internal "
        "AND (c.comment IS NULL OR trim(c.comment) = '') ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]
