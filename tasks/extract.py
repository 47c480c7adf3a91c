"""Extract stage: one shared-encoder pass -> normalised entities and figures.

The shared model (NER head + figure-role head on one encoder) is loaded once per
process (opwatch.models.ner.tagger.get_tagger caches it); each article window is encoded once
and both heads read its token states. Plain functions: the Prefect task (cached on
article_id + the extraction fingerprint, opwatch/fingerprint.py) is in flows/tasks.py, so
`opwatch predict` never imports Prefect.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from opwatch.errors import OpwatchError
from opwatch.records import Article, Entity, Figure
from opwatch.settings import Settings

if TYPE_CHECKING:
    from opwatch.models.figures.numbers import ParsedNumber
    from opwatch.models.ner.tagger import NerTagger

_LOAD_LOCK = threading.Lock()


def load_models(settings: Settings) -> NerTagger:
    """Load the shared model once per process (and the shipped one for figure roles
    when OPWATCH_NER_MODEL names a model without a role head).

    Guarded by a lock: extract tasks run in a thread pool, and neither the lazy imports
    of transformers nor the first model load are safe to race. With the onnx backend
    neither torch nor transformers is imported. The heap is tuned first
    (opwatch.runtime.tune_allocator): Dask starts its workers with settings that make
    the model's short-lived buffers slow to allocate.
    """
    from opwatch.models.figures.extract import resolve_method
    from opwatch.models.ner.tagger import get_tagger
    from opwatch.runtime import tune_allocator

    with _LOAD_LOCK:
        tune_allocator()  # every process that extracts: CLI, deployments, Dask workers
        tagger = get_tagger(settings.ner_model, settings.ner_backend, settings.ner_threads)
        if resolve_method(settings.role_classifier) != "rules" and tagger.role_labels is None:
            get_tagger(None, "torch")  # roles come from the shipped shared model
    return tagger


def prepare_models(settings: Settings) -> str:
    """Load the models before any article is extracted, so that a missing or broken
    model stops the run with its own clear message; returns the extraction fingerprint."""
    from opwatch.fingerprint import fingerprint

    load_models(settings)
    return fingerprint(settings)


def check_caps(article: Article, settings: Settings) -> list[ParsedNumber]:
    """The article's numbers, or OpwatchError E031/E032 when the article is beyond the
    per-article work caps (checked in linear time, before the model runs)."""
    from opwatch.models.figures.numbers import scan_numbers

    if len(article.text) > settings.max_article_chars:
        raise OpwatchError(
            "E031", f"{len(article.text):,} characters > {settings.max_article_chars:,}"
        )
    numbers = scan_numbers(article.text)
    if len(numbers) > settings.max_numbers:
        raise OpwatchError("E032", f"{len(numbers):,} numbers > {settings.max_numbers:,}")
    return numbers


def extract_facts(article: Article, settings: Settings) -> tuple[list[Entity], list[Figure]]:
    """Entities and figures found in one cleaned article (offsets into article.text).
    Raises OpwatchError (E031/E032) for an article beyond the work caps."""
    result = extract_many([article], settings)[0]
    if isinstance(result, OpwatchError):
        raise result
    return result


def extract_many(
    articles: list[Article], settings: Settings
) -> list[tuple[list[Entity], list[Figure]] | OpwatchError]:
    """Like extract_facts for many articles at once: the encoder's windows of all of them
    are batched together (sorted by length). An article beyond the caps gets its
    OpwatchError in its place; `extract_facts` raises it."""
    from opwatch.models.figures import extract_figures
    from opwatch.models.normalize import normalise_entities

    results: list = [None] * len(articles)
    todo: list[tuple[int, list[ParsedNumber]]] = []
    for i, article in enumerate(articles):
        try:
            todo.append((i, check_caps(article, settings)))
        except OpwatchError as error:
            results[i] = error
    analyses = load_models(settings).analyse([articles[i].text for i, _ in todo]) if todo else []
    for (i, numbers), analysis in zip(todo, analyses, strict=True):
        article = articles[i]
        entities = normalise_entities(article.text, analysis.spans, article.article_id)
        figures = extract_figures(
            article.text,
            article.article_id,
            method=settings.role_classifier,
            analysis=analysis,
            numbers=numbers,
        )
        results[i] = (entities, figures)
    return results
