"""Prefect task wrappers of the stages that `opwatch predict` also runs (ingest, clean,
extract): the stage modules stay free of Prefect, so predict never imports it."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from opwatch.fingerprint import fingerprint
from opwatch.records import Article
from opwatch.settings import Settings
from tasks.clean import clean
from tasks.extract import extract_facts, prepare_models
from tasks.fetch import fetch
from tasks.ingest import ingest


def _cache_key(context, parameters) -> str:  # noqa: ANN001 - Prefect's signature
    article: Article = parameters["article"]
    settings: Settings = parameters["settings"]
    return f"extract-{article.article_id}-{fingerprint(settings)}"


ingest_task = task(name="ingest")(ingest)
fetch_task = task(name="fetch")(fetch)  # no Prefect retries: fetch() retries itself
clean_task = task(name="clean")(clean)
prepare_models_task = task(name="load-models", cache_policy=NO_CACHE)(prepare_models)
extract_task = task(
    name="extract",
    cache_key_fn=_cache_key,
    persist_result=True,
    task_run_name="extract-{article.article_id:.12}",
)(extract_facts)
