"""Fetching pinned and bounded: one DNS lookup, one deadline, capped decompression,
media paths never requested, credentials never stored (servers on 127.0.0.1 only)."""

from __future__ import annotations

import gzip
import socket
import ssl
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpcore
import httpx
import pytest

from opwatch.settings import Settings
from opwatch.tasks.fetch import FetchError, fetch
from opwatch.tasks.fetch_net import Inflater, PinnedTransport
from opwatch.tasks.ingest import ingest
from opwatch.tasks.urls import names_media, scrub_credentials, strip_credentials
from tests.local_http import RawServer, Route, Server

TEXT = b"Officers in two towns arrested five people after a month of inquiries, they said."
HTML = {"Content-Type": "text/html; charset=utf-8"}


def settings(**kw: Any) -> Settings:
    return Settings(**{"allow_private": True, "fetch_timeout": 5.0, **kw})


def code_of(call: Callable[[], object]) -> str:
    with pytest.raises(FetchError) as info:
        call()
    return info.value.code


def _bomb(size: int) -> bytes:
    """`size` zero bytes, gzip-compressed twice: a few hundred bytes on the wire."""
    inner = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    once = b"".join(inner.compress(chunk) for _ in range(size >> 20)) + inner.flush()
    return gzip.compress(once, 9)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    routes: dict[str, Route] = {
        "/page.html": (200, HTML, b"<p>" + TEXT + b"</p>"),
        "/bomb": (200, {**HTML, "Content-Encoding": "gzip, gzip"}, _bomb(64 << 20)),
        "/zipped": (200, {**HTML, "Content-Encoding": "gzip"}, gzip.compress(TEXT * 50)),
        "/deflated": (200, {**HTML, "Content-Encoding": "deflate"}, zlib.compress(TEXT)),
        "/brotli": (200, {**HTML, "Content-Encoding": "br"}, b"\x0b\x02\x80"),
        "/to-private": (302, {"Location": "http://10.9.8.7/page.html"}, b""),
        "/missing": (404, {}, b""),
        "/download": (
            200,
            {**HTML, "Content-Disposition": 'attachment; filename="clip.MP4"'},
            TEXT,
        ),
    }
    with Server(routes) as srv:
        yield srv


# ---------------------------------------------------------------- one deadline


def _drip_headers(conn: socket.socket) -> None:
    """A status line, then one header byte every 0.1 s for about 6 s."""
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    for byte in b"X-Slow: " + b"a" * 60:
        conn.sendall(bytes([byte]))
        time.sleep(0.1)


def test_dripping_headers_cannot_outlast_the_timeout() -> None:
    with RawServer(_drip_headers) as srv:
        started = time.monotonic()
        one_second = settings(fetch_timeout=1.0)
        assert code_of(lambda: fetch(srv.url("/"), one_second, attempts=1)) == "E012"
        assert time.monotonic() - started < 4.0  # the server drips for 6 s


def test_the_whole_retry_loop_is_bounded() -> None:
    with RawServer(_drip_headers) as srv:
        started = time.monotonic()
        fast = settings(fetch_timeout=0.5)
        code = code_of(lambda: fetch(srv.url("/"), fast, attempts=3, backoff=0))
        assert code == "E012"
        assert time.monotonic() - started < 0.5 * 3 + 2.5  # 3 x 6 s before
        assert srv.connections >= 2  # it was retried, within the same budget


# ---------------------------------------------------------------- decompression


def test_double_gzip_bomb_stops_at_the_cap_without_inflating(server: Server) -> None:
    tracemalloc.start()
    try:
        code = code_of(lambda: fetch(server.url("/bomb"), settings(max_bytes=1_000_000)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert code == "E004"
    assert peak < 20_000_000  # 64 MB inflated at once before the fix


def test_a_media_attachment_is_refused_from_its_headers(server: Server) -> None:
    assert code_of(lambda: fetch(server.url("/download"), settings())) == "E011"


def test_compressed_bodies_are_decoded(server: Server) -> None:
    assert fetch(server.url("/zipped"), settings()).body == TEXT * 50
    assert fetch(server.url("/deflated"), settings()).body == TEXT
    assert code_of(lambda: fetch(server.url("/brotli"), settings(), attempts=1)) == "E011"
    assert server.headers[-1]["Accept-Encoding"] == "gzip, deflate"


def test_inflater_steps_are_small() -> None:
    inflater = Inflater("gzip")
    pieces = list(inflater.feed(gzip.compress(bytes(1_000_000))))
    assert sum(map(len, pieces)) == 1_000_000 and max(map(len, pieces)) <= 64 * 1024


# ---------------------------------------------------------------- pinned address


def test_connects_to_the_vetted_address_with_one_lookup(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the first answer is public, later ones loopback. Only the first counts."""
    port = int(server.base.rsplit(":", 1)[1])
    lookups: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def fake_getaddrinfo(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        if host == "127.0.0.1":  # the test's own redirect to the local server
            return real_getaddrinfo(host, *args, **kwargs)
        lookups.append(host)
        address = "8.8.8.8" if len(lookups) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    connected: list[str] = []
    real_connect = httpcore.SyncBackend.connect_tcp

    def fake_connect(self: Any, host: str, port_: int, *args: Any, **kw: Any) -> Any:
        connected.append(host)  # then reach the local server whatever was asked
        return real_connect(self, "127.0.0.1", port, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", fake_connect)
    got = fetch(f"http://rebind.example:{port}/page.html", settings(allow_private=False))
    assert got.body.endswith(TEXT + b"</p>")
    assert lookups == ["rebind.example"] and connected == ["8.8.8.8"]
    assert server.headers[-1]["Host"] == f"rebind.example:{port}"  # the name, not the IP


def test_every_redirect_is_vetted(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    port = int(server.base.rsplit(":", 1)[1])
    real_getaddrinfo = socket.getaddrinfo

    def fake_getaddrinfo(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        if host == "127.0.0.1":
            return real_getaddrinfo(host, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.4.4", port))]

    real_connect = httpcore.SyncBackend.connect_tcp
    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    monkeypatch.setattr(
        httpcore.SyncBackend,
        "connect_tcp",
        lambda self, host, p, *a, **k: real_connect(self, "127.0.0.1", port, *a, **k),
    )
    url = f"http://public.example:{port}/to-private"
    assert code_of(lambda: fetch(url, settings(allow_private=False))) == "E013"


# ---------------------------------------------------------------- media paths


@pytest.mark.parametrize(
    "path",
    [
        "/m/photo.jpg/",
        "/m/clip.mp4;jsessionid=1",
        "/m/photo%2Ejpg",
        "/m/photo%252Ejpg",
        "/m/PHOTO.JPG",
        "/m/clip.Mp4/?x=1",
        "/m/report.pdf.",
    ],
)
def test_media_paths_however_spelled_are_never_requested(server: Server, path: str) -> None:
    before = len(server.requests)
    assert code_of(lambda: fetch(server.url(path), settings())) == "E011"
    assert len(server.requests) == before


@pytest.mark.parametrize(
    "url",
    ["https://a.example/news/raid-2024", "https://a.example/jpg/", "https://a.example/?f=a.png"],
)
def test_article_paths_are_not_media(url: str) -> None:
    assert not names_media(url)


# ---------------------------------------------------------------- credentials and schemes


def test_credentials_are_stripped() -> None:
    assert (
        strip_credentials("https://ann:s3cret@news.example/a?b=1") == "https://news.example/a?b=1"
    )
    assert strip_credentials("https://news.example/a") == "https://news.example/a"
    said = scrub_credentials("HTTP 404 for http://ann:s3cret@news.example/x (see ftp://u@h/)")
    assert "s3cret" not in said and "ann" not in said and "ftp://h/" in said


def test_credentials_never_stored_or_shown(server: Server) -> None:
    with_creds = server.url("/page.html").replace("http://", "http://ann:s3cret@")
    missing = server.url("/missing").replace("http://", "http://ann:s3cret@")
    docs, problems = ingest([with_creds, missing], settings(), attempts=1)
    assert len(docs) == 1 and len(problems) == 1
    shown = [docs[0].source, docs[0].url or "", problems[0].source, problems[0].message]
    assert not [text for text in shown if "s3cret" in text or "ann@" in text]
    assert docs[0].source == server.url("/page.html")


@pytest.mark.parametrize(
    "source", ["javascript:alert(1)", "data:text/html,<p>hi</p>", "ftp://files.example/a.txt"]
)
def test_unsupported_schemes_get_their_own_reason(source: str) -> None:
    docs, problems = ingest([source], settings())
    assert docs == [] and len(problems) == 1
    assert problems[0].code == "E016" and "unsupported scheme" in problems[0].message
    assert problems[0].source == source


# ---------------------------------------------------------------- TLS to a pinned address


def _certificate(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for `name` (cert file, key file)."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_tls_to_the_pinned_address_checks_the_host_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert_file, key_file = _certificate(tmp_path, "pinned.example")
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    served.load_cert_chain(cert_file, key_file)
    trusted = ssl.create_default_context(cafile=str(cert_file))

    def reply(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")

    real_getaddrinfo = socket.getaddrinfo

    def fake_getaddrinfo(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        return real_getaddrinfo("127.0.0.1" if host.endswith(".example") else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    with RawServer(reply, tls=served) as srv:
        port = srv.base.rsplit(":", 1)[1]
        client = httpx.Client(transport=PinnedTransport(True, ssl_context=trusted))
        with client:
            got = fetch(f"https://pinned.example:{port}/", settings(), client=client)
            assert got.body == b"ok"  # connected to 127.0.0.1, verified as pinned.example
            wrong = f"https://other.example:{port}/"
            assert code_of(lambda: fetch(wrong, settings(), client=client, attempts=1)) == "E014"
