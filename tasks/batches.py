"""A run in bounded batches: each batch of sources is read, deduplicated, extracted,
validated and loaded in its own transaction, so memory does not grow with the corpus and
a crash loses at most the batch in flight. RunTotals sums the batches for the report.

Great Expectations is imported only when a batch has new articles to validate: a re-run
with nothing new never pays for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opwatch.errors import OpwatchError
from opwatch.expectations.outcome import (
    ExpectationCount,
    TableCounts,
    ValidationOutcome,
    problems_only,
)
from opwatch.records import Article, Problem, QuarantineRow
from opwatch.tasks.dedupe import DedupeResult, dedupe_articles
from opwatch.warehouse.db import LoadResult, RunInfo

if TYPE_CHECKING:
    from opwatch.tasks.assemble import Batch


def dedupe_batch(
    articles: list[Article],
    known_ids: set[str],
    seen: dict[str, str],
    force: bool = False,
    unread: Sequence[tuple[str, str]] = (),
) -> DedupeResult:
    """dedupe_articles across the batches of one run: a text already met in an earlier
    batch (`seen`: article id -> first source) is a duplicate (E021) like one met in this
    batch. `unread`: (source, article id) of documents recognised by raw key (loaded
    before, not cleaned); they count as already loaded and come first. Updates `seen`
    with this batch's new and already-loaded articles."""
    earlier: list[Problem] = []
    kept_unread: list[tuple[str, str]] = []
    for source, article_id in unread:
        if article_id in seen:
            earlier.append(_duplicate(source, seen[article_id]))
        else:
            seen[article_id] = source
            kept_unread.append((source, article_id))
    rest: list[Article] = []
    for article in articles:
        if article.article_id in seen:
            earlier.append(_duplicate(article.source, seen[article.article_id]))
        else:
            rest.append(article)
    result = dedupe_articles(rest, known_ids, force)
    result.duplicates = earlier + result.duplicates
    result.unread = kept_unread
    for article in (*result.new, *result.already_loaded):
        seen.setdefault(article.article_id, article.source)
    return result


def _duplicate(source: str, first_source: str) -> Problem:
    error = OpwatchError("E021", f"same text as {first_source}")
    return Problem(source, "clean", "E021", error.message)


def raw_documents(raw_keys: dict[str, str], articles: Sequence[Article]) -> list[tuple[str, str]]:
    """(raw key, article id) of the articles read this batch, for `raw_documents`."""
    return [(raw_keys[a.source], a.article_id) for a in articles if a.source in raw_keys]


def nothing_to_load(outcome: ValidationOutcome, raw_pairs: Sequence[tuple[str, str]]) -> bool:
    """True when a batch would write nothing but the run's counts: no article, no
    quarantine row, no new raw key (a re-run's batch of known content). Such a batch is
    not loaded unless it is the run's last, which records the run."""
    return not (outcome.articles or outcome.entities or outcome.figures or outcome.quarantine) and (
        not raw_pairs
    )


def validate_new(
    batch: Batch, run_id: str, run_date: date, reports_dir: Path | str
) -> ValidationOutcome:
    """GX on a batch with new records; a batch of problems only skips GX entirely."""
    if not (batch.articles or batch.entities or batch.figures):
        return problems_only(batch.problems, run_id, run_date, Path(reports_dir))
    from opwatch.tasks.validate import validate

    return validate(batch, run_id, run_date, reports_dir)


def load_outcome(
    db_path: Path | str,
    outcome: ValidationOutcome,
    info: RunInfo,
    first_batch: bool,
    lock_timeout: float = 60.0,
    raw_documents: Sequence[tuple[str, str]] = (),
) -> LoadResult:
    """Load one validated batch in one transaction (opwatch.tasks.load.load_run: lock backoff,
    data tests, read snapshot); the run's row holds the totals so far. Later batches add
    to the run's quarantine rows instead of replacing them. `raw_documents`: (raw key,
    article id) pairs recorded so that a re-run skips that content before cleaning."""
    from opwatch.tasks.load import load_run

    return load_run(
        db_path,
        outcome,
        info,
        lock_timeout=lock_timeout,
        keep_run_quarantine=not first_batch,
        raw_documents=raw_documents,
    )


def _empty_load() -> LoadResult:
    return LoadResult(**{f.name: 0 for f in fields(LoadResult) if f.name != "data_tests"})


@dataclass
class RunTotals:
    """What the batches of one run add up to, without keeping their records."""

    run_id: str
    started: datetime
    reports_dir: Path
    n_sources: int = 0
    n_skipped: int = 0
    fingerprint: str | None = None
    n_articles: int = 0  # articles that passed validation in the batches so far
    n_batches: int = 0
    n_loads: int = 0  # batches loaded (a batch of known content only is not)
    loaded: LoadResult = field(default_factory=_empty_load)
    n_quarantined: int = 0  # distinct (table, row) quarantined, as the runs table counts
    quarantine: list[QuarantineRow] = field(default_factory=list)
    tables: dict[str, TableCounts] = field(default_factory=dict)
    expectations: dict[tuple[Any, ...], ExpectationCount] = field(default_factory=dict)
    gx_seconds: float = 0.0
    gx_result_ids: list[Any] = field(default_factory=list)

    def run_info(self, report_path: str | None = None, status: str | None = None) -> RunInfo:
        """The run's row after the next batch; status None: ok/quarantined from counts."""
        return RunInfo(
            status=status,
            run_id=self.run_id,
            started_at=self.started,
            n_sources=self.n_sources,
            n_skipped=self.n_skipped,
            report_path=report_path,
            n_loaded_before=self.loaded.articles_inserted + self.loaded.articles_present,
            fingerprint=self.fingerprint,
            n_quarantined_before=self.n_quarantined,
        )

    def add(self, outcome: ValidationOutcome, loaded: LoadResult | None) -> None:
        """Add a batch; `loaded` None: the batch had nothing to load (nothing_to_load)."""
        self.n_batches += 1
        self.n_articles += len(outcome.articles)
        if loaded is not None:
            self.n_loads += 1
            for f in fields(LoadResult):
                if f.name == "data_tests":  # they check the whole warehouse: the latest
                    self.loaded.data_tests = list(loaded.data_tests)
                    continue
                total = getattr(self.loaded, f.name) + getattr(loaded, f.name)
                setattr(self.loaded, f.name, total)
        self.n_quarantined += len({(q.table_name, q.row_key) for q in outcome.quarantine})
        self.quarantine.extend(outcome.quarantine)
        for table, counts in outcome.tables.items():
            total = self.tables.setdefault(table, TableCounts())
            total.evaluated += counts.evaluated
            total.passed += counts.passed
            total.failed += counts.failed
        for count in outcome.expectations:
            key = (count.table, count.check, count.expectation_type, count.column)
            known = self.expectations.get(key)
            if known is None:
                self.expectations[key] = ExpectationCount(**vars(count))
                continue
            known.evaluated += count.evaluated
            known.unexpected += count.unexpected
            known.success = known.success and count.success
            known.error = known.error or count.error
        self.gx_seconds += outcome.gx_seconds
        self.gx_result_ids.extend(outcome.gx_result_ids)

    def outcome(self) -> ValidationOutcome:
        """The whole run as one outcome for the reports (records are in the database)."""
        return ValidationOutcome(
            run_id=self.run_id,
            run_date=self.started.date(),
            reports_dir=self.reports_dir,
            articles=[],
            entities=[],
            figures=[],
            quarantine=list(self.quarantine),
            tables=dict(self.tables),
            expectations=list(self.expectations.values()),
            gx_seconds=self.gx_seconds,
            gx_result_ids=list(self.gx_result_ids),
        )
