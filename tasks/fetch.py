"""Safe, text-only HTTP fetching.

Only http(s) URLs to public addresses are fetched (unless settings.allow_private), only
text, HTML and feed XML bodies are read, each one streamed under settings.max_bytes.
Media and binaries are refused from the response headers, before any body is read, and
URLs that name a media file are never requested at all. Transient failures (5xx, 429,
timeouts, connection errors) are retried with exponential backoff.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from opwatch.errors import OpwatchError
from opwatch.settings import Settings

TEXT_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/xml",
        "text/xml",
        "application/rdf+xml",
    }
)
ACCEPT = (
    "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,application/rss+xml;q=0.8,"
    "application/atom+xml;q=0.8,application/xml;q=0.5,text/xml;q=0.5"
)
# Paths with these suffixes are media or binaries: refused before any request.
MEDIA_SUFFIXES = (
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".webp",
    ".bmp",
    ".svg",
    ".ico",
    ".tif",
    ".tiff",
    ".heic",
    ".avif",
    ".mp4",
    ".m4v",
    ".mov",
    ".avi",
    ".mkv",
    ".webm",
    ".wmv",
    ".flv",
    ".mpg",
    ".mpeg",
    ".3gp",
    ".m3u8",
    ".ts",
    ".mp3",
    ".wav",
    ".ogg",
    ".m4a",
    ".pdf",
    ".zip",
    ".rar",
    ".7z",
    ".gz",
    ".tar",
    ".exe",
    ".dmg",
    ".iso",
    ".torrent",
)
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
DEFAULT_ATTEMPTS = 3
DEFAULT_BACKOFF = 0.5  # seconds; doubled after each failed attempt


class FetchError(OpwatchError):
    """A fetch failure with a stable code; `transient` ones are worth retrying."""

    def __init__(self, code: str, detail: str = "", transient: bool = False) -> None:
        super().__init__(code, detail)
        self.transient = transient


@dataclass(frozen=True)
class Fetched:
    """A text body that passed every check."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    media_type: str  # lower-case, without parameters ("" when the server sent none)
    charset: str | None  # from the Content-Type header
    body: bytes

    @property
    def is_feed_type(self) -> bool:
        return self.media_type in FEED_TYPES


def _blocked(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast or ip.is_reserved


def check_url(url: str, allow_private: bool = False) -> None:
    """Raise FetchError unless `url` is http(s), not a media file, and resolves publicly."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # a malformed host or port
        raise FetchError("E016", f"{url}: {exc}") from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError("E016", url)
    if parts.path.lower().endswith(MEDIA_SUFFIXES):
        raise FetchError("E011", f"media link not fetched: {url}")
    if allow_private:
        return
    host = parts.hostname
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError("E014", f"cannot resolve {host}: {exc}") from exc
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    for ip in addresses:
        if _blocked(ip):
            raise FetchError("E013", f"{host} -> {ip}")


def _content_type(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False  # a byte-order mark: text
    return b"\x00" in head[:4096]


def _fetch_once(client: httpx.Client, url: str, settings: Settings) -> Fetched:
    headers = {"User-Agent": settings.user_agent, "Accept": ACCEPT}
    current = url
    started = time.monotonic()
    for _ in range(MAX_REDIRECTS + 1):
        check_url(current, settings.allow_private)
        with client.stream("GET", current, headers=headers) as resp:
            if resp.status_code in REDIRECTS and resp.headers.get("location"):
                current = urljoin(current, resp.headers["location"])
                continue  # re-checked at the top of the loop
            status = resp.status_code
            if status >= 400:
                transient = status >= 500 or status in (408, 425, 429)
                raise FetchError("E010", f"HTTP {status} for {current}", transient=transient)
            media_type, charset = _content_type(resp.headers.get("content-type"))
            if media_type and media_type not in TEXT_TYPES | FEED_TYPES:
                # Refused from the header alone: the body is never read.
                raise FetchError("E011", f"{media_type} at {current}")
            declared = resp.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > settings.max_bytes:
                raise FetchError("E004", f"{declared} bytes > {settings.max_bytes} at {current}")
            body = bytearray()
            for chunk in resp.iter_bytes():
                if not body and not media_type and _looks_binary(chunk):
                    raise FetchError("E011", f"untyped binary body at {current}")
                body.extend(chunk)
                if len(body) > settings.max_bytes:
                    raise FetchError("E004", f"over {settings.max_bytes} bytes at {current}")
                if time.monotonic() - started > settings.fetch_timeout:
                    raise FetchError("E012", f"body too slow at {current}", transient=True)
            return Fetched(url, current, status, media_type, charset, bytes(body))
    raise FetchError("E010", f"more than {MAX_REDIRECTS} redirects from {url}")


def fetch(
    url: str,
    settings: Settings,
    *,
    attempts: int | None = None,
    backoff: float = DEFAULT_BACKOFF,
    client: httpx.Client | None = None,
) -> Fetched:
    """Fetch one text URL; raise FetchError (with a stable code) when it cannot be had.

    `attempts` defaults to settings.fetch_attempts when that exists, else 3.
    """
    tries = max(1, attempts or int(getattr(settings, "fetch_attempts", DEFAULT_ATTEMPTS)))
    own = client is None
    if client is None:
        client = httpx.Client(timeout=httpx.Timeout(settings.fetch_timeout))
    try:
        for attempt in range(tries):
            try:
                return _fetch_once(client, url, settings)
            except FetchError as exc:
                if not exc.transient or attempt == tries - 1:
                    raise
            except httpx.TimeoutException as exc:
                if attempt == tries - 1:
                    raise FetchError("E012", f"{url}: {type(exc).__name__}") from exc
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
                raise FetchError("E016", f"{url}: {exc}") from exc
            except (httpx.HTTPError, OSError) as exc:
                if attempt == tries - 1:
                    raise FetchError("E014", f"{url}: {type(exc).__name__}: {exc}") from exc
            time.sleep(backoff * 2**attempt)
        raise FetchError("E014", url)  # not reached: the last attempt raises
    finally:
        if own:
            client.close()
