"""Whether a run failed, and the warnings it logs: plain functions, no Prefect.

A run fails when every source it was given failed (nothing loaded, nothing skipped as
already loaded, and at least one quarantine row), or when more rows were quarantined
than OPWATCH_MAX_QUARANTINED allows. The CLI then exits 1 and a deployment's flow run
ends Failed; the batch that passed validation is still loaded.
"""

from __future__ import annotations

from collections.abc import Sequence

from opwatch.records import QuarantineRow

SOURCE_TABLES = ("documents", "articles")  # quarantine rows that stand for a whole source
MAX_REASONS_SHOWN = 10


def source_reasons(quarantine: Sequence[QuarantineRow]) -> dict[str, str]:
    """One reason per quarantined source (documents and articles), in order."""
    reasons: dict[str, str] = {}
    for row in quarantine:
        if row.table_name in SOURCE_TABLES and row.row_key not in reasons:
            reasons[row.row_key] = f"{row.expectation}: {row.reason}"
    return reasons


def quarantine_warnings(quarantine: Sequence[QuarantineRow]) -> list[str]:
    """One line per quarantined source with its reason, and one per table of other rows."""
    lines = [f"quarantined {key}: {reason}" for key, reason in source_reasons(quarantine).items()]
    others: dict[str, set[str]] = {}
    for row in quarantine:
        if row.table_name not in SOURCE_TABLES:
            others.setdefault(row.table_name, set()).add(row.row_key)
    lines += [
        f"quarantined {len(keys)} {table} rows (see the quarantine table and the report)"
        for table, keys in sorted(others.items())
    ]
    return lines


def run_failures(
    n_articles: int,
    n_skipped: int,
    quarantine: Sequence[QuarantineRow],
    max_quarantined: int | None,
) -> list[str]:
    """Why this run counts as failed; empty when it did not fail.

    n_articles: articles that passed validation (new or already present);
    n_skipped: sources skipped because their content was already loaded.
    """
    problems: list[str] = []
    n_rows = len({(q.table_name, q.row_key) for q in quarantine})
    if n_articles == 0 and n_skipped == 0 and quarantine:
        reasons = source_reasons(quarantine) or {
            q.row_key: f"{q.expectation}: {q.reason}" for q in quarantine
        }
        shown = [f"{key}: {reason}" for key, reason in list(reasons.items())[:MAX_REASONS_SHOWN]]
        more = len(reasons) - len(shown)
        problems.append(
            "every source failed: "
            + "; ".join(shown)
            + (f"; and {more} more (see the quarantine table)" if more > 0 else "")
        )
    if max_quarantined is not None and n_rows > max_quarantined:
        problems.append(
            f"{n_rows} rows were quarantined, more than OPWATCH_MAX_QUARANTINED={max_quarantined}"
        )
    return problems
