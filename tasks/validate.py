"""Validate stage: GX checkpoints over the expectations/ suites.

Great Expectations (about 5 s to import) is imported on the first validation, not with
this module: the flow imports it, and a re-run with nothing new never validates.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Protocol

from opwatch.expectations.outcome import ValidationOutcome
from opwatch.records import Article, Entity, Figure, Problem

__all__ = ["ValidationOutcome", "validate"]


class BatchLike(Protocol):
    """What extract hands over (opwatch.tasks.assemble.Batch)."""

    articles: list[Article]
    entities: list[Entity]
    figures: list[Figure]
    problems: list[Problem]


def validate(
    batch: BatchLike, run_id: str, run_date: date, reports_dir: Path | str
) -> ValidationOutcome:
    """Run the GX suites on one assembled batch (its problems become quarantine rows)."""
    from opwatch.expectations.runner import validate_batch

    return validate_batch(
        batch.articles,
        batch.entities,
        batch.figures,
        run_id,
        run_date,
        Path(reports_dir),
        problems=batch.problems,
    )
