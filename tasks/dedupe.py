"""Skip what is already known: duplicates inside one run and content loaded before.

Runs right after clean, because an article's id is the hash of its cleaned text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from opwatch.errors import OpwatchError
from opwatch.records import Article, Problem


@dataclass
class DedupeResult:
    new: list[Article] = field(default_factory=list)
    already_loaded: list[Article] = field(default_factory=list)
    duplicates: list[Problem] = field(default_factory=list)
    # (source, article id) recognised by raw key before cleaning: loaded before, not read
    unread: list[tuple[str, str]] = field(default_factory=list)


def dedupe_articles(
    articles: list[Article], known_ids: set[str], force: bool = False
) -> DedupeResult:
    """Keep the first copy of each text; skip loaded ids unless `force`."""
    result = DedupeResult()
    first_source: dict[str, str] = {}
    for article in articles:
        if article.article_id in first_source:
            detail = f"same text as {first_source[article.article_id]}"
            error = OpwatchError("E021", detail)
            result.duplicates.append(Problem(article.source, "clean", "E021", error.message))
            continue
        first_source[article.article_id] = article.source
        if article.article_id in known_ids and not force:
            result.already_loaded.append(article)
        else:
            result.new.append(article)
    return result
