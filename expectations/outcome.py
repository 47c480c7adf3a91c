"""What one validation produced: the records that passed, quarantine rows and counts.

Kept apart from opwatch.expectations.runner so that reading or reporting an outcome does not
import Great Expectations (slow to import): a re-run with nothing new never needs it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from opwatch.records import Article, Entity, Figure, Problem, QuarantineRow, to_row

DOCUMENTS = "documents"  # ingest/clean/extract problems
DOCS_DIR = "data_docs"
DOCS_SITE = "opwatch"


@dataclass
class TableCounts:
    evaluated: int = 0
    passed: int = 0
    failed: int = 0


@dataclass
class ExpectationCount:
    table: str
    check: str  # stable name from the suite (meta.check), or an error code for documents
    expectation_type: str  # e.g. expect_column_values_to_be_in_set
    column: str | None
    evaluated: int  # rows the expectation looked at (after its row condition)
    unexpected: int
    success: bool
    error: str | None = None  # set when GX could not evaluate it


@dataclass
class ValidationOutcome:
    run_id: str
    run_date: date
    reports_dir: Path
    articles: list[Article]  # passed
    entities: list[Entity]
    figures: list[Figure]
    quarantine: list[QuarantineRow]
    tables: dict[str, TableCounts]
    expectations: list[ExpectationCount]
    gx_seconds: float = 0.0
    gx_result_ids: list[Any] = field(default_factory=list, repr=False)  # for Data Docs

    @property
    def success(self) -> bool:
        return not self.quarantine

    @property
    def summary_html(self) -> Path:
        """Where opwatch.expectations.report writes this run's HTML summary."""
        return summary_html_path(self.reports_dir, self.run_id)

    @property
    def n_quarantined_rows(self) -> int:
        """Distinct quarantined rows (a row failing two checks counts once)."""
        return sum(c.failed for c in self.tables.values())


def summary_html_path(reports_dir: Path, run_id: str) -> Path:
    """reports_dir/validation_<run_id>.html, with the run id made filename-safe."""
    return Path(reports_dir) / f"validation_{re.sub(r'[^A-Za-z0-9_.-]+', '_', run_id)}.html"


def problem_rows(run_id: str, problems: Sequence[Problem]) -> list[QuarantineRow]:
    """ingest/clean/extract problems as quarantine rows of table "documents"."""
    return [
        QuarantineRow(
            run_id=run_id,
            table_name=DOCUMENTS,
            row_key=p.source,
            expectation=p.code,
            reason=f"{p.stage}: {p.message}",
            row_json=json.dumps(to_row(p), default=str, ensure_ascii=False),
        )
        for p in problems
    ]


def problem_counts(problems: Sequence[Problem]) -> list[ExpectationCount]:
    """One failed pseudo-expectation per error code, with how many documents had it."""
    by_code: dict[str, int] = {}
    for p in problems:
        by_code[p.code] = by_code.get(p.code, 0) + 1
    return [
        ExpectationCount(DOCUMENTS, code, "pipeline_error", None, n, n, False)
        for code, n in sorted(by_code.items())
    ]


def problems_only(
    problems: Sequence[Problem], run_id: str, run_date: date, reports_dir: Path
) -> ValidationOutcome:
    """The outcome of a batch with no new article: no GX run, its problems quarantined."""
    if isinstance(run_date, datetime):
        run_date = run_date.date()
    return ValidationOutcome(
        run_id=run_id,
        run_date=run_date,
        reports_dir=Path(reports_dir),
        articles=[],
        entities=[],
        figures=[],
        quarantine=problem_rows(run_id, problems),
        tables={DOCUMENTS: TableCounts(len(problems), 0, len(problems))},
        expectations=problem_counts(problems),
    )
