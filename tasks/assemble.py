"""Glue between stages: sort stage outputs into records and problems, sum up a run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from opwatch.errors import OpwatchError
from opwatch.records import Article, Entity, Figure, Problem


@dataclass
class Batch:
    """Everything one run carries from extract to validate and load."""

    articles: list[Article] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def split_cleaned(results: list[Article | Problem]) -> tuple[list[Article], list[Problem]]:
    articles = [r for r in results if isinstance(r, Article)]
    problems = [r for r in results if isinstance(r, Problem)]
    return articles, problems


def assemble_batch(articles: list[Article], results: list[Any], problems: list[Problem]) -> Batch:
    """Pair each article with its extract result; a failed extraction keeps the article."""
    batch = Batch(articles=list(articles), problems=list(problems))
    for article, result in zip(articles, results, strict=True):
        if isinstance(result, OpwatchError):  # a cap or a known failure: its own code
            batch.problems.append(Problem(article.source, "extract", result.code, result.message))
            continue
        if isinstance(result, BaseException):
            error = OpwatchError("E030", f"{type(result).__name__}: {result}")
            batch.problems.append(Problem(article.source, "extract", "E030", error.message))
            continue
        entities, figures = result
        batch.entities.extend(entities)
        batch.figures.extend(figures)
    return batch
