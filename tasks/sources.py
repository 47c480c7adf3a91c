"""Which inputs a run was given: paths, folders, globs and URLs, each one accounted for.

Folders are walked by hand so that nothing is skipped in silence: a folder that cannot be
read, a symlink loop, a broken link and a special file (FIFO, device, socket) each become
a Problem with a reason. File names that are not valid UTF-8 are shown with \\xNN escapes
(`printable`), so they can be stored, logged and validated like any other name.
"""

from __future__ import annotations

import errno
import glob
import os
import re
import stat
from pathlib import Path

from opwatch.errors import OpwatchError
from opwatch.records import Problem
from opwatch.tasks.urls import url_scheme

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
ARTICLE_SUFFIXES = (".txt", *HTML_SUFFIXES)
STAGE = "ingest"
_URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SURROGATE = re.compile("[\udc80-\udcff]")  # an undecodable byte, as os.fsdecode keeps it


def printable(name: str) -> str:
    """A path as text that always encodes: undecodable bytes and controls as \\xNN."""
    text = os.fsencode(name).decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def transportable(source: str) -> str:
    """A source that JSON (Prefect flow parameters) can carry. In a name that is not valid
    UTF-8, each undecodable byte becomes '?' in a glob that matches the file again, or
    %XX in a URL."""
    try:
        source.encode("utf-8")
        return source
    except UnicodeEncodeError:
        pass
    if is_url(source):
        return _SURROGATE.sub(lambda m: f"%{ord(m.group()) - 0xDC00:02X}", source)
    return _SURROGATE.sub("?", glob.escape(source))


def is_url(source: str) -> bool:
    """'scheme://...', or a 'scheme:' source (javascript:, data:) that is not a path."""
    source = source.strip()
    if _URL_LIKE.match(source):
        return True
    return url_scheme(source) is not None and not os.path.lexists(source)


def _problem(path: str, detail: str) -> Problem:
    error = OpwatchError("E005", f"{printable(path)}: {detail}")
    return Problem(printable(path), STAGE, error.code, error.message)


def not_a_file_reason(path: Path) -> str | None:
    """Why `path` is not a regular file that can be read, or None when it is one."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop"
        if path.is_symlink():
            return "broken symlink: its target does not exist"
        return exc.strerror or str(exc)
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder with no .txt/.html/.htm articles in it"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a regular file: not read"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file: not read"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file: not read"
    return "not a regular file: not read"


def _walk(
    folder: Path,
    problems: list[Problem],
    seen: set[tuple[int, int]] | None = None,
    ancestors: tuple[tuple[int, int], ...] = (),
) -> list[str]:
    """Article files under `folder` (sorted, hidden names skipped); the rest -> problems."""
    seen = set() if seen is None else seen
    try:
        info = folder.stat()
    except OSError as exc:
        problems.append(_problem(str(folder), not_a_file_reason(folder) or str(exc)))
        return []
    key = (info.st_dev, info.st_ino)
    if key in ancestors:
        problems.append(_problem(str(folder), "symlink loop: it leads back to a folder above it"))
        return []
    if key in seen:
        return []  # a second link to a folder already walked: its articles are listed
    seen.add(key)
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: os.fsencode(e.name))
    except OSError as exc:
        problems.append(_problem(str(folder), f"folder cannot be read: {exc.strerror or exc}"))
        return []
    found: list[str] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        reason = not_a_file_reason(path)
        if reason is None:
            if path.suffix.lower() in ARTICLE_SUFFIXES:
                found.append(entry.path)
        elif reason.startswith("a folder"):
            found.extend(_walk(path, problems, seen, (*ancestors, key)))
        else:  # loops, broken links, FIFOs, devices, sockets: never silently skipped
            problems.append(_problem(entry.path, reason))
    return found


def expand(sources: list[str]) -> tuple[list[str], list[Problem]]:
    """Sources -> (article paths and URLs in order, Problems for what cannot be read).

    A source that matches nothing is kept as given, so reading it reports it.
    """
    out: list[str] = []
    problems: list[Problem] = []
    for raw in sources:
        source = raw.strip()
        if not source:
            continue
        if is_url(source):
            out.append(source)
            continue
        path = Path(source).expanduser()
        if path.is_dir():
            before = len(problems)
            out.extend(_walk(path, problems) or ([] if len(problems) > before else [source]))
        elif os.path.lexists(path):
            out.append(str(path))
        elif glob.has_magic(source):
            matched: list[str] = []
            for hit in sorted(glob.glob(os.path.expanduser(source), recursive=True)):
                hit_path = Path(hit)
                matched.extend(_walk(hit_path, problems) if hit_path.is_dir() else [hit])
            out.extend(matched or [source])
        else:
            out.append(source)
    return list(dict.fromkeys(out)), problems


def expand_sources(sources: list[str]) -> list[str]:
    """Files, directories (recursive .txt/.html/.htm), globs and URLs -> sources, in order."""
    return expand(sources)[0]
