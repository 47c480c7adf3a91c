"""Publication dates: from HTML metadata when given, else from the article's header.

The header is the first few non-empty lines before the body prose starts (title,
standfirst, byline, date line). Dates in the body are events, not the publication date,
and are never read. Two exceptions, both strict: a dateline that opens a first paragraph
("THE HAGUE, 16 December 2011 - ..."), and a footer line that starts with a label
("Published: 16 March 2011"). Numeric dates are read day-first unless that is
impossible (12/16/2011).
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from dataclasses import dataclass
from datetime import date

MAX_HEADER_LINES = 10
FOOTER_LINES = 5
MIN_YEAR = 1990

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_PATTERNS = [
    # 2011-03-16, 2011/03/16, 2011.03.16 (time after it is ignored)
    re.compile(
        r"(?<![\d.])(?P<year>(?:19|20)\d\d)([-/.])(?P<month>[01]?\d)\2(?P<day>[0-3]?\d)(?!\d)"
    ),
    # 16/12/2011, 16.12.2011, 16-12-2011
    re.compile(
        r"(?<![\d.])(?P<day>[0-3]?\d)([-/.])(?P<month>[01]?\d)\2(?P<year>(?:19|20)\d\d)(?![\d])"
    ),
    # 16 March 2011, 16th of March, 2011, 16-Mar-2011
    re.compile(rf"(?<![\w]){_DAY}(?:\s+of)?[\s-]+{_MONTH},?[\s-]+{_YEAR}(?!\d)", re.I),
    # March 16, 2011, Mar. 16 2011, November 3rd, 2020
    re.compile(rf"(?<![\w]){_MONTH}\s+{_DAY},?\s+{_YEAR}(?!\d)", re.I),
    # 2011年3月16日
    re.compile(r"(?P<year>(?:19|20)\d\d)\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"),
]
_TIME = re.compile(r"\b\d{1,2}[:.]\d\d(?::\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.)?|\b[AP]M\b", re.I)
_WEEKDAY = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\b", re.I)
_PUBLISHED = re.compile(
    r"\b(published|posted|issued|released|dated|date|first published|press release|"
    r"erstellt|publi[eé])\b",
    re.I,
)
_UPDATED = re.compile(r"\b(updated|modified|last modified|last updated|amended|edited)\b", re.I)
_FOOTER_LABEL = re.compile(r"^(published|posted|first published|date|dated|issued)\b", re.I)
_NOT_DATELINE = {"on", "in", "since", "from", "until", "before", "after", "between", "during"}
_SENTENCE_END = tuple(".!?\"'”’:;)")


@dataclass(frozen=True)
class FoundDate:
    day: date
    start: int
    end: int


def _build(match: re.Match[str]) -> date | None:
    parts = match.groupdict()
    year, day = int(parts["year"]), int(parts["day"])
    if parts.get("mon"):
        month = _MONTHS[parts["mon"].lower()[:3]]
    else:
        month = int(parts["month"])
        if month > 12 and day <= 12 and match.re is _PATTERNS[1]:
            month, day = day, month  # 12/16/2011: month-first is the only reading
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(line: str) -> list[FoundDate]:
    """Every full date (day, month, year) in `line`, in order, without overlaps."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []  # spans kept so far, sorted and disjoint
    for pattern in _PATTERNS:
        for match in pattern.finditer(line):
            day = _build(match)
            if day is None or day.year < MIN_YEAR:
                continue
            i = bisect_left(taken, (match.end(),))  # spans starting before this one ends
            if i > 0 and taken[i - 1][1] > match.start():
                continue  # overlaps a date already found (binary search: no quadratic scan)
            insort(taken, (match.start(), match.end()))
            found.append(FoundDate(day, match.start(), match.end()))
    return sorted(found, key=lambda f: f.start)


def _is_prose(line: str) -> bool:
    """A body paragraph: a long sentence, or simply a long line."""
    words = len(line.split())
    return len(line) > 200 or (words >= 12 and line.rstrip().endswith(_SENTENCE_END))


def header(text: str) -> tuple[list[str], list[str]]:
    """(short header lines, the first prose paragraphs) of a cleaned article.

    The header runs until the second prose paragraph (the first may be a standfirst) or
    MAX_HEADER_LINES non-empty lines. Dates are read from its short lines only.
    """
    lines: list[str] = []
    prose: list[str] = []
    for count, raw in enumerate(filter(None, map(str.strip, text.splitlines())), start=1):
        if _is_prose(raw):
            prose.append(raw)
            if len(prose) == 2:
                break
        else:
            lines.append(raw)
        if count >= MAX_HEADER_LINES:
            break
    return lines, prose


def footer(text: str) -> list[str]:
    """The last few short lines: a 'Published: ...' line sometimes ends an article."""
    tail = [ln for ln in map(str.strip, text.splitlines()[-FOOTER_LINES:]) if ln]
    return [ln for ln in tail if not _is_prose(ln)]


def _remainder_words(line: str, found: FoundDate) -> int:
    rest = line[: found.start] + " " + line[found.end :]
    rest = _WEEKDAY.sub(" ", _TIME.sub(" ", rest))
    return len([w for w in re.split(r"[\s|,;:()\[\]/•·–—-]+", rest) if re.search(r"\w", w)])


def _rank(line: str, found: FoundDate) -> int | None:
    """0: labelled as published; 1: a date line or byline; 2: labelled updated; None: no."""
    before = line[: found.start]
    if _PUBLISHED.search(before) and not _UPDATED.search(before):
        return 0
    if _UPDATED.search(before):
        return 2
    if re.match(r"by\s", line, re.I):
        return 1  # a byline: "By Jane Doe on March 16, 2011"
    previous = re.findall(r"\w+", before.lower())[-1:]
    if previous and previous[0] in _NOT_DATELINE:
        return None  # "raids on 16 March 2011": an event
    if _remainder_words(line, found) <= 6:
        return 1
    return None  # a date inside a standfirst sentence: an event, not the publication


def _dateline(line: str) -> date | None:
    """A date that opens the first paragraph: 'BRUSSELS, 16 March 2011 - Police ...'."""
    for found in find_dates(line[:80])[:1]:
        prefix = line[: found.start].strip()
        words = re.findall(r"[^\W\d_][\w.'-]*", prefix)
        if len(words) > 5 or any(w.lower() in _NOT_DATELINE for w in words):
            return None
        if any(w[0].islower() for w in words):
            return None
        after = _TIME.sub("", line[found.end : found.end + 24]).lstrip(" ,")
        after = re.sub(r"^\(?[A-Z]{2,5}\)?\s*", "", after)  # a time zone: GMT, (CET)
        if after[:1] in ("-", "–", "—", ":", "|") or (after[:1] == "." and prefix.endswith(",")):
            return found.day
    return None


def _parse_meta(meta_date: str) -> date | None:
    found = find_dates(meta_date.strip())
    return found[0].day if found else None


def publication_date(
    text: str, meta_date: str | None = None, today: date | None = None
) -> date | None:
    """The article's publication date, or None when it does not state one.

    `meta_date` (HTML metadata, e.g. trafilatura's) wins when it parses and is not in
    the future; otherwise the header of `text` is read. Never returns a date after today.
    """
    today = today or date.today()
    if meta_date:
        day = _parse_meta(meta_date)
        if day is not None and day <= today:
            return day
    lines, prose = header(text)
    best: tuple[int, int, date] | None = None
    for position, line in enumerate(lines):
        for found in find_dates(line):
            rank = _rank(line, found)
            if rank is None or found.day > today:
                continue
            if best is None or (rank, position) < best[:2]:
                best = (rank, position, found.day)
    if best is not None:
        return best[2]
    for paragraph in prose:
        day = _dateline(paragraph)
        if day is not None and day <= today:
            return day
    for line in footer(text):
        found = find_dates(line)
        if found and _FOOTER_LABEL.match(line) and found[0].day <= today:
            return found[0].day
    return None
