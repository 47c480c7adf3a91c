"""URL rules shared by fetch and ingest: schemes, media paths and credentials.

Pure functions (no network): what may be requested, and how a URL is shown or stored.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

FETCHED_SCHEMES = ("http", "https")
# Paths whose last segment ends with one of these are media or binaries: never requested.
MEDIA_SUFFIXES = (
    ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".gif", ".webp", ".bmp", ".svg", ".svgz", ".ico",
    ".tif", ".tiff", ".heic", ".heif", ".avif", ".jxl", ".mp4", ".m4v", ".mov", ".avi", ".mkv",
    ".webm", ".wmv", ".flv", ".mpg", ".mpeg", ".3gp", ".m3u8", ".mpd", ".ts", ".mp3", ".wav",
    ".ogg", ".oga", ".ogv", ".opus", ".flac", ".aac", ".m4a", ".pdf", ".zip", ".rar", ".7z",
    ".gz", ".tgz", ".bz2", ".xz", ".tar", ".exe", ".dmg", ".iso", ".apk", ".msi", ".torrent",
)  # fmt: skip
# A URL scheme at the start of a source ("javascript:", "data:", "ftp://"); two letters or
# more, so a Windows drive ("C:\\") is not taken for one.
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")
# user[:password]@ right after "scheme://", anywhere in a text (messages, reasons).
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s@]*@")


def url_scheme(source: str) -> str | None:
    """The lower-case scheme a source starts with, or None when it has none."""
    match = _SCHEME.match(source.strip())
    return match.group(1).lower() if match else None


def strip_credentials(url: str) -> str:
    """The URL without any user:password@ part (what is stored and shown)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return scrub_credentials(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def scrub_credentials(text: str) -> str:
    """Every URL inside a free text (a message, a reason) without its user:password@."""
    return _USERINFO.sub(r"\1", text)


def short(url: str, limit: int = 120) -> str:
    """A URL fit for a message: no credentials, at most `limit` characters."""
    shown = strip_credentials(url)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def names_media(url: str) -> bool:
    """True when the URL's path names a media or binary file, however it is spelled.

    Percent-encoding (also double), upper case, ";params", trailing slashes and dots are
    all seen through: ".jpg/", ".MP4;jsessionid=1" and "%2Ejpg" name media files.
    """
    try:
        path = urlsplit(url).path
    except ValueError:
        return False
    for _ in range(3):  # "%252Ejpg" -> "%2Ejpg" -> ".jpg"
        decoded = unquote(path)
        if decoded == path:
            break
        path = decoded
    segments = [seg.split(";", 1)[0].strip().rstrip(". ") for seg in path.split("/")]
    segments = [seg for seg in segments if seg]
    return bool(segments) and segments[-1].lower().endswith(MEDIA_SUFFIXES)
