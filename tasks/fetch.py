"""Safe, text-only HTTP fetching.

Only http(s) URLs to public addresses are fetched (unless settings.allow_private), only
text, HTML and feed XML bodies are read, each one streamed under settings.max_bytes
(counted after decompression, which happens in small steps). Media and binaries are
refused from the response headers, before any body is read, and URLs whose path names a
media file (however spelled) are never requested at all. Each host is resolved once and
the vetted address is the one connected to; every redirect is re-vetted. One deadline
(settings.fetch_timeout) bounds each attempt, headers included, and the whole retry loop
is bounded by attempts x fetch_timeout. Transient failures (5xx, 429, timeouts, connection
errors) are retried with exponential backoff.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from opwatch.settings import Settings
from opwatch.tasks.fetch_net import FetchError, Inflater, PinnedTransport, deadline, vetted
from opwatch.tasks.urls import FETCHED_SCHEMES, names_media, short, strip_credentials, url_scheme

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
ACCEPT_ENCODING = "gzip, deflate"  # the codings Inflater decodes under the byte cap
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
DEFAULT_ATTEMPTS = 3
DEFAULT_BACKOFF = 0.5  # seconds; doubled after each failed attempt


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


def check_target(url: str) -> None:
    """Raise FetchError unless `url` is http(s) with a host and does not name a media file.

    No DNS here: the address is vetted when the connection is made (PinnedTransport).
    """
    scheme = url_scheme(url)
    if scheme not in FETCHED_SCHEMES:
        raise FetchError("E016", f"unsupported scheme {scheme or '(none)'!r}: {short(url, 80)}")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a malformed port)
    except ValueError as exc:  # a malformed host or port
        raise FetchError("E016", f"{short(url)}: {exc}") from exc
    if not parts.hostname:
        raise FetchError("E016", f"no host in {short(url)}")
    if names_media(url):
        raise FetchError("E011", f"media link not fetched: {short(url)}")


def check_url(url: str, allow_private: bool = False) -> None:
    """check_target, then resolve the host and refuse non-public addresses (E013)."""
    check_target(url)
    parts = urlsplit(url)
    default = 443 if parts.scheme.lower() == "https" else 80
    if not allow_private:
        vetted(parts.hostname or "", parts.port or default, allow_private)


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


def _attachment_name(header: str | None) -> str | None:
    """The file name a Content-Disposition header declares, if any."""
    for param in (header or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() in ("filename", "filename*"):
            return value.strip().strip("\"'").rpartition("'")[2] or None
    return None


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False  # a byte-order mark: text
    return b"\x00" in head[:4096]


def _read_body(resp: httpx.Response, media_type: str, at: str, cap: int) -> bytes:
    """The decoded body, stopped as soon as the raw or decoded bytes pass `cap`."""
    inflater = Inflater(resp.headers.get("content-encoding"))
    body = bytearray()
    raw = 0

    def take(pieces: Iterable[bytes]) -> None:
        for piece in pieces:
            if not body and not media_type and _looks_binary(piece):
                raise FetchError("E011", f"untyped binary body at {at}")
            body.extend(piece)
            if len(body) > cap:
                raise FetchError("E004", f"over {cap} bytes (decompressed) at {at}")

    for chunk in resp.iter_raw():
        raw += len(chunk)
        if raw > cap:
            raise FetchError("E004", f"over {cap} bytes at {at}")
        take(inflater.feed(chunk))
    take(inflater.finish())
    return bytes(body)


def _fetch_once(client: httpx.Client, url: str, settings: Settings) -> Fetched:
    headers = {
        "User-Agent": settings.user_agent,
        "Accept": ACCEPT,
        "Accept-Encoding": ACCEPT_ENCODING,
    }
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        check_target(current)  # every hop; its address is vetted when connecting
        at = short(current)
        with client.stream("GET", current, headers=headers) as resp:
            if resp.status_code in REDIRECTS and resp.headers.get("location"):
                current = urljoin(current, resp.headers["location"])
                continue
            status = resp.status_code
            if status >= 400:
                transient = status >= 500 or status in (408, 425, 429)
                raise FetchError("E010", f"HTTP {status} for {at}", transient=transient)
            media_type, charset = _content_type(resp.headers.get("content-type"))
            if media_type and media_type not in TEXT_TYPES | FEED_TYPES:
                # Refused from the header alone: the body is never read.
                raise FetchError("E011", f"{media_type} at {at}")
            attachment = _attachment_name(resp.headers.get("content-disposition"))
            if attachment and names_media("/" + attachment):
                raise FetchError("E011", f"media attachment {attachment!r} at {at}")
            declared = resp.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > settings.max_bytes:
                raise FetchError("E004", f"{declared} bytes > {settings.max_bytes} at {at}")
            body = _read_body(resp, media_type, at, settings.max_bytes)
            return Fetched(
                strip_credentials(url),
                strip_credentials(current),
                status,
                media_type,
                charset,
                body,
            )
    raise FetchError("E010", f"more than {MAX_REDIRECTS} redirects from {short(url)}")


def fetch(
    url: str,
    settings: Settings,
    *,
    attempts: int | None = None,
    backoff: float = DEFAULT_BACKOFF,
    client: httpx.Client | None = None,
) -> Fetched:
    """Fetch one text URL; raise FetchError (with a stable code) when it cannot be had.

    `attempts` defaults to settings.fetch_attempts. Each attempt (redirects, headers and
    body together) ends within settings.fetch_timeout, and all attempts with their
    backoff within attempts x fetch_timeout.
    """
    tries = max(1, attempts or int(getattr(settings, "fetch_attempts", DEFAULT_ATTEMPTS)))
    budget_end = time.monotonic() + tries * settings.fetch_timeout
    own = client is None
    if client is None:
        client = httpx.Client(
            timeout=httpx.Timeout(settings.fetch_timeout),
            transport=PinnedTransport(settings.allow_private),
            trust_env=False,
        )
    try:
        for attempt in range(tries):
            left = min(settings.fetch_timeout, budget_end - time.monotonic())
            last = attempt == tries - 1 or left <= 0
            try:
                with deadline(max(left, 0.0)):
                    return _fetch_once(client, url, settings)
            except FetchError as exc:
                if not exc.transient or last:
                    raise
            except httpx.TimeoutException as exc:
                if last:
                    raise FetchError("E012", f"{short(url)}: {exc or type(exc).__name__}") from exc
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
                raise FetchError("E016", f"{short(url)}: {exc}") from exc
            except (httpx.HTTPError, OSError) as exc:
                if last:
                    raise FetchError("E014", f"{short(url)}: {type(exc).__name__}: {exc}") from exc
            pause = min(backoff * 2**attempt, budget_end - time.monotonic())
            if pause > 0:
                time.sleep(pause)
        raise FetchError("E014", short(url))  # not reached: the last attempt raises
    finally:
        if own:
            client.close()


__all__ = ["FetchError", "Fetched", "check_target", "check_url", "fetch"]
