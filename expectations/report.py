"""The run's markdown summary (flows/tasks.py publishes it as a Prefect artifact).

The HTML pages (run report, runs index, dossiers) are built by opwatch.warehouse.reports. GX Data
Docs are not built: they load CSS, scripts and a logo from other hosts.
"""

from __future__ import annotations

from typing import Any

from opwatch.expectations.outcome import ValidationOutcome


def _md(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def summary_markdown(outcome: ValidationOutcome) -> str:
    """Counts per table and the failing expectations, for a Prefect markdown artifact."""
    status = (
        "all rows passed" if outcome.success else f"{outcome.n_quarantined_rows} rows quarantined"
    )
    lines = [
        f"# Validation: run `{_md(outcome.run_id)}`",
        "",
        f"Run date {outcome.run_date}; {status}; GX {outcome.gx_seconds:.2f} s.",
        "",
        "| table | evaluated | passed | failed |",
        "|---|---:|---:|---:|",
        *(
            f"| {_md(t)} | {c.evaluated} | {c.passed} | {c.failed} |"
            for t, c in outcome.tables.items()
        ),
        "",
    ]
    failing = [e for e in outcome.expectations if not e.success]
    n_ok = len(outcome.expectations) - len(failing)
    lines.append(f"{n_ok} expectations passed, {len(failing)} failed.")
    if failing:
        lines += ["", "| table | check | unexpected | evaluated |", "|---|---|---:|---:|"]
        lines += [
            f"| {_md(e.table)} | {_md(e.check)}{' (error)' if e.error else ''} "
            f"| {e.unexpected} | {e.evaluated} |"
            for e in failing
        ]
    return "\n".join(lines) + "\n"
