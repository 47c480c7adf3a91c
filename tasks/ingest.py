"""Ingest stage: sources (files, directories, globs, URLs, RSS/Atom feeds) -> RawDocuments.

`ingest` never raises for a bad source: each one becomes a Problem with a stable code,
and every other source goes on. URLs are fetched text-only through opwatch.tasks.fetch.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx

from opwatch.errors import OpwatchError
from opwatch.records import Problem, RawDocument
from opwatch.settings import Settings
from opwatch.tasks.fetch import Fetched, FetchError, fetch
from opwatch.tasks.sources import (
    ARTICLE_SUFFIXES,
    HTML_SUFFIXES,
    STAGE,
    expand,
    expand_sources,
    is_url,
    not_a_file_reason,
    printable,
)
from opwatch.tasks.text_quality import utf16_without_bom
from opwatch.tasks.urls import scrub_credentials, strip_credentials

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Magic numbers of media, documents and archives (the first bytes of the file).
_BINARY_MAGIC = (
    b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"PK\x03\x04", b"\x1f\x8b",
    b"RIFF", b"OggS", b"ID3\x03", b"ID3\x04", b"\x7fELF", b"II*\x00", b"MM\x00*", b"Rar!",
    b"7z\xbc\xaf", b"\x1aE\xdf\xa3", b"fLaC",
)  # fmt: skip
# Languages written in cp1252: when it decodes as well as the best guess, it wins.
_WESTERN = set(
    "English French German Spanish Portuguese Italian Dutch Danish Swedish Norwegian Finnish "
    "Unknown".split()
) | {""}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I
)
_HTML_START = re.compile(r"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
_FEED_START = re.compile(
    r"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*|<\?xml-stylesheet[^>]*>\s*|<!doctype[^>]*>\s*)*"
    r"<(rss|feed|rdf:rdf)\b",
    re.I | re.S,
)


# ---------------------------------------------------------------- decoding


def looks_binary(data: bytes) -> bool:
    """Magic numbers of media/archives, NUL bytes, or many control characters."""
    if any(data.startswith(bom) for bom, _ in _BOMS) or utf16_without_bom(data):
        return False
    if data.startswith(_BINARY_MAGIC):
        return True
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(head) // 20)


def _codec(label: str | bytes | None) -> str | None:
    """A usable Python codec for a declared label; latin-1/ascii mean cp1252 (as browsers do)."""
    if not label:
        return None
    name = label.decode("ascii", "ignore") if isinstance(label, bytes) else label
    try:
        info = codecs.lookup(name.strip().lower())
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name.startswith(("utf-16", "utf-32")):
        return None  # no BOM: a utf-16 label in a meta tag cannot be right
    return "cp1252" if info.name in ("iso8859-1", "ascii", "latin-1") else info.name


def _detect(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: trafilatura depends on it
        return None
    matches = from_bytes(data[:200_000])
    best = matches.best()
    if best is None:
        return None
    if "cp1252" in best.could_be_from_charset:
        return "cp1252"  # the same text either way: use the usual name
    if best.language in _WESTERN and any(
        "cp1252" in m.could_be_from_charset and m.chaos <= best.chaos + 0.01 for m in matches
    ):
        return "cp1252"  # short text: look-alike Latin code pages tie; Western wins
    return _codec(best.encoding)


def decode_bytes(
    data: bytes, declared: str | None = None, html: bool = True
) -> tuple[str, str, bool]:
    """Decode bytes -> (text, encoding, decode_errors).

    Order: byte-order mark, UTF-16 without one, declared charset (HTTP header), HTML
    meta / XML declaration, strict UTF-8, UTF-8 with a few bad bytes (replaced, flagged),
    detection, cp1252. Valid UTF-8 with multi-byte characters wins over a declared
    single-byte charset: such sequences do not happen by chance, so the label lies.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, "replace")
            return text, encoding, "\ufffd" in text
    utf16 = utf16_without_bom(data)
    if utf16:
        return data[: len(data) // 2 * 2].decode(utf16), utf16, False
    if not data.isascii():
        try:
            return data.decode("utf-8"), "utf-8", False
        except UnicodeDecodeError:
            pass
    head = data[:4096]
    labels = [declared]
    if html:
        labels += [m.group(1).decode("ascii", "ignore") for m in _META_CHARSET.finditer(head)][:1]
    labels += [m.group(1).decode("ascii", "ignore") for m in _XML_ENCODING.finditer(head)]
    for encoding in [*filter(None, map(_codec, labels)), "utf-8"]:
        try:
            return data.decode(encoding), encoding, False
        except (UnicodeDecodeError, LookupError):
            continue
    # Not valid UTF-8. Mostly-UTF-8 text with stray bytes stays UTF-8, flagged.
    replaced = data.decode("utf-8", "replace")
    bad = replaced.count("\ufffd")
    good = sum(1 for ch in replaced if ord(ch) > 127) - bad
    if good and good * 4 >= bad:  # valid multi-byte sequences rarely occur by chance
        return replaced, "utf-8", True
    for encoding in filter(None, (_detect(data), "cp1252")):
        try:
            return data.decode(encoding), encoding, False
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1"), "latin-1", False  # never fails


def _is_html(text: str, suffix: str = "") -> bool:
    if suffix.lower() in HTML_SUFFIXES:
        return True
    head = text[:2048]
    return bool(_HTML_START.match(head)) or "<body" in head.lower()


# ---------------------------------------------------------------- files


def _checked_text(
    data: bytes, source: str, declared: str | None, html_hint: bool
) -> tuple[str, str, bool]:
    if not data:
        raise OpwatchError("E001", source)
    if looks_binary(data):
        raise OpwatchError("E003", source)
    text, encoding, errors = decode_bytes(data, declared, html_hint)
    if not text.strip():
        raise OpwatchError("E002", source)
    return text, encoding, errors


def load_file(path: Path, settings: Settings) -> RawDocument:
    """Read one article file; raise OpwatchError (E001-E005) when it cannot be one."""
    source = printable(str(path))
    try:
        reason = not_a_file_reason(path)
        if reason is not None:
            raise OpwatchError("E005", f"{source}: {reason}")
        with path.open("rb") as handle:
            data = handle.read(settings.max_bytes + 1)
    except OSError as exc:
        raise OpwatchError("E005", f"{source}: {exc.strerror or exc}") from exc
    if len(data) > settings.max_bytes:
        raise OpwatchError("E004", f"{source} > {settings.max_bytes} bytes")
    html_hint = path.suffix.lower() in HTML_SUFFIXES or b"<" in data[:1024]
    text, encoding, errors = _checked_text(data, source, None, html_hint)
    return RawDocument(
        source=source,
        source_kind="file",
        content_kind="html" if _is_html(text, path.suffix) else "text",
        text=text,
        encoding=encoding,
        decode_errors=errors,
    )


def read_file(path: Path, settings: Settings) -> RawDocument | Problem:
    """Read one article file; a file that cannot be one gives a Problem (never raises)."""
    try:
        return load_file(path, settings)
    except OpwatchError as exc:
        return Problem(printable(str(path)), STAGE, exc.code, exc.message)


# ---------------------------------------------------------------- URLs and feeds


def is_feed(fetched: Fetched) -> bool:
    if fetched.media_type in ("application/rss+xml", "application/atom+xml", "application/rdf+xml"):
        return True
    head = fetched.body[:4096].lstrip(codecs.BOM_UTF8).decode("utf-8", "replace")
    return bool(_FEED_START.match(head))


def _document(source: str, fetched: Fetched, kind: str, **feed: Any) -> RawDocument:
    html_type = fetched.media_type in ("text/html", "application/xhtml+xml")
    text, encoding, errors = _checked_text(
        fetched.body, source, fetched.charset, html_type or fetched.media_type != "text/plain"
    )
    if html_type or (fetched.media_type != "text/plain" and _is_html(text)):
        content_kind = "html"
    elif fetched.media_type in ("text/plain", ""):
        content_kind = "text"
    else:  # XML that is neither a feed nor XHTML
        raise OpwatchError("E015", f"XML that is not an RSS/Atom feed: {source}")
    return RawDocument(
        source=source,
        source_kind=kind,
        content_kind=content_kind,
        text=text,
        encoding=encoding,
        decode_errors=errors,
        url=fetched.final_url,
        fetched_at=datetime.now(UTC),
        **feed,
    )


def _entry_date(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed"):
        stamp = entry.get(key)
        if stamp:
            try:
                return date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday)
            except (TypeError, ValueError):
                continue
    return None


def _ingest_feed(
    feed_url: str, fetched: Fetched, settings: Settings, **fetch_args: Any
) -> tuple[list[RawDocument], list[Problem]]:
    # Bytes, never a URL string: feedparser must not fetch anything itself.
    parsed = feedparser.parse(
        fetched.body,
        response_headers={
            "content-type": fetched.media_type or "application/xml",
            "content-location": fetched.final_url,
        },
    )
    if not parsed.entries:
        reason = parsed.get("bozo_exception") or "no entries"
        return [], [Problem(feed_url, STAGE, "E015", OpwatchError("E015", str(reason)).message)]
    docs: list[RawDocument] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for number, entry in enumerate(parsed.entries, start=1):
        label = f"{feed_url}#entry-{number}"
        link = (entry.get("link") or "").strip()
        if not link:
            problems.append(Problem(label, STAGE, "E015", OpwatchError("E015", "no link").message))
            continue
        link = urljoin(fetched.final_url, link)
        if urlsplit(link).scheme.lower() not in ("http", "https"):
            err = OpwatchError("E015", f"entry link is not http(s): {link}")
            problems.append(Problem(label, STAGE, err.code, err.message))
            continue
        if link in seen:
            continue
        seen.add(link)
        try:
            item = fetch(link, settings, **fetch_args)
            if is_feed(item):
                raise OpwatchError("E015", f"entry link is itself a feed; not followed: {link}")
            docs.append(
                _document(
                    link,
                    item,
                    "feed_item",
                    feed_title=entry.get("title"),
                    feed_published=_entry_date(entry),
                )
            )
        except OpwatchError as exc:
            problems.append(Problem(link, STAGE, exc.code, f"{exc.message} [{label}]"))
        except Exception as exc:  # one bad entry must not lose the others
            err = OpwatchError("E015", f"unexpected {type(exc).__name__}: {exc} [{label}]")
            problems.append(Problem(link, STAGE, err.code, err.message))
    return docs, problems


def _ingest_url(
    url: str, settings: Settings, **fetch_args: Any
) -> tuple[list[RawDocument], list[Problem]]:
    fetched = fetch(url, settings, **fetch_args)
    if is_feed(fetched):
        return _ingest_feed(url, fetched, settings, **fetch_args)
    return [_document(url, fetched, "url")], []


def ingest(
    sources: list[str],
    settings: Settings,
    *,
    attempts: int | None = None,
    backoff: float | None = None,
    client: httpx.Client | None = None,
) -> tuple[list[RawDocument], list[Problem]]:
    """Read every source; bad ones become Problems (stage "ingest"), never exceptions."""
    fetch_args: dict[str, Any] = {"attempts": attempts, "client": client}
    if backoff is not None:
        fetch_args["backoff"] = backoff
    docs: list[RawDocument] = []
    expanded, problems = expand(sources)
    for source in expanded:
        try:
            if is_url(source):
                fetched_docs, feed_problems = _ingest_url(source, settings, **fetch_args)
                docs.extend(fetched_docs)
                problems.extend(feed_problems)
            else:
                read = read_file(Path(source), settings)
                if isinstance(read, Problem):
                    problems.append(read)
                else:
                    docs.append(read)
        except OpwatchError as exc:
            problems.append(Problem(source, STAGE, exc.code, exc.message))
        except Exception as exc:  # a bad source must never stop the run
            code = "E014" if is_url(source) else "E005"
            message = OpwatchError(code, f"unexpected {type(exc).__name__}: {exc}").message
            problems.append(Problem(source, STAGE, code, message))
    return [_shown_document(doc) for doc in docs], [_shown_problem(p) for p in problems]


def shown_source(source: str) -> str:
    """A source as stored and shown: no credentials, printable, a long data: URL cut."""
    if not is_url(source):
        return printable(source)
    shown = printable(strip_credentials(source))
    return shown if len(shown) <= 500 else shown[:499] + "…"


def _shown_document(doc: RawDocument) -> RawDocument:
    url = strip_credentials(doc.url) if doc.url else doc.url
    return replace(doc, source=shown_source(doc.source), url=url)


def _shown_problem(problem: Problem) -> Problem:
    message = scrub_credentials(problem.message).encode("utf-8", "backslashreplace").decode()
    return replace(problem, source=shown_source(problem.source), message=message)


# ingest() never raises, so Prefect retries would only repeat the same Problems.
__all__ = [
    "ARTICLE_SUFFIXES",
    "FetchError",
    "decode_bytes",
    "expand_sources",
    "ingest",
    "is_url",
    "load_file",
    "read_file",
]
