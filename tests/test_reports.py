"""Run report, runs index and dossiers: content, order, escaping, retention, offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_world import build_world, shared_world

from opwatch.warehouse.reader import open_reader
from opwatch.warehouse.reports.dossier import DossierError, collect_dossier
from opwatch.warehouse.reports.page import evidence, sentence_bounds

RESOURCE = re.compile(r"<(?:link|script|img|iframe)\b|@import|url\(|\bsrc\s*=", re.IGNORECASE)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    return shared_world(tmp_path_factory)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_run_report_puts_failures_first_with_evidence(world) -> None:
    page = _read(world.second.report)
    order = [page.index(f'id="{s}"') for s in
             ("status", "failures", "charts", "review-queue", "passing")]  # fmt: skip
    assert order == sorted(order)
    assert "ATTENTION" in page and "role_allowed" in page
    failures = page[page.index('id="failures"') : page.index('id="charts"')]
    # the quarantined figure: its reason, source and sentence with the number marked
    assert "examples/c.txt" in failures and "detentions" in failures
    assert 'Officers counted <mark class="span">12</mark> detentions in Madrid.' in failures
    assert "examples/empty.txt" in failures and "File is empty." in failures  # document
    assert RESOURCE.search(page) is None


def test_run_report_charts_and_review_queue(world) -> None:
    page = _read(world.second.report)
    charts = page[page.index('id="charts"') : page.index('id="review-queue"')]
    assert charts.count("<svg") == 6
    assert "<title>arrests: 4</title>" in charts  # 184, 121 (GB), 180 and "Madrid"
    assert "<title>GB: 1</title>" in charts
    review = page[page.index('id="review-queue"') : page.index('id="dossiers"')]
    scores = [float(s) for s in re.findall(r'<td class="n">([0-9.]+)</td>', review)]
    assert scores == sorted(scores) and scores[0] == pytest.approx(0.12)
    # markup-like text is escaped, never interpreted
    assert "[redacted] forums :police_car: [/b]" in review
    assert '<mark class="span">Madrid</mark>' in review


def test_first_run_report_is_ok_and_links_dossier(world) -> None:
    page = _read(world.first.report)
    assert "OK: every check passed" in page
    assert 'href="dossiers/operation-rescue.html"' in page
    assert "the 1 articles this run loaded" in page


def test_runs_index_rows_links_and_trend(world) -> None:
    page = _read(world.second.index)
    rows = re.findall(r'<a href="(validation_[^"]+)">', page)
    assert rows == [world.second.report.name, world.first.report.name]  # newest first
    assert "quarantined" in page and "▲" in page
    assert '<svg class="spark"' in page
    assert RESOURCE.search(page) is None


def test_dossier_sources_side_by_side_and_disagreement(world) -> None:
    page = _read(world.second.dossiers["Operation Rescue"])
    facts = page[page.index('id="facts"') :]
    assert "sources disagree" in facts
    assert '<b class="conflict">184</b>' in facts and '<b class="conflict">180</b>' in facts
    assert "ceop.example (2011-03-17)" in facts
    assert "<b>121</b>" in facts  # the GB scope has one value: no conflict
    assert '<a href="https://news.example.org/rescue"' in page  # evidence links its article
    assert "United Kingdom" in page and "Europol" in page and "Spain" in page
    assert '<svg class="chart timeline"' in page
    assert '<mark class="span">184</mark>' in page
    assert RESOURCE.search(page) is None


def test_dossier_lookup_by_short_name_and_unknown(world) -> None:
    con = open_reader(world.db)
    try:
        assert collect_dossier(con, "rescue").operation_id == "operation-rescue"
        with pytest.raises(DossierError, match="Close names: Operation Rescue"):
            collect_dossier(con, "Operation Resc")
    finally:
        con.close()


def test_keep_reports_prunes_old_runs(tmp_path: Path) -> None:
    small = build_world(tmp_path, keep_reports=1)
    assert sorted(p.name for p in small.reports.glob("validation_*.html")) == [
        small.second.report.name
    ]
    runs = list((small.reports / "gx" / "uncommitted" / "validations" / "figures").iterdir())
    assert [p.name for p in runs] == ["run-20240602T120000Z"]
    assert _read(small.second.index).count("<tr>") == 2  # header + the one kept run


def test_evidence_marks_span_and_escapes() -> None:
    text = "First one. Police held <b>7</b> men. Last."
    start = text.index("7")
    assert sentence_bounds(text, start, start + 1) == (11, 36)
    html = evidence(text, start, start + 1)
    assert html == ('<span class="evidence">Police held &lt;b&gt;<mark class="span">7</mark>'
                    "&lt;/b&gt; men.</span>")  # fmt: skip


def test_search_index_rebuilt_after_each_load(world) -> None:
    from opwatch.warehouse.search import search

    # article c arrived in the second load: the index covers it without a manual rebuild
    assert [h.title for h in search(world.db, "detentions Madrid")] == ["Operation Rescue"]
    assert {h.outlet for h in search(world.db, "arrested")} == {"example.org", "ceop.example"}
