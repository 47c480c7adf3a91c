"""The warehouse in layers: raw tables from migrations, views from warehouse/layers applied
at every connect, documented columns, and the SQL data tests after each load."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import factories as F
import pytest

from opwatch.records import QuarantineRow
from opwatch.warehouse import data_tests, db, views

RAW_TABLES = {"articles", "entities", "figures", "operations", "operation_articles", "runs",
              "quarantine", "raw_documents"}  # fmt: skip
MARTS = ("operation_facts", "figures_by_country", "article_summary", "quarantine_summary",
         "operation_figures", "figure_details")  # fmt: skip


def _info(run_id: str = F.RUN_ID) -> db.RunInfo:
    return db.RunInfo(run_id, datetime(2024, 6, 1, 12, tzinfo=UTC), n_sources=2)


def _load_ab(con: duckdb.DuckDBPyConnection) -> None:
    (a, ea, fa), (b, eb, fb) = F.batch_a(), F.batch_b()
    q = [QuarantineRow(F.RUN_ID, "documents", "x.txt", "E001", "ingest: empty", "{}")]
    db.load_batch(con, F.RUN_ID, [a, b], [*ea, *eb], [*fa, *fb], q, _info())


def _old_code_database(path: Path, tmp: Path) -> duckdb.DuckDBPyConnection:
    """A database as the code before the layers left it: migrations 001-004 applied and
    recorded (the views of 002/003 included), and a batch loaded."""
    old = tmp / "old_migrations"
    old.mkdir()
    names = ("001_init.sql", "002_views.sql", "003_conflicts_between_sources.sql")
    for name in (*names, "004_run_fingerprint.sql"):
        shutil.copy(db.MIGRATIONS_DIR / name, old / name)
    con = db.connect(path)
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
        "checksum VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    for m in db.list_migrations(old):
        con.execute(m.sql)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?, now())",
                    [m.version, m.name, m.checksum])  # fmt: skip
    _load_ab(con)
    return con


def _rows(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    return sorted(map(repr, con.execute(f"SELECT * FROM {name}").fetchall()))


def _columns(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    return [d[0] for d in con.execute(f"SELECT * FROM {name} LIMIT 0").description]


def _definitions(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    found = {}
    names = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
    for (name,) in names:
        cols = con.execute(
            "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE table_name = ? "
            "ORDER BY column_index",
            [name],
        ).fetchall()
        comment = con.execute(
            "SELECT comment FROM duckdb_views() WHERE view_name = ?", [name]
        ).fetchone()
        found[name] = (tuple(cols), comment)
    return found


@pytest.fixture
def con(tmp_path: Path):
    con = db.connect(tmp_path / "wh.duckdb")
    db.migrate(con)
    yield con
    con.close()


def test_fresh_database_has_exactly_the_layer_views(con) -> None:
    names = {v.name for v in views.list_views()}
    assert views.existing_views(con) == names
    assert set(MARTS) | {"stg_figures", "int_operation_articles"} <= names
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert tables == RAW_TABLES | {"schema_migrations"}


def test_every_view_and_column_is_documented(con) -> None:
    assert views.undocumented_columns(con) == []
    undocumented = con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND comment IS NULL"
    ).fetchall()
    assert undocumented == []


def test_undocumented_column_is_found(con) -> None:
    con.execute("CREATE VIEW stg_extra AS SELECT 1 AS a")
    assert views.undocumented_columns(con) == ["stg_extra.a"]


def test_staging_is_one_to_one_and_marts_read_no_raw_table(con) -> None:
    for view in views.list_views():
        raw = view.references & RAW_TABLES
        if view.layer == "staging":
            (table,) = raw
            assert view.name == f"stg_{table}"
            assert _columns(con, view.name) == _columns(con, table)
        else:
            assert raw == set(), f"{view.name} reads raw tables {raw}: read stg_ views"


def test_views_are_applied_in_dependency_order() -> None:
    order = [v.name for v in views.list_views()]
    for view in views.list_views():
        for ref in view.references & set(order):
            assert order.index(ref) < order.index(view.name), (ref, view.name)


def test_reapplying_is_idempotent_and_drops_views_no_file_defines(con) -> None:
    _load_ab(con)
    before = {name: _rows(con, name) for name in MARTS}
    con.execute("CREATE VIEW leftover AS SELECT 1 AS a")
    assert db.migrate(con) == []
    assert "leftover" not in views.existing_views(con)
    assert {name: _rows(con, name) for name in MARTS} == before


def test_database_of_the_old_code_upgrades_to_the_fresh_layout(tmp_path: Path) -> None:
    old = _old_code_database(tmp_path / "old.duckdb", tmp_path)
    before = {name: _rows(old, name) for name in MARTS if name != "figure_details"}
    old_stg_figures = _rows(old, "stg_figures")  # the joined view of the old code
    assert db.migrate(old) == [5, 6]  # 001-004 keep their checksums
    after = {name: _rows(old, name) for name in before}
    assert after == before  # the analysts' views answer the same
    assert _rows(old, "figure_details") == old_stg_figures  # its new name
    assert _columns(old, "stg_figures") == _columns(old, "figures")

    fresh = db.connect(tmp_path / "fresh.duckdb")
    db.migrate(fresh)
    assert _definitions(old) == _definitions(fresh)
    fresh.close()
    old.close()


def test_read_only_readers_see_views_and_comments(con, tmp_path: Path) -> None:
    _load_ab(con)
    con.close()
    ro = duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True)
    try:
        assert ro.execute("SELECT count(*) FROM operation_facts").fetchone()[0] > 0
        assert views.undocumented_columns(ro) == []
    finally:
        ro.close()


def _layer_dir(tmp_path: Path) -> Path:
    target = tmp_path / "layers"
    shutil.copytree(views.LAYERS_DIR, target)
    return target


def test_layer_rules_are_enforced(tmp_path: Path) -> None:
    bad = _layer_dir(tmp_path)
    (bad / "staging" / "figures_raw.sql").write_text(
        "CREATE OR REPLACE VIEW figures_raw AS SELECT * FROM figures;"
    )
    with pytest.raises(views.ViewError, match="start with stg_"):
        views.list_views(bad)
    bad = _layer_dir(tmp_path / "2")
    (bad / "staging" / "stg_mixed.sql").write_text(
        "CREATE OR REPLACE VIEW stg_mixed AS SELECT * FROM stg_figures;"
    )
    with pytest.raises(views.ViewError, match="staging reads raw tables only"):
        views.list_views(bad)
    bad = _layer_dir(tmp_path / "3")
    (bad / "intermediate" / "int_up.sql").write_text(
        "CREATE OR REPLACE VIEW int_up AS SELECT * FROM operation_facts;"
    )
    with pytest.raises(views.ViewError, match="layers before it"):
        views.list_views(bad)


def test_broken_view_file_rolls_back_and_names_itself(con, tmp_path: Path) -> None:
    bad = _layer_dir(tmp_path)
    (bad / "marts" / "article_summary.sql").write_text(
        "CREATE OR REPLACE VIEW article_summary AS SELECT no_such_column FROM stg_articles;"
    )
    with pytest.raises(views.ViewError, match="marts/article_summary.sql failed"):
        views.apply_views(con, bad)
    assert "n_figures" in _columns(con, "article_summary")  # the old definition stays


# --- SQL data tests ---------------------------------------------------------------


def _failing(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r.name for r in data_tests.failed(data_tests.run_data_tests(con))}


def test_data_tests_pass_on_a_clean_load(con) -> None:
    _load_ab(con)
    results = data_tests.run_data_tests(con)
    assert len(results) == len(list(data_tests.SQL_TESTS_DIR.glob("*.sql"))) >= 15
    assert data_tests.failed(results) == []
    by_name = {r.name: r for r in results}
    assert by_name["relationships_figures_article_id"].evaluated == 7  # rows of figures
    kinds = {r.name.split("_")[0] for r in results}
    assert {"unique", "not", "relationships", "accepted"} <= kinds


@pytest.mark.parametrize(
    ("bad_row", "test_name"),
    [
        (
            "INSERT INTO figures SELECT * REPLACE ('nobody' AS article_id, 'f-x' AS figure_id) "
            "FROM figures LIMIT 1",
            "relationships_figures_article_id",
        ),
        (
            "INSERT INTO entities SELECT * REPLACE ('nobody' AS article_id, 'e-x' AS entity_id) "
            "FROM entities LIMIT 1",
            "relationships_entities_article_id",
        ),
        (
            "INSERT INTO operation_articles VALUES ('operation-ghost', "
            "(SELECT min(article_id) FROM articles), 'Operation Ghost')",
            "relationships_operation_articles_operation_id",
        ),
        (
            "INSERT INTO operation_articles SELECT operation_id, 'nobody', surface "
            "FROM operation_articles LIMIT 1",
            "relationships_operation_articles_article_id",
        ),
        (
            "INSERT INTO operations VALUES ('operation-alone', 'Operation Alone', now())",
            "relationships_operations_have_articles",
        ),
        (
            "UPDATE figures SET role = 'hugs' "
            "WHERE figure_id = (SELECT min(figure_id) FROM figures)",
            "accepted_values_figures_role",
        ),
        (
            "UPDATE figures SET qualifier = 'roughly' "
            "WHERE figure_id = (SELECT min(figure_id) FROM figures)",
            "accepted_values_figures_qualifier",
        ),
        (
            "UPDATE entities SET kind = 'planet' "
            "WHERE entity_id = (SELECT min(entity_id) FROM entities)",
            "accepted_values_entities_kind",
        ),
        ("UPDATE runs SET status = NULL", "not_null_runs"),
        ("UPDATE runs SET status = 'fine'", "accepted_values_runs_status"),
        (
            "INSERT INTO runs (run_id, started_at, finished_at, status) VALUES "
            "('run-dup', now(), now(), 'ok'); INSERT INTO operations SELECT 'operation-rescue-2', "
            "name, first_seen FROM operations LIMIT 1; INSERT INTO operation_articles SELECT "
            "'operation-rescue-2', article_id, surface FROM operation_articles",
            "unique_operations_name",
        ),
        ("UPDATE quarantine SET table_name = 'elsewhere'", "accepted_values_quarantine_table_name"),
        ("UPDATE articles SET run_id = 'run-never'", "relationships_articles_run_id"),
    ],
)
def test_a_bad_row_fails_its_data_test(con, bad_row: str, test_name: str) -> None:
    _load_ab(con)
    con.execute(bad_row)
    assert test_name in _failing(con)


def test_broken_test_is_an_error_not_a_pass(con, tmp_path: Path) -> None:
    _load_ab(con)
    sql = "-- ghost.x: a relation that is missing\nSELECT * FROM ghost WHERE x IS NULL\n"
    (tmp_path / "not_null_ghost.sql").write_text(sql)
    (result,) = data_tests.run_data_tests(con, tmp_path)
    assert not result.success and "ghost" in (result.error or "")
    assert "could not run" in data_tests.describe(result)


def test_malformed_data_test_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "x.sql").write_text("SELECT 1\n")
    with pytest.raises(data_tests.DataTestError, match="first line"):
        data_tests.list_data_tests(tmp_path)
    (tmp_path / "x.sql").write_text("-- figures.role: roles\nSELECT * FROM figures "
                                    "WHERE role NOT IN {{ roles_typo }}\n")  # fmt: skip
    with pytest.raises(data_tests.DataTestError, match="roles_typo"):
        data_tests.list_data_tests(tmp_path)


def test_accepted_quarantine_tables_match_the_validation_runner() -> None:
    from opwatch.expectations.runner import DOCUMENTS
    from opwatch.expectations.suites import TABLES

    assert set(data_tests.QUARANTINE_TABLES) == {*TABLES, DOCUMENTS}


def test_load_runs_data_tests_marks_the_run_and_reports_failures(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from opwatch.expectations.runner import ValidationOutcome
    from opwatch.tasks.load import load
    from opwatch.tasks.report import with_data_tests
    from opwatch.warehouse.reports.run_report import render_run_report

    path = tmp_path / "wh.duckdb"
    a, ents, figs = F.batch_a()
    outcome = SimpleNamespace(articles=[a], entities=ents, figures=figs, quarantine=[],
                              summary_html=tmp_path / "validation_x.html")  # fmt: skip
    clean = load(path, F.RUN_ID, outcome, datetime.now(UTC), ["a.txt"])
    assert clean.data_tests and data_tests.failed(clean.data_tests) == []

    con = db.connect(path)  # an entity whose article is gone: a broken warehouse
    con.execute("INSERT INTO entities SELECT * REPLACE ('nobody' AS article_id, 'e-x' AS "
                "entity_id) FROM entities LIMIT 1")  # fmt: skip
    con.close()
    broken = load(path, "run-2", outcome, datetime.now(UTC), ["a.txt"])
    names = [r.name for r in data_tests.failed(broken.data_tests)]
    assert names == ["relationships_entities_article_id"]
    with duckdb.connect(str(path), read_only=True) as ro:
        status = ro.execute("SELECT status FROM runs WHERE run_id = 'run-2'").fetchone()
    assert status == (data_tests.DATA_TESTS_FAILED,)

    validated = ValidationOutcome("run-2", F.RUN_DATE, tmp_path, [a], ents, figs, [], {}, [])
    page = render_run_report(with_data_tests(validated, broken.data_tests), None)
    failing = page[page.index('id="failing-checks"') : page.index('id="charts"')]
    assert "ATTENTION: 1 checks failed" in page
    assert "relationships_entities_article_id" in failing and "entities" in failing
    ok_page = render_run_report(with_data_tests(validated, clean.data_tests), None)
    assert "OK: every check passed" in ok_page
