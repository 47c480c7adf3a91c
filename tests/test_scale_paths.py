"""What keeps a large run's cost per article flat: dossiers collected in bulk, GX
checkpoints registered once per process, the search index kept when nothing was loaded,
and the run's own Prefect server (started before the pipeline is imported)."""

from __future__ import annotations

import os
import shutil
import urllib.request
from pathlib import Path

import factories as F
import pytest
from report_world import shared_world

from opwatch.expectations.runner import checkpoints, validate_batch
from opwatch.warehouse.db import connect
from opwatch.warehouse.reader import open_reader
from opwatch.warehouse.reports import dossier
from opwatch.warehouse.reports.dossier import collect_dossier, collect_dossiers, write_dossiers
from opwatch.warehouse.reports.page import evidence
from opwatch.warehouse.search import has_index, load_fts, refresh_after_load, search


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    return shared_world(tmp_path_factory)


def test_bulk_dossiers_match_one_by_one_and_keep_operations_apart(world) -> None:
    con = open_reader(world.db)
    try:
        single = collect_dossier(con, "Operation Rescue")
        bulk = collect_dossiers(
            con, {"operation-absent": "Operation Absent", single.operation_id: single.name}
        )
        ids = [r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()]
        pages = write_dossiers(con, ids, world.reports / "bulk")
    finally:
        con.close()
    absent, rescue = bulk
    assert (absent.name, absent.articles, absent.facts, absent.evidence) == (
        "Operation Absent", [], [], []
    )  # fmt: skip
    assert rescue == single
    assert len(single.articles) == 3 and single.evidence and single.actors
    assert list(pages) == ["Operation Rescue"]
    assert "sources disagree" in pages["Operation Rescue"].read_text(encoding="utf-8")


def test_dossiers_written_a_group_at_a_time_are_the_same_pages(
    world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copy(world.db, db)
    con = connect(db)
    try:  # a second operation, named by one of the articles; one figure with bad bounds
        con.execute("INSERT INTO operations VALUES ('operation-tide', 'Operation Tide', now())")
        con.execute(
            "INSERT INTO operation_articles SELECT 'operation-tide', article_id, 'Tide' "
            "FROM articles ORDER BY published LIMIT 1"
        )
        con.execute(
            "UPDATE figures SET sentence_end = 10000 WHERE figure_id = "
            "(SELECT min(figure_id) FROM figures)"
        )
        ids = [r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()]
        together = write_dossiers(con, ids, tmp_path / "together")
        monkeypatch.setattr(dossier, "OPERATIONS_PER_QUERY", 1)
        apart = write_dossiers(con, ids, tmp_path / "apart")
        bad = collect_dossier(con, "Operation Rescue")
    finally:
        con.close()
    assert list(together) == list(apart) == ["Operation Rescue", "Operation Tide"]
    for name, path in together.items():
        assert path.read_bytes() == apart[name].read_bytes()
    # rows carry their sentence only; the whole text where the stored bounds do not hold
    whole = [e for e in bad.evidence if e["sentence_end"] == 10000]
    assert len(whole) == 1 and whole[0]["text_from"] == 0 and len(whole[0]["text"]) < 10000
    sentences = [e for e in bad.evidence if e is not whole[0]]
    assert sentences and all(
        len(e["text"]) == e["sentence_end"] - e["sentence_start"]
        and e["text_from"] == e["sentence_start"]
        for e in sentences
    )
    row = whole[0]
    expected = evidence(row["text"], row["start"], row["end"])  # sentence found in the text
    assert "<mark" in expected and expected in together["Operation Rescue"].read_text("utf-8")


def test_gx_checkpoints_are_registered_once_per_reports_folder(tmp_path: Path) -> None:
    a, ents, figs = F.batch_a()
    bad = F.figure(a, "12", "detentions", 12.0)  # not a role: quarantined every time
    first = validate_batch([a], ents, [*figs, bad], "run-1", F.RUN_DATE, tmp_path)
    registered = checkpoints(tmp_path)
    second = validate_batch([a], ents, [*figs, bad], "run-2", F.RUN_DATE, tmp_path)
    assert checkpoints(tmp_path) is registered  # reused, not registered again
    for outcome in (first, second):
        assert [q.table_name for q in outcome.quarantine] == ["figures"]
        assert len(outcome.figures) == len(figs)
    shutil.rmtree(tmp_path / "gx")  # the folder is gone: registered again, still works
    third = validate_batch([a], ents, [*figs, bad], "run-3", F.RUN_DATE, tmp_path)
    assert checkpoints(tmp_path) is not registered
    assert [q.table_name for q in third.quarantine] == ["figures"]


def test_a_load_without_articles_keeps_the_index_and_rebuilds_a_missing_one(
    world, tmp_path: Path
) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copy(world.db, db)
    con = connect(db)
    try:
        assert has_index(con)
        assert refresh_after_load(con, changed=False).startswith("search index kept")
        load_fts(con)
        con.execute("PRAGMA drop_fts_index('articles')")
        assert not has_index(con)
        assert refresh_after_load(con, changed=False).startswith("search index rebuilt")
        assert has_index(con)
        assert refresh_after_load(con).startswith("search index rebuilt")
    finally:
        con.close()
    assert search(db, "detentions")  # the rebuilt index answers


def test_run_api_starts_the_server_first_and_stops_it(monkeypatch, tmp_path: Path) -> None:
    from opwatch.flows.prefect_server import TemporaryServer, run_api, stop_running_servers

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    log = tmp_path / "server.log"
    with run_api(log) as server:
        assert isinstance(server, TemporaryServer)
        proc = server.proc
        assert os.environ["PREFECT_API_URL"] == server.api_url  # exported before the wait
        url = server.wait(timeout=600)  # slow on a loaded machine
        assert url.startswith("http://127.0.0.1:") and url.endswith("/api")
        with urllib.request.urlopen(f"{url}/health", timeout=10) as response:
            assert response.status == 200
    assert proc is not None and proc.poll() is not None  # stopped with the block
    assert "PREFECT_API_URL" not in os.environ
    assert stop_running_servers() == 0

    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    with run_api(log) as configured:
        assert configured.wait() == "http://127.0.0.1:9/api"  # used as is, nothing started
        assert stop_running_servers() == 0
