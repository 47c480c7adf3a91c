"""Publication dates: from HTML metadata when given, else from the article's own date line.

Where a publication date is read, best first:
1. HTML metadata (trafilatura), when it parses and is not in the future.
2. The header: the first few non-empty lines before the body prose (title, standfirst,
   byline, date line). A labelled date ("Published:", "Posted on", "Originally published
   by ... ,", "date 2022-09-08" opening a line) beats an unlabelled date line or byline,
   which beats an "Updated" date. A date line above the headline that another date line
   below it contradicts is page chrome (often the day the page was fetched), and so is a
   date equal to today; either loses to the article's own date.
3. A wire dateline opening the first paragraph: "BRUSSELS, 16 March 2011 - ...",
   "WASHINGTON (March 16, 2011) - ...", "LONDON, 16 March 2011 (Reuters) - ...". It
   ranks as a date line below the header, so it only beats header dates that are chrome.
4. A labelled line among the last few ("Published: 16 March 2011").
Other dates in the body are events, never the publication date. Numeric dates are read
in the order `date_grammar.numeric_order` decides (day-first unless told otherwise).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from opwatch.models.normalize.date_grammar import (
    PUBLISHED_LABEL,
    TIME,
    UPDATED_LABEL,
    WEEKDAY,
    FoundDate,
    Order,
    date_spans,
    find_dates,
    numeric_order,
)

__all__ = ["FoundDate", "date_spans", "find_dates", "footer", "header", "publication_date"]

MAX_HEADER_LINES = 10
FOOTER_LINES = 5
DATELINE_CHARS = 100  # a wire dateline's date starts this close to the paragraph start

# Ranks of a header date: lower wins, then the earlier line.
LABELLED, DATE_LINE, UPDATED, CHROME = 0, 1, 2, 3

_FOOTER_LABEL = re.compile(
    r"^(published|posted|first published|originally published|date|dated|issued|"
    r"this (article|story|report) was (first |originally )?published)\b",
    re.I,
)
# A label that opens a line, straight before its date: "Published: ", "date ", "Posted on ".
_OPENING_LABEL = re.compile(
    rf"^[\s•·*|>-]*(?:{PUBLISHED_LABEL.pattern})\s*(?:[:|–—-]\s*|(?:on|the|le|el|em|am|il|op)\s+)*"
    rf"(?:{WEEKDAY.pattern}[\s,]*)?",
    re.I,
)
# A time after a date, with its preposition: ", at 10:05 am", "à 10h05", "um 10.05 Uhr".
_TIME_AFTER = re.compile(
    rf"^[\s,]*(?:(?:at|à|às|um|alle|om)\s+)?(?:{TIME.pattern})(?:\s*uhr\b)?", re.I
)
_NOT_DATELINE = {"on", "in", "since", "from", "until", "before", "after", "between", "during"}
_SENTENCE_END = tuple(".!?\"'”’:;)")
_SEPARATORS = ("-", "–", "—", ":", "|")


@dataclass(frozen=True)
class _Candidate:
    rank: int
    line: int
    day: date


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


def _remainder_words(line: str) -> int:
    """Words left on a line once its dates, times, zones and weekdays are taken out."""
    rest = line
    for start, end, _ in reversed(date_spans(line)):
        rest = rest[:start] + " " + rest[end:]
    rest = WEEKDAY.sub(" ", TIME.sub(" ", rest))
    return len([w for w in re.split(r"[\s|,;:()\[\]/•·–—-]+", rest) if re.search(r"\w", w)])


def _rank(line: str, found: FoundDate) -> int | None:
    """LABELLED, DATE_LINE (a date line or byline), UPDATED, or None: not a publication date."""
    before = line[: found.start]
    labels = [(m.end(), UPDATED) for m in UPDATED_LABEL.finditer(before)]
    labels += [(m.end(), LABELLED) for m in PUBLISHED_LABEL.finditer(before)]
    if labels:
        return max(labels)[1]  # the label nearest the date
    if re.match(r"by\s", line, re.I):
        return DATE_LINE  # a byline: "By Jane Doe on March 16, 2011"
    previous = re.findall(r"\w+", before.lower())[-1:]
    if previous and previous[0] in _NOT_DATELINE:
        return None  # "raids on 16 March 2011": an event
    if _remainder_words(line) <= 6:
        return DATE_LINE
    return None  # a date inside a standfirst sentence: an event, not the publication


def labelled_opening(line: str, order: Order = "DMY") -> date | None:
    """A line that opens with a publication label and its date, even when prose follows:
    'Published: 16 March 2011', 'date 2022-09-08 Police in ...'. Not 'Posted on 5 March
    2011 by a user ...', where the sentence goes on in lower case."""
    label = _OPENING_LABEL.match(line)
    if not label:
        return None
    found = [f for f in find_dates(line[: label.end() + 40], order) if f.start == label.end()]
    if not found:
        return None
    after = _TIME_AFTER.sub("", line[found[0].end :]).lstrip(" ,")
    if after[:1].islower() or (after[:1].isalpha() and line[found[0].end :].startswith(",")):
        return None
    return found[0].day


def _dateline(paragraph: str, order: Order) -> date | None:
    """A wire dateline: 'PLACE, DATE -', 'PLACE (DATE) -', 'PLACE (AGENCY) DATE -',
    'PLACE, DATE (AGENCY) -', 'PLACE--(AGENCY - DATE) -'."""
    for found in find_dates(paragraph[:DATELINE_CHARS], order)[:1]:
        prefix = paragraph[: found.start]
        words = re.findall(r"[^\W\d_][\w.'’-]*", prefix)
        if len(words) > 6 or any(w.lower() in _NOT_DATELINE for w in words):
            return None
        if any(w[0].islower() for w in words):
            return None
        after = TIME.sub("", paragraph[found.end : found.end + 40]).lstrip(" ,")
        if prefix.count("(") > prefix.count(")"):
            if not after.startswith(")"):
                return None
            after = after[1:].lstrip()  # the date closed a parenthesis: "(March 16, 2011)"
        after = re.sub(r"^\([^()]{1,30}\)\s*", "", after)  # (Reuters), (CET)
        if after[:1] in _SEPARATORS or (after[:1] == "." and prefix.rstrip().endswith(",")):
            return found.day
    return None


def _header_candidates(lines: list[str], prose: list[str], order: Order) -> list[_Candidate]:
    candidates = []
    for position, line in enumerate(lines):
        opening = labelled_opening(line, order)
        if opening is not None:
            candidates.append(_Candidate(LABELLED, position, opening))
            continue
        for found in find_dates(line, order):
            rank = _rank(line, found)
            if rank is not None:
                candidates.append(_Candidate(rank, position, found.day))
    for paragraph in prose:
        opening = labelled_opening(paragraph, order)
        if opening is not None:
            candidates.append(_Candidate(LABELLED, len(lines), opening))
    datelines = [day for day in (_dateline(p, order) for p in prose) if day is not None]
    if datelines:  # below every header line: it only wins over page chrome
        candidates.append(_Candidate(DATE_LINE, len(lines), datelines[0]))
    return candidates


def _demote_chrome(candidates: list[_Candidate], lines: list[str], today: date) -> list[_Candidate]:
    """A date line above the headline with the article's own date line below it, or an
    unlabelled date equal to today beside another date line, is the page's own."""
    out = []
    for c in candidates:
        others = [o for o in candidates if o.day != c.day and o.rank <= UPDATED]
        later = [o for o in others if o.line > c.line and o.rank <= DATE_LINE]
        headline_between = any(
            len(lines[i].split()) >= 4 and not date_spans(lines[i])
            for o in later
            for i in range(c.line + 1, min(o.line, len(lines)))
        )
        is_today = (
            c.rank == DATE_LINE and c.day == today and any(o.rank <= DATE_LINE for o in others)
        )
        chrome = (c.rank == DATE_LINE and headline_between) or is_today
        out.append(_Candidate(CHROME, c.line, c.day) if chrome else c)
    return out


def publication_date(
    text: str,
    meta_date: str | None = None,
    today: date | None = None,
    site: str | None = None,
) -> date | None:
    """The article's publication date, or None when it does not state one.

    `meta_date` (HTML metadata, e.g. trafilatura's) wins when it parses and is not in
    the future; otherwise `text` is read. `site` (the page's URL or host name) helps
    decide day-first or month-first numeric dates. Never returns a date after today.
    """
    today = today or date.today()
    if meta_date:
        found = find_dates(meta_date.strip())
        if found and found[0].day <= today:
            return found[0].day
    order = numeric_order(text, site)
    lines, prose = header(text)
    candidates = [c for c in _header_candidates(lines, prose, order) if c.day <= today]
    if candidates:
        best = min(_demote_chrome(candidates, lines, today), key=lambda c: (c.rank, c.line))
        return best.day
    for line in footer(text):
        found = find_dates(line, order)
        if found and _FOOTER_LABEL.match(line) and found[0].day <= today:
            return found[0].day
    return None
