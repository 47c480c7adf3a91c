"""Extract stage: one shared-encoder pass -> normalised entities and figures.

The shared model (NER head + figure-role head on one encoder) is loaded once per
process (models.ner.tagger.get_tagger caches it); each article window is encoded once
and both heads read its token states. Results are cached by Prefect on (article_id,
extraction fingerprint: settings + code + model files + gazetteers, see
opwatch/fingerprint.py), so re-runs are cheap and a changed input never returns old facts.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from prefect import task
from prefect.cache_policies import NO_CACHE

from opwatch.fingerprint import fingerprint
from opwatch.records import Article, Entity, Figure
from opwatch.settings import Settings

if TYPE_CHECKING:
    from models.ner.tagger import NerTagger

_LOAD_LOCK = threading.Lock()


def load_models(settings: Settings) -> NerTagger:
    """Load the shared model once per process (and the shipped one for figure roles
    when OPWATCH_NER_MODEL names a model without a role head).

    Guarded by a lock: extract tasks run in a thread pool, and neither the lazy imports
    of transformers nor the first model load are safe to race.
    """
    from transformers.utils import logging as hf_logging

    from models.figures.extract import resolve_method
    from models.ner.tagger import get_tagger

    # Articles are windowed by the tagger, so the tokenizer's length warning is noise,
    # and so are the per-load progress bars in a pipeline's output.
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    with _LOAD_LOCK:
        tagger = get_tagger(settings.ner_model, settings.ner_backend)
        if resolve_method(settings.role_classifier) != "rules" and tagger.role_labels is None:
            get_tagger(None, "torch")  # roles come from the shipped shared model
    return tagger


def prepare_models(settings: Settings) -> str:
    """Load the models before any article is extracted, so that a missing or broken
    model stops the run with its own clear message; returns the extraction fingerprint."""
    load_models(settings)
    return fingerprint(settings)


def extract_facts(article: Article, settings: Settings) -> tuple[list[Entity], list[Figure]]:
    """Entities and figures found in one cleaned article (offsets into article.text)."""
    from models.figures import extract_figures
    from models.normalize import normalise_entities

    analysis = load_models(settings).analyse([article.text])[0]
    entities = normalise_entities(article.text, analysis.spans, article.article_id)
    figures = extract_figures(
        article.text, article.article_id, method=settings.role_classifier, analysis=analysis
    )
    return entities, figures


def _cache_key(context, parameters) -> str:  # noqa: ANN001 - Prefect's signature
    article: Article = parameters["article"]
    settings: Settings = parameters["settings"]
    return f"extract-{article.article_id}-{fingerprint(settings)}"


prepare_models_task = task(name="load-models", cache_policy=NO_CACHE)(prepare_models)

extract_task = task(
    name="extract",
    cache_key_fn=_cache_key,
    persist_result=True,
    task_run_name="extract-{article.article_id:.12}",
)(extract_facts)
