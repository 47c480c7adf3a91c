"""GX suites: each expectation catches the bad row built for it; good rows pass."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import factories as F
import pytest

from opwatch.expectations.report import summary_markdown
from opwatch.expectations.runner import PARENT_FAILED, ValidationOutcome, validate_batch
from opwatch.expectations.suites import build_frames
from opwatch.records import content_hash
from opwatch.warehouse.keys import entity_id, figure_id

# An article that only carries bad children (its own row is fine).
TEXT_C = (
    "Officers arrested 11 men, 12 women, 13 teens, 14 adults and 15 others. "
    "They found 16 sites, 17 servers and 18 forums. Britain and Mars helped."
)


def _bad_rows():
    """(articles, entities, figures, expected) with expected = [(table, row_key, check)]."""
    a, ents_a, figs_a = F.batch_a()
    b, ents_b, figs_b = F.batch_b()
    c = F.article(TEXT_C, source="examples/c.txt")
    fig, ent = F.figure, F.entity
    bad_figs = {
        "surface_matches_offsets": replace(fig(c, "11", "arrests", 11.0), start=17, end=19),
        "role_allowed": fig(c, "12", "detentions", 12.0),
        "value_non_negative": fig(c, "13", "arrests", -13.0),
        "redacted_has_no_value": fig(c, "14", "arrests", 14.0, redacted=True),
        "missing_value_redacted_or_vague": fig(c, "15", "arrests", None),
        "scope_code_iso2": fig(c, "16", "websites_closed", 16.0, scope_code="UK"),
        "money_unit_currency": fig(c, "17", "money", 17.0, unit="dollars"),
        "score_in_unit_interval": fig(c, "18", "members", 18.0, score=1.5),
        "end_inside_text": replace(fig(c, "18", "targeted", 18.0), end=len(TEXT_C) + 5),
        "qualifier_allowed": fig(c, "16", "arrests", 16.0, qualifier="roughly"),
    }
    bad_ents = {
        "place_code_iso2": ent(c, "Britain", "country", "United Kingdom", code="UK"),
        "kind_allowed": ent(c, "Mars", "planet"),
        "surface_matches_offsets": replace(ent(c, "Officers", "organization"), text="Officer"),
        "operation_name_canonical": ent(c, "They", "operation", canonical="they"),
        "article_in_batch": replace(ent(c, "Britain", "location"), article_id="0" * 64),
    }
    duplicate = ent(c, "sites", "website")
    future = F.article("A future story.", source="f.txt", published=F.RUN_DATE + timedelta(days=30))
    dup1 = F.article("Same text twice.", source="d1.txt")
    dup2 = replace(dup1, source="d2.txt")
    dup_child = F.entity(dup1, "text", "misc")
    bad_articles = {
        "published_not_after_run_date": future,
        "text_not_blank": F.article("   ", source="blank.txt"),
        "article_id_is_text_hash": replace(
            F.article("Hash me.", source="h.txt"), article_id=content_hash("other")
        ),
        "n_chars_matches_text": F.article("Count me.", source="n.txt", n_chars=3),
        "source_kind_allowed": F.article(
            "Kind.", source="<script>alert(1)</script>", source_kind="email"
        ),
    }
    articles = [a, b, c, *bad_articles.values(), dup1, dup2]
    entities = [*ents_a, *ents_b, *bad_ents.values(), duplicate, duplicate, dup_child]
    figures = [*figs_a, *figs_b, *bad_figs.values()]
    expected = [("figures", figure_id(f), k) for k, f in bad_figs.items()]
    expected += [("entities", entity_id(e), k) for k, e in bad_ents.items()]
    expected += [("entities", entity_id(duplicate), "row_id_unique")]
    expected += [("articles", x.article_id, k) for k, x in bad_articles.items()]
    expected += [("articles", dup1.article_id, "article_id_unique")]
    expected += [("entities", entity_id(dup_child), PARENT_FAILED)]
    good = (a, b, c, *ents_a, *ents_b, *figs_a, *figs_b)
    return articles, entities, figures, expected, good


@pytest.fixture(scope="module")
def reports_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def case(reports_dir: Path):
    articles, entities, figures, expected, good = _bad_rows()
    outcome = validate_batch(
        articles, entities, figures, F.RUN_ID, F.RUN_DATE, reports_dir, problems=[F.problem()]
    )
    return outcome, expected, good


def _keys(outcome: ValidationOutcome) -> set[tuple[str, str, str]]:
    return {(q.table_name, q.row_key, q.expectation) for q in outcome.quarantine}


def test_each_expectation_catches_its_bad_row(case) -> None:
    outcome, expected, _ = case
    missing = [e for e in expected if e not in _keys(outcome)]
    assert not missing


def test_good_rows_pass(case) -> None:
    outcome, _, good = case
    passed = [*outcome.articles, *outcome.entities, *outcome.figures]
    for record in good:
        assert record in passed, record
    bad_checks = {q.expectation for q in outcome.quarantine}
    assert "surface_matches_offsets" in bad_checks  # sanity: the fixture has bad rows


def test_counts_per_table_and_expectation(case) -> None:
    outcome, _, _ = case
    t = outcome.tables
    assert t["articles"].evaluated == 10 and t["articles"].failed == 7
    assert t["articles"].passed == 3
    assert t["figures"].failed == 10 and t["figures"].passed == 7
    assert t["documents"].failed == 1
    by_check = {(e.table, e.check): e for e in outcome.expectations}
    assert by_check[("figures", "role_allowed")].unexpected == 1
    assert by_check[("entities", "row_id_unique")].unexpected == 2
    assert by_check[("articles", "article_id_unique")].unexpected == 2
    redacted = by_check[("figures", "redacted_has_no_value")]
    assert redacted.evaluated == 2  # row condition: only redacted figures are looked at
    assert all(e.error is None for e in outcome.expectations)


def test_quarantine_rows_carry_run_reason_and_row(case) -> None:
    outcome, _, _ = case
    for q in outcome.quarantine:
        assert q.run_id == F.RUN_ID and q.reason
        row = json.loads(q.row_json)
        if q.table_name != "documents":
            assert row["row_id"] == q.row_key
    neg = next(q for q in outcome.quarantine if q.expectation == "value_non_negative")
    assert "-13" in neg.reason and json.loads(neg.row_json)["value"] == -13.0
    doc = next(q for q in outcome.quarantine if q.table_name == "documents")
    assert (doc.expectation, doc.row_key) == ("E001", "examples/empty.txt")


def test_failed_article_quarantines_its_children(case) -> None:
    outcome, _, _ = case
    child = [q for q in outcome.quarantine if q.expectation == PARENT_FAILED]
    dup_id = content_hash("Same text twice.")
    assert child and all(dup_id in q.reason for q in child)
    assert "article_id_unique" in child[0].reason


def test_vague_and_redacted_figures_pass(case) -> None:
    outcome, _, _ = case
    roles = {(f.role, f.value, f.redacted, f.qualifier) for f in outcome.figures}
    assert ("members", None, False, "approx") in roles  # "Hundreds of"
    assert ("suspects_identified", None, True, "exact") in roles  # "2xx"


def test_run_report_without_warehouse_is_self_contained_and_escaped(case) -> None:
    from opwatch.warehouse.reports.run_report import render_run_report

    outcome, _, _ = case
    page = render_run_report(outcome, None, index_href=None)
    assert not re.search(r"https?://", page)
    assert not re.search(r"<link|<script|@import|url\(|src=", page, re.IGNORECASE)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "value_non_negative" in page and "<style>" in page
    assert page.index('id="failures"') < page.index('id="charts"') < page.index('id="passing"')


def test_markdown_summary(case) -> None:
    outcome, _, _ = case
    md = summary_markdown(outcome)
    assert "| figures | 17 | 7 | 10 |" in md and "role_allowed" in md
    assert not (outcome.reports_dir / "data_docs").exists()  # GX Data Docs are left out


def test_report_task_function_without_prefect(case, tmp_path: Path) -> None:
    from opwatch.tasks.report import report_run, run_markdown
    from opwatch.warehouse.db import LoadResult

    outcome, _, _ = case
    loaded = LoadResult(
        1, 0, 0, len(outcome.entities), len(outcome.figures), 0, 0, outcome.n_quarantined_rows
    )
    db = tmp_path / "w.duckdb"
    summary = report_run(outcome, loaded, db, n_skipped=2)  # no artifact outside a flow
    assert summary["quarantined_rows"] == outcome.n_quarantined_rows
    assert summary["articles_skipped"] == 2 and summary["database"] == str(db.resolve())
    assert Path(summary["report"]).is_file()
    markdown = run_markdown(outcome, loaded, n_skipped=2, failures=["every source failed"])
    assert "2 articles skipped" in markdown and "- every source failed" in markdown


def test_empty_batch_and_unevaluable_expectation(tmp_path: Path) -> None:
    empty = validate_batch([], [], [], "run-empty", F.RUN_DATE, tmp_path)
    assert empty.success and all(c.evaluated == 0 for c in empty.tables.values())
    a, ents, figs = F.batch_a()
    figs = [replace(figs[0], value="many")]  # a string where a number belongs
    out = validate_batch([a], ents, figs, "run-err", F.RUN_DATE, tmp_path)
    errors = [e for e in out.expectations if e.error]
    assert errors and not out.figures  # nothing unchecked is loaded
    assert out.articles == [a]


def test_frames_compute_spans_without_gx() -> None:
    a, ents, figs = F.batch_a()
    frames = build_frames([a], ents, [replace(figs[0], start=-3)])
    assert list(frames["entities"]["span_text"]) == [e.text for e in ents]
    assert frames["figures"]["span_text"].tolist() == [None]
    assert frames["figures"]["doc_len"].tolist() == [float(len(a.text))]
