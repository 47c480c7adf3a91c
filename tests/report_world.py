"""A small warehouse with two runs, built from hand-written records (no models), and the
pages opwatch.warehouse.reports writes for it. Shared by the report and browser tests."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import factories as F
import pytest

from opwatch.expectations.runner import validate_batch
from opwatch.tasks.load import load
from opwatch.warehouse.reports.build import RunPages, publish_run_pages

# Two reports of one operation that disagree (184 vs 180 arrests), one figure that fails
# validation, text with markup-like characters, and a document that could not be read.
TEXT_C = (
    "Operation Rescue also reached [redacted] forums :police_car: [/b] in Spain. "
    "Officers counted 12 detentions in Madrid."
)


@dataclass
class World:
    db: Path
    reports: Path
    first: RunPages
    second: RunPages


def build_world(tmp: Path, keep_reports: int = 30) -> World:
    db, reports = tmp / "opwatch.duckdb", tmp / "reports"
    a, ents_a, figs_a = F.batch_a()
    a = replace(a, url="https://news.example.org/rescue", run_id="run-20240601T120000Z")
    ents_a = [replace(e, score=0.41) if e.kind == "country" else e for e in ents_a]
    outcome = validate_batch([a], ents_a, figs_a, "run-20240601T120000Z", F.RUN_DATE, reports)
    load(db, outcome.run_id, outcome, datetime(2024, 6, 1, 12, tzinfo=UTC), ["a.txt"])
    first = publish_run_pages(outcome, db, keep_reports)

    b, ents_b, figs_b = F.batch_b()
    c = F.article(TEXT_C, source="examples/c.txt", run_id="run-20240602T120000Z")
    ents_c = [F.entity(c, "Operation Rescue", "operation"),
              F.entity(c, "Spain", "country", code="ES")]  # fmt: skip
    figs_c = [
        F.figure(c, "12", "detentions", 12.0),  # not a role: quarantined
        F.figure(c, "Madrid", "arrests", None, score=0.12, qualifier="approx"),
    ]
    b = replace(b, run_id="run-20240602T120000Z")
    outcome2 = validate_batch(
        [b, c], [*ents_b, *ents_c], [*figs_b, *figs_c], "run-20240602T120000Z", F.RUN_DATE,
        reports, problems=[F.problem()],
    )  # fmt: skip
    load(db, outcome2.run_id, outcome2, datetime(2024, 6, 2, 12, tzinfo=UTC), ["b", "c", "e"])
    second = publish_run_pages(outcome2, db, keep_reports)
    return World(db, reports, first, second)


_SHARED: dict[str, World] = {}


def shared_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """One world per test session (GX validation takes a while on small machines)."""
    if "world" not in _SHARED:
        _SHARED["world"] = build_world(tmp_path_factory.mktemp("world"))
    return _SHARED["world"]
