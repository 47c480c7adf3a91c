"""DuckDB connection, numbered migrations, and the batch loader.

One read-write process locks the database file; readers use `connect(read_only=True)`
(or opwatch.warehouse.query). A batch loads in one transaction: it all lands or none of it does.
Migrations create the raw tables; `migrate` then re-applies the layer views
(opwatch.warehouse.views), and opwatch.warehouse.data_tests checks the warehouse after each load.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from opwatch.records import Article, Entity, Figure, QuarantineRow
from opwatch.warehouse.keys import entity_id, figure_id, operation_id, operation_name
from opwatch.warehouse.views import apply_views

if TYPE_CHECKING:
    from opwatch.warehouse.data_tests import DataTestResult

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3})_(\w+)\.sql$")


class WarehouseError(RuntimeError):
    """A warehouse problem with a message that says what to do."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


@dataclass
class RunInfo:
    """What the flow knows about a run; the loader adds the load counts."""

    run_id: str
    started_at: datetime
    finished_at: datetime | None = None  # None: now, at load time
    n_sources: int = 0
    n_skipped: int = 0  # sources skipped because their content was already loaded
    status: str | None = None  # None: 'ok', or 'quarantined' when rows were quarantined
    report_path: str | None = None
    fingerprint: str | None = None  # what produced the rows (opwatch.fingerprint)
    # A run loaded in batches: what earlier batches of the same run loaded/quarantined,
    # so that the run's row always holds the run's totals so far.
    n_loaded_before: int = 0
    n_quarantined_before: int = 0


@dataclass
class LoadResult:
    articles_inserted: int
    articles_present: int  # already loaded (same content hash): children refreshed
    articles_replaced: int  # older versions of the same source that were removed
    entities: int
    figures: int
    operations_new: int
    operation_links: int
    quarantine_rows: int
    data_tests: list[DataTestResult] = field(default_factory=list)  # set by opwatch.tasks.load


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database file; read-write creates it (and its folder) when missing."""
    path = Path(path)
    if read_only and not path.exists():
        raise WarehouseError(f"{path} does not exist yet: run the pipeline once to create it.")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        raise WarehouseError(
            f"Cannot open {path} ({exc}). Another process probably holds it read-write "
            "(DuckDB allows one writer); wait for that run to finish, or read it read-only."
        ) from exc


def list_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found: dict[int, Migration] = {}
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise WarehouseError(f"{path.name}: migrations are named NNN_name.sql.")
        version = int(match.group(1))
        if version in found:
            raise WarehouseError(f"Two migrations share version {version:03d}.")
        found[version] = Migration(version, path.stem, path.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


def migrate(con: duckdb.DuckDBPyConnection, directory: Path = MIGRATIONS_DIR) -> list[int]:
    """Apply pending migrations, each in its own transaction, then re-apply the layer
    views (warehouse/layers, in one transaction); returns the migration versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name VARCHAR NOT NULL, checksum VARCHAR NOT NULL, "
        "applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    applied = dict(con.execute("SELECT version, checksum FROM schema_migrations").fetchall())
    done: list[int] = []
    for m in list_migrations(directory):
        if m.version in applied:
            if applied[m.version] != m.checksum:
                raise WarehouseError(
                    f"Migration {m.name} changed after it was applied. Never edit an applied "
                    "migration: add a new numbered one."
                )
            continue
        con.begin()
        try:
            con.execute(m.sql)
            con.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)",
                [m.version, m.name, m.checksum],
            )
            con.commit()
        except Exception as exc:
            con.rollback()
            raise WarehouseError(f"Migration {m.name} failed and was rolled back: {exc}") from exc
        done.append(m.version)
    apply_views(con)
    return done


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?",
        [name],
    ).fetchone()
    return bool(row and row[0])


def known_article_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Content hashes already loaded (empty before the first migration)."""
    if not _has_table(con, "articles"):
        return set()
    return {r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()}


def known_raw_documents(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Raw key -> article id, for articles still loaded (empty before migration 006)."""
    if not _has_table(con, "raw_documents"):
        return {}
    rows = con.execute(
        "SELECT r.raw_key, r.article_id FROM raw_documents r JOIN articles a USING (article_id)"
    ).fetchall()
    return dict(rows)


def _utc(value: datetime | None) -> datetime | None:
    """Naive UTC, the warehouse convention for TIMESTAMP columns."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def _insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    rows: list[tuple],
    keyed: bool = True,
) -> int:
    """Bulk insert through a registered DataFrame (executemany is ~1 ms a row here).

    dtype=object keeps None as NULL (no NaN) and lets DuckDB cast to the column types.
    """
    if not rows:
        return 0
    import pandas as pd  # here, not at import: a re-run with nothing new never needs it

    cols = ", ".join(f'"{c}"' for c in columns)
    conflict = " ON CONFLICT DO NOTHING" if keyed else ""
    con.register("_opwatch_batch", pd.DataFrame(rows, columns=list(columns), dtype=object))
    try:
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _opwatch_batch{conflict}")
    finally:
        con.unregister("_opwatch_batch")
    return len(rows)


def _field_names(record_type: type) -> list[str]:
    return [f.name for f in fields(record_type)]


def _delete_children(con: duckdb.DuckDBPyConnection, article_ids: Iterable[str]) -> None:
    ids = sorted(set(article_ids))
    if not ids:
        return
    for table in ("operation_articles", "entities", "figures"):
        con.execute(f"DELETE FROM {table} WHERE list_contains(?, article_id)", [ids])


def _unique(rows: Iterable[tuple]) -> list[tuple]:
    """Drop rows whose first column (the key) was already seen; order kept."""
    seen: set[Any] = set()
    out = []
    for row in rows:
        if row[0] not in seen:
            seen.add(row[0])
            out.append(row)
    return out


def _record_raw_documents(
    con: duckdb.DuckDBPyConnection, pairs: Sequence[tuple[str, str]], now: datetime
) -> None:
    """Keep (raw key, article id) for the pairs whose article is loaded; known keys stay."""
    rows = _unique(pairs)
    if not rows:
        return
    import pandas as pd

    frame = pd.DataFrame(rows, columns=["raw_key", "article_id"], dtype=object)
    con.register("_opwatch_raw", frame)
    try:
        con.execute(
            "INSERT INTO raw_documents (raw_key, article_id, first_seen) "
            "SELECT r.raw_key, r.article_id, ? FROM _opwatch_raw r "
            "JOIN articles a USING (article_id) ON CONFLICT DO NOTHING",
            [now],
        )
    finally:
        con.unregister("_opwatch_raw")


RUN_COLUMNS = (
    "run_id, started_at, finished_at, n_sources, n_articles_loaded, n_skipped, "
    "n_quarantined, status, report_path, fingerprint"
)


def record_run(
    con: duckdb.DuckDBPyConnection, info: RunInfo, n_loaded: int, n_quarantined: int
) -> None:
    """Insert or replace the run's row (also usable on its own for a failed run).

    n_loaded counts the batch's articles that are in the warehouse after the load, new
    or already present (a --force run reloads present ones), as the run summary does.
    """
    status = info.status or ("quarantined" if n_quarantined else "ok")
    con.execute(
        f"INSERT OR REPLACE INTO runs ({RUN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            info.run_id,
            _utc(info.started_at),
            _utc(info.finished_at or datetime.now(UTC)),
            info.n_sources,
            n_loaded,
            info.n_skipped,
            n_quarantined,
            status,
            info.report_path,
            info.fingerprint,
        ],
    )


def _check_parents(
    articles: Sequence[Article], entities: Sequence[Entity], figures: Sequence[Figure]
) -> None:
    ids = {a.article_id for a in articles}
    orphans = sorted({r.article_id for r in (*entities, *figures)} - ids)
    if orphans:
        raise WarehouseError(
            f"{len(orphans)} article ids have entities/figures but no article in the batch "
            f"(first: {orphans[0]}). Pass only validated records (ValidationOutcome)."
        )


def load_batch(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    articles: Sequence[Article],
    entities: Sequence[Entity],
    figures: Sequence[Figure],
    quarantine_rows: Sequence[QuarantineRow],
    run_info: RunInfo,
    on_step: Callable[[str], None] | None = None,
    keep_run_quarantine: bool = False,
    raw_documents: Sequence[tuple[str, str]] = (),
) -> LoadResult:
    """Load one validated batch in ONE transaction.

    Idempotent by content hash: loading the same batch twice leaves the same rows. The
    batch is authoritative for its articles (their entities, figures and operation links
    are replaced), and an article whose source now has different content replaces the
    old version. Operations are upserted by canonical name; one left without articles is
    removed. `on_step(name)` runs after each step (tests inject failures there).
    A run's quarantine rows are replaced, unless `keep_run_quarantine` (a later batch of
    a run loaded in batches adds to the rows of the earlier ones). `raw_documents`:
    (raw key, article id) pairs of what was read, kept for articles that are loaded.
    """
    if run_info.run_id != run_id:
        raise ValueError(f"run_info is for {run_info.run_id}, not {run_id}")
    _check_parents(articles, entities, figures)
    step = on_step or (lambda _name: None)
    now = datetime.now(UTC).replace(tzinfo=None)
    batch_ids = sorted({a.article_id for a in articles})
    sources = sorted({a.source for a in articles})
    con.begin()
    try:
        present = {
            r[0]
            for r in con.execute(
                "SELECT article_id FROM articles WHERE list_contains(?, article_id)", [batch_ids]
            ).fetchall()
        }
        stale = [
            r[0]
            for r in con.execute(
                "SELECT article_id FROM articles WHERE list_contains(?, source) "
                "AND NOT list_contains(?, article_id)",
                [sources, batch_ids],
            ).fetchall()
        ]
        _delete_children(con, [*batch_ids, *stale])
        if stale:
            con.execute("DELETE FROM raw_documents WHERE list_contains(?, article_id)", [stale])
            con.execute("DELETE FROM articles WHERE list_contains(?, article_id)", [stale])
        step("delete")

        art_cols = _field_names(Article)
        new_articles = [a for a in articles if a.article_id not in present]
        art_rows = _unique(
            tuple(_utc(v) if isinstance(v, datetime) else v for v in astuple(a))
            for a in new_articles
        )
        inserted = _insert(con, "articles", art_cols, art_rows)
        _record_raw_documents(con, raw_documents, now)
        step("articles")

        ent_rows = _unique((entity_id(e), *astuple(e)) for e in entities)
        n_ent = _insert(con, "entities", ["entity_id", *_field_names(Entity)], ent_rows)
        step("entities")

        fig_rows = _unique((figure_id(f), *astuple(f)) for f in figures)
        n_fig = _insert(con, "figures", ["figure_id", *_field_names(Figure)], fig_rows)
        step("figures")

        ops = [e for e in entities if e.kind == "operation"]
        op_rows = _unique((operation_id(operation_name(e)), operation_name(e), now) for e in ops)
        known_ops = {r[0] for r in con.execute("SELECT operation_id FROM operations").fetchall()}
        new_ops = [r for r in op_rows if r[0] not in known_ops]
        _insert(con, "operations", ["operation_id", "name", "first_seen"], new_ops)
        link_rows = list(
            dict.fromkeys((operation_id(operation_name(e)), e.article_id, e.text) for e in ops)
        )
        _insert(con, "operation_articles", ["operation_id", "article_id", "surface"], link_rows)
        # an operation only named by replaced articles has no evidence left
        con.execute(
            "DELETE FROM operations WHERE operation_id NOT IN "
            "(SELECT operation_id FROM operation_articles)"
        )
        step("operations")

        if not keep_run_quarantine:
            con.execute("DELETE FROM quarantine WHERE run_id = ?", [run_id])
        q_rows = [
            (q.run_id, q.table_name, q.row_key, q.expectation, q.reason, q.row_json, now)
            for q in quarantine_rows
        ]
        q_cols = ["run_id", "table_name", "row_key", "expectation", "reason", "row_json"]
        _insert(con, "quarantine", [*q_cols, "created_at"], q_rows, keyed=False)
        step("quarantine")

        n_quarantined = len({(q.table_name, q.row_key) for q in quarantine_rows})
        record_run(
            con,
            run_info,
            run_info.n_loaded_before + inserted + len(present),
            run_info.n_quarantined_before + n_quarantined,
        )
        step("runs")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return LoadResult(
        articles_inserted=inserted,
        articles_present=len(present),
        articles_replaced=len(stale),
        entities=n_ent,
        figures=n_fig,
        operations_new=len(new_ops),
        operation_links=len(link_rows),
        quarantine_rows=len(q_rows),
    )
