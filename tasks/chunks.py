"""Chunked work: read, clean and extract a chunk of articles per task, not one task each.

10,000 articles become a few hundred task runs (`chunk_size`, OPWATCH_CHUNK_SIZE). Each
process loads the models once (opwatch.tasks.extract.load_models caches them per settings), so a
Dask worker pays the model load on its first chunk only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from opwatch.errors import OpwatchError
from opwatch.records import Article, Entity, Figure, Problem
from opwatch.settings import Settings

T = TypeVar("T")

ExtractResult = tuple[list[Entity], list[Figure]] | BaseException


def chunked(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """Consecutive slices of at most `size` items (none for an empty sequence)."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, got {size}")
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


@dataclass
class ChunkRead:
    """What reading a chunk of sources gave."""

    articles: list[Article] = field(default_factory=list)  # cleaned (id = content hash)
    problems: list[Problem] = field(default_factory=list)  # sources that gave no article
    raw_keys: dict[str, str] = field(default_factory=dict)  # source -> raw key, as read
    # (source, article id) of documents whose raw key was loaded before: not cleaned
    known: list[tuple[str, str]] = field(default_factory=list)


def read_chunk(
    sources: list[str],
    settings: Settings,
    run_id: str,
    now: datetime,
    known_raw: Mapping[str, str] | None = None,
) -> ChunkRead:
    """Ingest and clean a chunk of sources. A document whose raw key is in `known_raw`
    (raw key -> loaded article id) is not cleaned: it is reported as known. Never
    raises for a bad source."""
    from opwatch.tasks.clean import clean
    from opwatch.tasks.ingest import ingest
    from opwatch.tasks.raw_keys import raw_key

    documents, problems = ingest(sources, settings)
    read = ChunkRead(problems=problems)
    for document in documents:
        key = raw_key(document)
        read.raw_keys[document.source] = key
        if known_raw and key in known_raw:
            read.known.append((document.source, known_raw[key]))
            continue
        cleaned = clean(document, run_id, now)
        if isinstance(cleaned, Problem):
            read.problems.append(cleaned)
        else:
            read.articles.append(cleaned)
    return read


def extract_chunk(articles: list[Article], settings: Settings) -> list[ExtractResult]:
    """Extract every article of a chunk in one batch (their encoder windows together);
    an article's failure is returned in its place (assemble_batch turns it into a
    problem with its code) and never stops the others."""
    from opwatch.tasks.extract import extract_facts, extract_many

    try:
        return list(extract_many(articles, settings))
    except Exception:  # one article broke the batch: one by one, so the rest still load
        results: list[ExtractResult] = []
        for article in articles:
            try:
                results.append(extract_facts(article, settings))
            except Exception as exc:  # reported per article, with the exception's text
                results.append(exc)
        return results


def merge_reads(chunks: list[list[str]], outcomes: list[ChunkRead | BaseException]) -> ChunkRead:
    """Join the read chunks in source order; a chunk whose task failed as a whole (a lost
    worker, say) becomes one E020 problem per source, so nothing is lost silently."""
    merged = ChunkRead()
    for sources, outcome in zip(chunks, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            detail = f"read task failed: {type(outcome).__name__}: {outcome}"
            message = OpwatchError("E020", detail).message
            merged.problems.extend(Problem(source, "clean", "E020", message) for source in sources)
            continue
        merged.articles.extend(outcome.articles)
        merged.problems.extend(outcome.problems)
        merged.raw_keys.update(outcome.raw_keys)
        merged.known.extend(outcome.known)
    return merged


def chunk_results(
    chunks: list[list[Article]], outcomes: list[list[ExtractResult] | BaseException]
) -> list[ExtractResult]:
    """One result per article, in order; a chunk whose task failed as a whole gives its
    exception to each of its articles (assemble_batch reports them as E030)."""
    results: list[ExtractResult] = []
    for articles, outcome in zip(chunks, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            results.extend([outcome] * len(articles))
        elif len(outcome) != len(articles):
            error = RuntimeError(f"{len(outcome)} results for {len(articles)} articles")
            results.extend([error] * len(articles))
        else:
            results.extend(outcome)
    return results
