"""The run report, runs index and a dossier rendered by headless Chromium, offline.

Checks the DOM Chromium builds (--dump-dom), saves a screenshot per page, and records that
the pages make zero requests: every request goes to a local recording proxy, and no host
resolves. Skips with the reason when Chromium is missing and cannot be installed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import RecordingProxy, find_chromium, install_chromium, run_chromium
from report_world import shared_world

pytestmark = pytest.mark.slow

RESOURCE = re.compile(r"<(?:link|script|img|iframe|object|embed)\b|@import|url\(|\bsrc\s*=", re.I)


@pytest.fixture(scope="module")
def chromium() -> str:
    binary = find_chromium()
    if binary is None:
        why = install_chromium()
        binary = find_chromium()
        if binary is None:
            pytest.skip(f"headless Chromium is not installed and could not be: {why}")
    return binary


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    return shared_world(tmp_path_factory)


@pytest.fixture(scope="module")
def vendor_hosts(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Domains Chromium contacts on its own for an empty local page."""
    tmp = tmp_path_factory.mktemp("baseline")
    empty = tmp / "empty.html"
    empty.write_text("<!DOCTYPE html><title>empty</title><p>empty</p>", encoding="utf-8")
    with RecordingProxy() as proxy:
        run_chromium(chromium, empty, proxy, tmp / "profile", "--dump-dom")
    return {".".join(h.split(".")[-2:]) for h in proxy.hosts()}


def _render(chromium: str, page: Path, tmp: Path, vendor: set[str]) -> str:
    """DOM of the page and a screenshot beside it; asserts no request the page caused."""
    with RecordingProxy() as proxy:
        dom = run_chromium(chromium, page, proxy, tmp / "profile", "--dump-dom")
        shot = tmp / f"{page.stem}.png"
        run_chromium(chromium, page, proxy, tmp / "profile", f"--screenshot={shot}")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    added = {h for h in proxy.hosts() if ".".join(h.split(".")[-2:]) not in vendor}
    assert added == set(), f"{page.name} made requests to {added}"
    assert RESOURCE.search(page.read_text(encoding="utf-8")) is None
    return dom.stdout


def test_proxy_catches_a_page_that_loads_from_another_host(chromium, vendor_hosts, tmp_path):
    page = tmp_path / "leaky.html"
    page.write_text('<img src="http://assets.example.net/logo.png">', encoding="utf-8")
    with RecordingProxy() as proxy:
        run_chromium(chromium, page, proxy, tmp_path / "profile", "--dump-dom")
    assert "assets.example.net" in proxy.hosts()


def test_run_report_in_browser(chromium, world, vendor_hosts, tmp_path: Path) -> None:
    dom = _render(chromium, world.second.report, tmp_path, vendor_hosts)
    assert 'id="failures"' in dom and 'id="failing-checks"' in dom and 'id="quarantine"' in dom
    charts = dom[dom.index('id="charts"') : dom.index('id="review-queue"')]
    assert len(re.findall(r"<svg\b", charts)) == 6 and "<rect" in charts
    review = dom[dom.index('id="review-queue"') :]
    assert 'id="review"' in review and '<mark class="span">' in review


def test_runs_index_in_browser(chromium, world, vendor_hosts, tmp_path: Path) -> None:
    dom = _render(chromium, world.second.index, tmp_path, vendor_hosts)
    assert 'id="runs"' in dom and '<svg class="spark"' in dom
    assert dom.count('href="validation_') == 2


def test_dossier_in_browser(chromium, world, vendor_hosts, tmp_path: Path) -> None:
    page = world.second.dossiers["Operation Rescue"]
    dom = _render(chromium, page, tmp_path, vendor_hosts)
    assert '<svg class="chart timeline"' in dom and "sources disagree" in dom
    assert '<mark class="span">184</mark>' in dom and 'id="evidence"' in dom
