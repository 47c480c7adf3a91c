"""opwatch.tasks.fetch against a real HTTP server on 127.0.0.1 (started and stopped per module)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from opwatch.records import Article
from opwatch.settings import Settings
from opwatch.tasks.clean import clean
from opwatch.tasks.fetch import FetchError, check_url, fetch
from opwatch.tasks.ingest import ingest
from tests.local_http import Route, Server

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Raid</title>
<link rel="preload" href="/media/hero.jpg" as="image"></head><body>
<nav><a href="/">Home</a></nav><article><h1>Police close forum</h1>
<img src="/media/photo.jpg" alt="x"><video src="/media/clip.mp4" poster="/media/poster.png"></video>
<p>Police in three countries closed an online forum and arrested nine people on Monday,
the agency said in a statement.</p>
<p>The investigation began last year and more arrests are expected, officers told
reporters in Lyon.</p>
<p><a href="/media/clip.mp4">Watch the video</a> <a href="/media/report.pdf">Report</a></p>
</article></body></html>"""


def _slow() -> tuple[int, dict[str, str], bytes]:
    time.sleep(2.5)
    return 200, {"Content-Type": "text/html"}, b"<p>late</p>"


def _flaky() -> Callable[[], tuple[int, dict[str, str], bytes]]:
    calls = {"n": 0}

    def route() -> tuple[int, dict[str, str], bytes]:
        calls["n"] += 1
        if calls["n"] == 1:
            return 503, {}, b"busy"
        return 200, {"Content-Type": "text/plain; charset=utf-8"}, b"ok now"

    return route


HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    routes: dict[str, Route] = {
        "/article.html": (200, HTML, PAGE.encode()),
        "/plain.txt": (200, {"Content-Type": "text/plain"}, b"Plain text body."),
        "/photo": (200, {"Content-Type": "image/jpeg"}, b"\xff\xd8\xff" + b"0" * 5000),
        "/movie": (200, {"Content-Type": "video/mp4"}, b"\x00" * 5000),
        "/doc": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4"),
        "/untyped": (200, {"X-No-Length": "1"}, b"\x00\x01binary\x00"),
        "/missing": (404, {}, b"nope"),
        "/broken": (500, {}, b"error"),
        "/flaky": _flaky(),
        "/slow": _slow,
        "/big-declared": (200, HTML, b"<p>" + b"a" * 5000 + b"</p>"),
        "/big-streamed": (200, {**HTML, "X-No-Length": "1"}, b"<p>" + b"a" * 5000 + b"</p>"),
        "/to-article": (302, {"Location": "/article.html"}, b""),
        "/to-media": (302, {"Location": "/media/clip.mp4"}, b""),
        "/to-ftp": (302, {"Location": "ftp://example.org/file.txt"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
    }
    with Server(routes) as srv:
        yield srv


def settings(**kw: object) -> Settings:
    return Settings(**{"allow_private": True, "fetch_timeout": 1.0, **kw})  # type: ignore[arg-type]


def code_of(call: Callable[[], object]) -> str:
    with pytest.raises(FetchError) as info:
        call()
    return info.value.code


def test_fetches_html_with_user_agent_and_text_accept(server: Server) -> None:
    got = fetch(server.url("/article.html"), settings(user_agent="opwatch-test/1"))
    assert got.status == 200 and got.media_type == "text/html" and got.charset == "utf-8"
    assert b"Police close forum" in got.body
    sent = server.headers[-1]
    assert sent["User-Agent"] == "opwatch-test/1"
    assert "image" not in sent["Accept"] and "video" not in sent["Accept"]


@pytest.mark.parametrize("path", ["/photo", "/movie", "/doc", "/untyped"])
def test_media_and_binaries_refused(server: Server, path: str) -> None:
    assert code_of(lambda: fetch(server.url(path), settings(), attempts=1)) == "E011"


def test_media_urls_are_never_requested(server: Server) -> None:
    before = len(server.requests)
    for path in ("/media/photo.jpg", "/media/clip.mp4", "/media/report.pdf"):
        assert code_of(lambda p=path: fetch(server.url(p), settings())) == "E011"
    assert len(server.requests) == before


def test_media_links_in_a_page_are_never_requested(server: Server) -> None:
    docs, problems = ingest([server.url("/article.html")], settings())
    assert problems == [] and len(docs) == 1
    article = clean(docs[0], "run-test", datetime.now(UTC))
    assert isinstance(article, Article) and "nine people" in article.text
    assert not [p for p in server.requests if p.startswith("/media/")]


def test_http_errors(server: Server) -> None:
    assert code_of(lambda: fetch(server.url("/missing"), settings())) == "E010"
    before = server.requests.count("/missing")
    assert before == 1  # a 404 is not retried
    n = server.requests.count("/broken")
    assert (
        code_of(lambda: fetch(server.url("/broken"), settings(), attempts=3, backoff=0)) == "E010"
    )
    assert server.requests.count("/broken") == n + 3  # a 500 is retried


def test_transient_error_then_success(server: Server) -> None:
    got = fetch(server.url("/flaky"), settings(), attempts=2, backoff=0)
    assert got.body == b"ok now"


def test_timeout(server: Server) -> None:
    started = time.monotonic()
    assert code_of(lambda: fetch(server.url("/slow"), settings(), attempts=1)) == "E012"
    assert time.monotonic() - started < 2.4  # the handler sleeps 2.5 s


@pytest.mark.parametrize("path", ["/big-declared", "/big-streamed"])
def test_size_cap(server: Server, path: str) -> None:
    assert code_of(lambda: fetch(server.url(path), settings(max_bytes=1000))) == "E004"


def test_redirects_are_followed_and_rechecked(server: Server) -> None:
    got = fetch(server.url("/to-article"), settings())
    assert got.final_url.endswith("/article.html")
    before = len(server.requests)
    assert code_of(lambda: fetch(server.url("/to-media"), settings())) == "E011"
    assert server.requests[before:] == ["/to-media"]  # the media target is not requested
    assert code_of(lambda: fetch(server.url("/to-ftp"), settings())) == "E016"
    assert code_of(lambda: fetch(server.url("/loop"), settings())) == "E010"


def test_private_addresses_refused_without_allow_private(server: Server) -> None:
    before = len(server.requests)
    assert (
        code_of(lambda: fetch(server.url("/article.html"), settings(allow_private=False))) == "E013"
    )
    assert len(server.requests) == before  # refused before connecting
    for url in (
        "http://10.1.2.3/a",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest",
        "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://0.0.0.0/",
    ):
        assert code_of(lambda u=url: check_url(u, allow_private=False)) == "E013"


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/a.txt", "file:///etc/passwd", "javascript:alert(1)", "http:///nohost"],
)
def test_only_http_and_https(url: str) -> None:
    assert code_of(lambda: check_url(url, allow_private=True)) == "E016"
