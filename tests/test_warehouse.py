"""DuckDB warehouse: migrations, idempotent loads, replacement, rollback, views, queries."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import duckdb
import factories as F
import pytest

from opwatch.records import QuarantineRow
from opwatch.warehouse import db
from opwatch.warehouse.keys import entity_id, operation_id
from opwatch.warehouse.query import ReadOnlyQueryError, export_parquet, run_readonly

TABLES = ("articles", "entities", "figures", "operations", "operation_articles", "runs",
          "quarantine")  # fmt: skip
EXAMPLES_SQL = Path(db.__file__).parent / "queries" / "examples.sql"


def _info(run_id: str = F.RUN_ID) -> db.RunInfo:
    return db.RunInfo(run_id, datetime(2024, 6, 1, 12, tzinfo=UTC), n_sources=2)


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def _snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in TABLES}


def _load(con, *batches, run_id=F.RUN_ID, quarantine=(), on_step=None) -> db.LoadResult:
    arts = [b[0] for b in batches]
    ents = [e for b in batches for e in b[1]]
    figs = [f for b in batches for f in b[2]]
    return db.load_batch(con, run_id, arts, ents, figs, list(quarantine), _info(run_id), on_step)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "opwatch.duckdb"


@pytest.fixture
def con(db_path: Path):
    con = db.connect(db_path)
    db.migrate(con)
    yield con
    con.close()


def test_migrations_recorded_and_idempotent(db_path: Path) -> None:
    con = db.connect(db_path)
    assert db.migrate(con) == [1, 2, 3, 4, 5, 6]
    assert db.migrate(con) == []
    rows = con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert rows == [(1, "001_init"), (2, "002_views"), (3, "003_conflicts_between_sources"),
                    (4, "004_run_fingerprint"), (5, "005_views_move_to_layers"),
                    (6, "006_raw_documents")]  # fmt: skip
    con.close()


def test_failed_migration_rolls_back_and_edited_one_is_refused(tmp_path: Path, db_path) -> None:
    mig = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS_DIR, mig)
    (mig / "099_broken.sql").write_text("CREATE TABLE half_done (a INT);\nSELECT * FROM nope;\n")
    con = db.connect(db_path)
    with pytest.raises(db.WarehouseError, match="099_broken"):
        db.migrate(con, mig)
    latest = db.list_migrations()[-1].version
    assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == latest
    assert not con.execute("SELECT * FROM duckdb_tables() WHERE table_name='half_done'").fetchall()
    (mig / "099_broken.sql").unlink()
    (mig / "001_init.sql").write_text((mig / "001_init.sql").read_text() + "\n-- edited\n")
    with pytest.raises(db.WarehouseError, match="changed after it was applied"):
        db.migrate(con, mig)
    con.close()


def test_load_twice_gives_same_counts(con) -> None:
    q = [QuarantineRow(F.RUN_ID, "documents", "x.txt", "E001", "ingest: empty", "{}")]
    first = _load(con, F.batch_a(), F.batch_b(), quarantine=q)
    counts = _counts(con)
    second = _load(con, F.batch_a(), F.batch_b(), quarantine=q)
    assert _counts(con) == counts
    assert counts["articles"] == 2 and counts["entities"] == 5 and counts["figures"] == 7
    assert counts["operations"] == 1 and counts["quarantine"] == 1 and counts["runs"] == 1
    assert (first.articles_inserted, second.articles_inserted) == (2, 0)
    assert second.articles_present == 2
    run = con.execute("SELECT n_articles_loaded, n_quarantined, status FROM runs").fetchone()
    # the batch's articles are in the warehouse after the re-load, as the summary says
    assert run == (second.articles_inserted + second.articles_present, 1, "quarantined")
    assert run[0] == 2


def test_known_article_ids(con, db_path) -> None:
    assert db.known_article_ids(con) == set()
    a, *_ = batch = F.batch_a()
    _load(con, batch)
    assert db.known_article_ids(con) == {a.article_id}
    fresh = db.connect(db_path.parent / "empty.duckdb")
    assert db.known_article_ids(fresh) == set()  # before any migration
    fresh.close()


def test_changed_article_replaces_old_version(con) -> None:
    old = F.batch_a()
    _load(con, old, F.batch_b())
    new_text = F.TEXT_A + " Officials later confirmed the figures."
    new = F.batch_a(F.article(new_text, source=old[0].source))
    result = _load(con, new, run_id="run-2")
    assert result.articles_replaced == 1
    ids = {r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()}
    assert old[0].article_id not in ids and new[0].article_id in ids and len(ids) == 2
    for table in ("entities", "figures", "operation_articles"):
        n_old = con.execute(
            f"SELECT count(*) FROM {table} WHERE article_id = ?", [old[0].article_id]
        ).fetchone()[0]
        assert n_old == 0, table
    owners = con.execute("SELECT DISTINCT article_id FROM figures").fetchall()
    assert {r[0] for r in owners} == {new[0].article_id, F.batch_b()[0].article_id}
    assert _counts(con)["figures"] == 7


STEPS = ["delete", "articles", "entities", "figures", "operations", "quarantine", "runs"]


@pytest.mark.parametrize("fail_at", STEPS)
def test_crash_mid_load_leaves_database_unchanged(con, fail_at: str) -> None:
    _load(con, F.batch_a())
    before = _snapshot(con)

    def boom(step: str) -> None:
        if step == fail_at:
            raise RuntimeError(f"injected failure after {step}")

    changed = F.batch_a(F.article(F.TEXT_A + " Update.", source="examples/a.txt"))
    q = [QuarantineRow("run-2", "figures", "k", "role_allowed", "r", "{}")]
    with pytest.raises(RuntimeError, match="injected"):
        _load(con, changed, F.batch_b(), run_id="run-2", quarantine=q, on_step=boom)
    assert _snapshot(con) == before
    _load(con, changed, F.batch_b(), run_id="run-2", quarantine=q)  # connection still usable
    assert _counts(con)["articles"] == 2


def test_operation_without_articles_is_removed(con) -> None:
    a, ents, figs = F.batch_a()
    _load(con, (a, ents, figs))
    assert _counts(con)["operations"] == 1
    new = F.article("Police said nothing new.", source=a.source)
    _load(con, (new, [], []), run_id="run-2")
    assert _counts(con)["operations"] == 0 and _counts(con)["operation_articles"] == 0


def test_empty_batch_records_the_run(con) -> None:
    result = _load(con)
    assert result.articles_inserted == 0
    assert con.execute("SELECT run_id, status FROM runs").fetchall() == [(F.RUN_ID, "ok")]


def test_orphan_children_are_refused(con) -> None:
    a, ents, figs = F.batch_a()
    with pytest.raises(db.WarehouseError, match="no article in the batch"):
        db.load_batch(con, F.RUN_ID, [], ents, figs, [], _info())


def test_operation_facts_show_conflicting_reports_side_by_side(con) -> None:
    _load(con, F.batch_a(), F.batch_b())
    row = con.execute(
        "SELECT n_articles, min_value, max_value, conflicting, by_source, len(reports) "
        "FROM operation_facts WHERE operation = 'Operation Rescue' AND role = 'arrests' "
        "AND scope_code IS NULL"
    ).fetchone()
    assert row[:4] == (2, 180.0, 184.0, True)
    assert row[4] == "example.org: 184 | ceop.example: 180" and row[5] == 2
    gb = con.execute(
        "SELECT n_figures, max_value, operations FROM figures_by_country "
        "WHERE country_code = 'GB' AND role = 'arrests'"
    ).fetchone()
    assert gb == (1, 121.0, "Operation Rescue")
    summary = con.execute(
        "SELECT n_entities, n_figures, n_redacted, operations, countries FROM article_summary "
        "WHERE source = 'examples/a.txt'"
    ).fetchone()
    assert summary == (3, 5, 1, ["Operation Rescue"], ["GB"])
    ops = con.execute("SELECT operation_id, name FROM operations").fetchall()
    assert ops == [(operation_id("Operation Rescue"), "Operation Rescue")]


def test_repeated_figure_in_one_article_counts_once(con) -> None:
    a = F.article("Operation Dune: police arrested 37 people. Officials confirmed 37 arrests.")
    ents = [F.entity(a, "Operation Dune", "operation")]
    figs = [F.figure(a, "37", "arrests", 37.0), F.figure(a, "37 arrests", "arrests", 37.0)]
    _load(con, (a, ents, figs))
    row = con.execute(
        "SELECT n_articles, n_mentions, conflicting, by_source FROM operation_facts"
    ).fetchone()
    assert row == (1, 2, False, "example.org: 37")


def test_a_total_and_its_parts_in_one_article_are_not_a_conflict(con) -> None:
    a = F.article("Operation Dune: police arrested 37 people, 12 of them on Monday.")
    figs = [F.figure(a, "37", "arrests", 37.0), F.figure(a, "12", "arrests", 12.0)]
    _load(con, (a, [F.entity(a, "Operation Dune", "operation")], figs))
    one = con.execute("SELECT n_articles, n_distinct_values, conflicting FROM operation_facts")
    assert one.fetchone() == (1, 2, False)
    b = F.article("Operation Dune ended with 41 arrests.", source="examples/b.txt")
    _load(
        con, (b, [F.entity(b, "Operation Dune", "operation")], [F.figure(b, "41", "arrests", 41.0)])
    )
    two = con.execute("SELECT n_articles, conflicting FROM operation_facts").fetchone()
    assert two == (2, True)


def test_entity_ids_are_deterministic(con) -> None:
    a, ents, _ = F.batch_a()
    _load(con, (a, ents, []))
    got = {r[0] for r in con.execute("SELECT entity_id FROM entities").fetchall()}
    assert got == {entity_id(e) for e in ents}


def test_run_readonly_reads_and_rejects_writes(con, db_path) -> None:
    _load(con, F.batch_a())
    con.close()
    cols, rows = run_readonly(db_path, "SELECT source, n_figures FROM article_summary")
    assert cols == ["source", "n_figures"] and rows == [("examples/a.txt", 5)]
    for sql in [
        "INSERT INTO runs (run_id) VALUES ('x')",
        "DROP TABLE articles",
        "SELECT 1; DELETE FROM articles",
        "COPY articles TO 'out.csv'",
        "ATTACH 'other.duckdb'",
        "UPDATE figures SET value = 0",
    ]:
        with pytest.raises(ReadOnlyQueryError):
            run_readonly(db_path, sql)
    with pytest.raises(duckdb.Error):  # no file access from analyst queries
        run_readonly(db_path, "SELECT * FROM read_csv('/etc/hostname')")


def test_example_queries_run(con, db_path) -> None:
    _load(con, F.batch_a(), F.batch_b())
    con.close()
    statements = duckdb.extract_statements(EXAMPLES_SQL.read_text())
    assert len(statements) == 5
    results = [run_readonly(db_path, s.query) for s in statements]
    assert results[0][1]  # the 180 vs 184 conflict is listed


def test_export_parquet_writes_one_file_per_table(con, db_path, tmp_path) -> None:
    _load(con, F.batch_a())
    con.close()
    files = export_parquet(db_path, tmp_path / "export")
    names = {p.stem for p in files}
    assert set(TABLES) | {"schema_migrations", "raw_documents"} == names
    n = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{tmp_path / 'export' / 'figures.parquet'}')"
    )
    assert n.fetchall()[0][0] == 5


def test_load_task_functions_without_prefect(db_path, tmp_path) -> None:
    from opwatch.tasks.load import known_ids, load

    assert known_ids(db_path) == set()
    a, ents, figs = F.batch_a()
    q = [QuarantineRow(F.RUN_ID, "documents", "x", "E001", "empty", "{}")]
    outcome = SimpleNamespace(  # the fields of ValidationOutcome that load reads
        articles=[a], entities=ents, figures=figs, quarantine=q,
        summary_html=tmp_path / "reports" / "validation_x.html",
    )  # fmt: skip
    result = load(db_path, F.RUN_ID, outcome, datetime.now(UTC), ["a.txt", "x"], n_skipped=0)
    assert result.articles_inserted == 1 and result.quarantine_rows == 1
    assert known_ids(db_path) == {a.article_id}
    path = duckdb.connect(str(db_path), read_only=True).sql("SELECT report_path FROM runs")
    assert path.fetchall() == [(str(tmp_path / "reports" / "validation_x.html"),)]
