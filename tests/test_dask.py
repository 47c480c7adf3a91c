"""The pipeline on Dask: a real Prefect server and a LocalCluster of 2 worker processes,
both on 127.0.0.1, run the bundled samples through prefect-dask's DaskTaskRunner."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import EXAMPLES

pytestmark = pytest.mark.slow


def _tagger_loads() -> dict[str, int]:
    """Runs on a worker: how often its process loaded a model and reused it."""
    from opwatch.models.ner.tagger import get_tagger

    info = get_tagger.cache_info()
    return {"loads": info.misses, "reuses": info.hits}


def test_pipeline_runs_on_dask_local_cluster(tmp_path: Path, monkeypatch):
    from distributed import Client, LocalCluster
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from opwatch.flows.pipeline import configured_pipeline
    from opwatch.flows.prefect_server import drain_prefect_services, local_server
    from opwatch.flows.runners import local_cluster_kwargs
    from opwatch.settings import load_settings

    monkeypatch.setenv("OPWATCH_CHUNK_SIZE", "2")  # several chunks per worker
    monkeypatch.setenv("OPWATCH_BATCH_SIZE", "6")  # two batches: two load transactions
    n_good = len([p for p in EXAMPLES.iterdir() if p.suffix in {".txt", ".html"}])
    db = tmp_path / "dask.duckdb"
    with local_server(tmp_path / "prefect-server.log") as api_url:
        # Worker processes start after this and inherit the server's address.
        monkeypatch.setenv("PREFECT_API_URL", api_url)
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            settings = load_settings()
            with LocalCluster(**local_cluster_kwargs(settings)) as cluster:
                assert len(cluster.workers) == 2
                assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
                dask_settings = load_settings(dask_address=cluster.scheduler_address)
                summary = configured_pipeline(dask_settings)(
                    sources=[str(EXAMPLES)], db_path=str(db), reports_dir=str(tmp_path / "r")
                )
                with Client(cluster) as client:
                    loads = client.run(_tagger_loads)
            assert cluster.status.name == "closed"
            drain_prefect_services()  # queued logs/events go out before the server stops

    assert summary["articles_new"] == n_good
    with duckdb.connect(str(db), read_only=True) as con:
        n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        n_entities = con.execute("SELECT count(*) FROM entities").fetchone()[0]
        n_figures = con.execute("SELECT count(*) FROM figures").fetchone()[0]
        runs = con.execute("SELECT n_articles_loaded, status FROM runs").fetchall()
        orphans = con.execute(
            "SELECT count(*) FROM figures WHERE article_id NOT IN (SELECT article_id FROM articles)"
        ).fetchone()[0]
    assert n_articles == n_good
    assert n_entities > n_good and n_figures > n_good
    assert summary["entities"] == n_entities and summary["figures"] == n_figures
    assert orphans == 0
    assert len(runs) == 1 and runs[0][0] == n_good  # one row: the totals of both batches
    # Extraction ran on the workers, and each loaded the model at most once.
    assert sum(v["loads"] for v in loads.values()) >= 1, loads
    assert all(v["loads"] <= 1 for v in loads.values()), loads
    # one model lookup per chunk of 2 articles (a chunk is extracted in one batch): every
    # chunk after a worker's first reuses that worker's model
    calls = sum(v["loads"] + v["reuses"] for v in loads.values())
    assert calls >= n_good // 2 and sum(v["reuses"] for v in loads.values()) >= 1, loads
