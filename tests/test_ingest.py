"""opwatch.tasks.ingest: sources, encodings, bad files, feeds; each bad source -> one Problem."""

from __future__ import annotations

import codecs
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from opwatch.errors import ERRORS, OpwatchError
from opwatch.records import Problem
from opwatch.settings import Settings
from opwatch.tasks.ingest import decode_bytes, expand_sources, ingest, load_file, read_file

BODY = "Police in four countries arrested 12 people in an operation, officials said.\n"


def settings(**kw: object) -> Settings:
    return Settings(**{"allow_private": True, "fetch_timeout": 1.0, **kw})  # type: ignore[arg-type]


# ---------------------------------------------------------------- sources


def test_expand_sources(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    for name in ("a.txt", "b.html", "sub/c.htm", "sub/deeper/d.txt", ".hidden/e.txt"):
        (tmp_path / name).write_text(BODY)
    for name in ("notes.json", "sub/photo.jpg"):
        (tmp_path / name).write_text("x")
    got = expand_sources([str(tmp_path), "https://example.org/a", str(tmp_path / "a.txt")])
    names = [Path(s).name if not s.startswith("http") else s for s in got]
    assert names == ["a.txt", "b.html", "c.htm", "d.txt", "https://example.org/a"]
    globbed = expand_sources([str(tmp_path / "**" / "*.txt")])
    assert sorted(Path(s).name for s in globbed) == ["a.txt", "d.txt"]
    missing = str(tmp_path / "nope.txt")
    assert expand_sources([missing, str(tmp_path / "*.xml")]) == [missing, str(tmp_path / "*.xml")]


# ---------------------------------------------------------------- files


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty.txt", b"", "E001"),
        ("blank.txt", b"  \n\t\r\n   \n", "E002"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "E003"),
        ("nul.html", b"<html>\x00\x00\x00\x01\x02</html>", "E003"),
    ],
)
def test_bad_files_become_problems(tmp_path: Path, name: str, data: bytes, code: str) -> None:
    path = write(tmp_path, name, data)
    docs, problems = ingest([str(path)], settings())
    assert docs == []
    assert [(p.source, p.stage, p.code) for p in problems] == [(str(path), "ingest", code)]
    assert problems[0].message.startswith(f"{code}: {ERRORS[code]}")


def test_read_file_returns_a_problem_instead_of_raising(tmp_path: Path) -> None:
    problem = read_file(write(tmp_path, "empty.txt", b""), settings())
    assert isinstance(problem, Problem) and (problem.code, problem.stage) == ("E001", "ingest")
    with pytest.raises(OpwatchError) as info:
        load_file(tmp_path / "missing.txt", settings())
    assert info.value.code == "E005"


def test_size_cap_is_configurable(tmp_path: Path) -> None:
    path = write(tmp_path, "huge.txt", BODY.encode() * 50)
    _, problems = ingest([str(path)], settings(max_bytes=1000))
    assert [p.code for p in problems] == ["E004"]
    docs, problems = ingest([str(path)], settings(max_bytes=100_000))
    assert len(docs) == 1 and problems == []


def test_missing_path_and_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "empty_dir").mkdir()
    sources = [str(tmp_path / "missing.txt"), str(tmp_path / "empty_dir"), str(tmp_path / "*.nope")]
    docs, problems = ingest(sources, settings())
    assert docs == [] and [p.code for p in problems] == ["E005", "E005", "E005"]


def test_invalid_utf8_is_replaced_and_flagged(tmp_path: Path) -> None:
    data = "Police in Malmö arrested 12 people.".encode() + b" \xff\xfe broken \x80 bytes."
    doc = load_file(write(tmp_path, "bad.txt", data), settings())
    assert doc.decode_errors and doc.encoding == "utf-8"
    assert "Malmö" in doc.text and "\ufffd" in doc.text


@pytest.mark.parametrize(
    ("data", "encoding", "expected"),
    [
        (codecs.BOM_UTF8 + "Zürich café".encode(), "utf-8", "Zürich café"),
        (codecs.BOM_UTF16_LE + "Zürich café".encode("utf-16-le"), "utf-16-le", "Zürich café"),
        (
            "Police said “twelve” suspects — all men — were held in Malmö.".encode("cp1252"),
            "cp1252",
            "“twelve” suspects — all men",
        ),
        (
            "Полиция задержала 12 человек в Москве и Санкт-Петербурге на этой неделе.".encode(
                "cp1251"
            ),
            "cp1251",
            "Полиция задержала",
        ),
    ],
)
def test_encoding_sniffing(data: bytes, encoding: str, expected: str) -> None:
    text, got, errors = decode_bytes(data, html=False)
    assert (got, errors) == (encoding, False) and expected in text


def test_html_meta_charset(tmp_path: Path) -> None:
    html = '<html><head><meta charset="windows-1252"></head><body><p>Caf\xe9 \x93raid\x94</p>'
    doc = load_file(write(tmp_path, "page.htm", html.encode("latin-1")), settings())
    assert doc.content_kind == "html" and doc.encoding == "cp1252"
    assert "Café “raid”" in doc.text and not doc.decode_errors


def test_plain_text_and_html_kinds(tmp_path: Path) -> None:
    text = load_file(write(tmp_path, "a.txt", BODY.encode()), settings())
    html = load_file(write(tmp_path, "b.txt", b"<!DOCTYPE html><html><body><p>x</p>"), settings())
    assert (text.content_kind, text.source_kind, html.content_kind) == ("text", "file", "html")


def test_ingest_never_loses_a_source(tmp_path: Path) -> None:
    good = write(tmp_path, "good.txt", BODY.encode())
    empty = write(tmp_path, "empty.txt", b"")
    sources = [
        str(good),
        str(empty),
        str(tmp_path / "gone.txt"),
        "ftp://example.org/a.txt",
        "http://10.0.0.7/private",
    ]
    docs, problems = ingest(sources, settings(allow_private=False))
    assert [d.source for d in docs] == [str(good)]
    assert [(p.source, p.code) for p in problems] == [
        (str(empty), "E001"),
        (str(tmp_path / "gone.txt"), "E005"),
        ("ftp://example.org/a.txt", "E016"),
        ("http://10.0.0.7/private", "E013"),
    ]


# ---------------------------------------------------------------- feeds over HTTP

ARTICLE = b"""<html><head><title>Arrests</title></head><body><article>
<p>Police in three countries arrested nine people in an operation against an online forum.</p>
<p>Officers said the investigation continues and that more arrests are expected soon.</p>
</article></body></html>"""


def rss(base: str) -> bytes:
    items = [
        f"<item><title>Good</title><link>{base}/news/1.html</link>"
        "<pubDate>Tue, 03 Nov 2020 10:00:00 GMT</pubDate>"
        f'<enclosure url="{base}/media/photo.jpg" type="image/jpeg" length="1"/></item>',
        "<item><title>No link</title><description>broken</description></item>",
        "<item><title>Script</title><link>javascript:alert(1)</link></item>",
        f"<item><title>Gone</title><link>{base}/news/404.html</link></item>",
        f"<item><title>Picture</title><link>{base}/media/pic.png</link></item>",
        "<item><title>Relative</title><link>/news/2.html</link></item>",
    ]
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        f"<link>{base}</link>{''.join(items)}</channel></rss>"
    ).encode()


@pytest.fixture(scope="module")
def feed_server() -> Iterator[tuple[str, list[str]]]:
    requested: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            requested.append(self.path)
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            pages = {
                "/feed": ("application/rss+xml", rss(base)),
                "/feed-as-xml": ("text/xml; charset=utf-8", rss(base)),
                "/not-a-feed": ("application/xml", b"<?xml version='1.0'?><data><a>1</a></data>"),
                "/bad-feed": ("application/rss+xml", b"<rss><channel><item><title>x"),
                "/news/1.html": ("text/html", ARTICLE),
                "/news/2.html": ("text/html", ARTICLE.replace(b"nine", b"ten")),
            }
            kind, body = pages.get(self.path, ("text/plain", b""))
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", requested
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("path", ["/feed", "/feed-as-xml"])
def test_feed_with_broken_entries(feed_server: tuple[str, list[str]], path: str) -> None:
    base, requested = feed_server
    docs, problems = ingest([base + path], settings(), attempts=1)
    assert [(d.source, d.source_kind, d.content_kind) for d in docs] == [
        (f"{base}/news/1.html", "feed_item", "html"),
        (f"{base}/news/2.html", "feed_item", "html"),
    ]
    assert docs[0].feed_title == "Good" and str(docs[0].feed_published) == "2020-11-03"
    assert [p.code for p in problems] == ["E015", "E015", "E010", "E011"]
    assert problems[0].source == f"{base}{path}#entry-2"
    assert not [p for p in requested if p.startswith("/media/")]  # enclosures, images: never


def test_unusable_feeds(feed_server: tuple[str, list[str]]) -> None:
    base, _ = feed_server
    docs, problems = ingest([base + "/not-a-feed", base + "/bad-feed"], settings(), attempts=1)
    assert docs == [] and [p.code for p in problems] == ["E015", "E015"]
