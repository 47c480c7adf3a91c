"""Date spans, date labels and numeric date order; dateparser reads each span.

The spans and labels are ours (regular expressions over one line); dateparser turns a
span into a date, offline, English only, with the day/month order we decide:
unambiguous numeric dates elsewhere in the text first, then the outlet's country (its
web domain), then how the text writes named dates ("March 16" or "16 March"), and
day-first when nothing tells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Literal
from urllib.parse import urlsplit

MIN_YEAR = 1990
Order = Literal["DMY", "MDY"]

# Countries (and generic domains) whose outlets write numeric dates month-first.
MONTH_FIRST_COUNTRIES = {"us", "ph", "fm", "mh", "pw", "gov", "mil", "edu"}

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# Month names of the languages whose page furniture most often survives translation.
_FOREIGN_MONTH = (
    r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|se?ptiembre|octubre|noviembre|"
    r"diciembre|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro|"
    r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|décembre|januar|"
    r"februar|märz|juni|juli|oktober|dezember|gennaio|febbraio|aprile|maggio|giugno|luglio|"
    r"settembre|ottobre|dicembre|januari|februari|maart|mei|augustus)"
)
FOREIGN_LANGUAGES = ["es", "pt", "fr", "de", "it", "nl"]
_DAY = r"[0-3]?\d(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_SPANS: list[tuple[str, re.Pattern[str]]] = [
    # 2011-03-16, 2011/03/16, 2011.03.16 (a time after it is not part of the span)
    ("ymd", re.compile(rf"(?<![\d.]){_YEAR}([-/.])[01]?\d\1[0-3]?\d(?!\d)")),
    # 16/12/2011, 12.16.2011, 16-12-2011; two-digit years only with / or . (10/11/16)
    (
        "numeric",
        re.compile(
            rf"(?<![\d./-])[0-3]?\d([-/.])[0-3]?\d\1{_YEAR}(?!\d)"
            r"|(?<![\d./-])(?:[0-3]?\d/[0-3]?\d/|[0-3]\d\.[01]\d\.)\d\d(?![\d/]|\.\d)"
        ),
    ),
    # 16 March 2011, 14th March, 2017, 16th of March, 2011, 16-Mar-2011
    ("named", re.compile(rf"(?<!\w){_DAY}(?:\s+of)?[\s-]+{_MONTH},?[\s-]+{_YEAR}(?!\d)", re.I)),
    # March 16, 2011, Mar. 16 2011, November 3rd, 2020, Sept 21st 2025
    ("named", re.compile(rf"(?<!\w){_MONTH}\s+{_DAY},?\s+{_YEAR}(?!\d)", re.I)),
    # 27 de julho de 2010, 16. März 2011, 16 mars 2011
    (
        "foreign",
        re.compile(
            rf"(?<!\w)[0-3]?\d\.?\s+(?:de\s+)?{_FOREIGN_MONTH}\s+(?:de\s+)?{_YEAR}(?!\d)", re.I
        ),
    ),
    # 2011年3月16日
    ("cjk", re.compile(rf"{_YEAR}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日")),
]
_UNAMBIGUOUS = re.compile(r"(?<![\d./-])([0-3]?\d)[/.]([0-3]?\d)[/.](?:\d\d|\d{4})(?![\d])")
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+[0-3]?\d(?:st|nd|rd|th)?\b", re.I)
_DAY_MONTH = re.compile(rf"\b[0-3]?\d(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}\b", re.I)

# Labels that say which date a line gives. A few non-English words are kept because
# translated pages often keep the original page furniture ("Atualizado em").
PUBLISHED_LABEL = re.compile(
    r"\b(published|posted|issued|released|dated|date|publication date|first published|"
    r"originally published|press release|erstellt|ver[öo]ffentlicht|publi[eé]|publicado|"
    r"pubblicato|gepubliceerd)\b",
    re.I,
)
UPDATED_LABEL = re.compile(
    r"\b(updated|modified|last modified|last updated|amended|edited|revised|"
    r"aktualisiert|atualizado|actualizado|aggiornato|bijgewerkt|mis [àa] jour)\b",
    re.I,
)
# Parts of a date line that are not words: times (10:21 AM, 17h19, 8.40pm), zones, weekdays.
TIME = re.compile(
    r"\b\d{1,2}(?:[:.h]\d\d)(?::\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.|hrs?)?(?!\d)|\b\d{1,2}\s*(?:am|pm)\b"
    r"|\b[AP]M\b|\b(?:GMT|UTC|CET|CEST|BST|EST|EDT|CST|CDT|PST|PDT|IST|AEST|AEDT)\b"
    r"(?:\s*[+-]\s*\d{1,2}(?::?\d\d)?)?",
    re.I,
)
WEEKDAY = re.compile(
    r"\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\b\.?", re.I
)


@dataclass(frozen=True)
class FoundDate:
    day: date
    start: int
    end: int


def date_spans(line: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every date-shaped span in `line`, in order, without overlaps.

    Regular expressions only: cheap enough for every line of an article.
    """
    spans: list[tuple[int, int, str]] = []
    for kind, pattern in _SPANS:
        for match in pattern.finditer(line):
            if any(s < match.end() and match.start() < e for s, e, _ in spans):
                continue
            spans.append((match.start(), match.end(), kind))
    return sorted(spans)


@cache
def _parser(order: str, foreign: bool = False):  # noqa: ANN202 - dateparser's type is private
    """English only, or the few FOREIGN_LANGUAGES: never detection over every language."""
    from dateparser.date import DateDataParser  # imported late: it takes ~1 s

    settings = {
        "DATE_ORDER": order,
        "PREFER_LOCALE_DATE_ORDER": False,
        "STRICT_PARSING": True,
        "REQUIRE_PARTS": ["day", "month", "year"],
        "PARSERS": ["absolute-time"],
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    return DateDataParser(languages=FOREIGN_LANGUAGES if foreign else ["en"], settings=settings)


@lru_cache(maxsize=4096)
def parse_span(span: str, kind: str, order: Order = "DMY") -> date | None:
    """One span -> a date, or None when it is not a real date (31/02/2011)."""
    text = re.sub(r"\s+", " ", span.strip())
    if kind == "cjk":
        text, kind = "-".join(re.findall(r"\d+", text)), "ymd"
    if kind == "numeric":
        day = _parse(text, order) or _parse(text, "MDY" if order == "DMY" else "DMY")
    else:
        day = _parse(text, "YMD" if kind == "ymd" else "DMY", foreign=kind == "foreign")
    if day is None or day.year < MIN_YEAR or not _agrees(text, kind, day):
        return None
    return day


def _agrees(text: str, kind: str, day: date) -> bool:
    """dateparser may repair a numeric date (2011-13-01); keep only the literal readings."""
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if kind == "ymd":
        return numbers == [day.year, day.month, day.day]
    if kind == "numeric":
        return numbers[:2] in ([day.day, day.month], [day.month, day.day])
    return True


def _parse(text: str, order: str, foreign: bool = False) -> date | None:
    parsed = _parser(order, foreign).get_date_data(text)
    if parsed.date_obj is None or parsed.period != "day":
        return None
    return parsed.date_obj.date()


def find_dates(line: str, order: Order = "DMY") -> list[FoundDate]:
    """Every full date (day, month, year) in `line`, in order."""
    found = []
    for start, end, kind in date_spans(line):
        day = parse_span(line[start:end], kind, order)
        if day is not None:
            found.append(FoundDate(day, start, end))
    return found


def site_country(site: str | None) -> str | None:
    """The last label of a web domain ('uk' for www.bbc.co.uk), from a URL or a host name."""
    if not site:
        return None
    host = urlsplit(site if "//" in site else f"//{site}").hostname or ""
    label = host.rstrip(".").rsplit(".", 1)[-1].lower()
    return label if "." in host and label.isalpha() else None


def numeric_order(text: str, site: str | None = None) -> Order:
    """How to read an ambiguous numeric date such as 03/04/2012 in this article."""
    first = second = 0
    for match in _UNAMBIGUOUS.finditer(text):
        a, b = int(match.group(1)), int(match.group(2))
        first += a > 12 and 1 <= b <= 12
        second += b > 12 and 1 <= a <= 12
    if first != second:
        return "DMY" if first > second else "MDY"
    country = site_country(site)
    if country in MONTH_FIRST_COUNTRIES:
        return "MDY"
    if country is not None and len(country) == 2:
        return "DMY"
    month_day, day_month = len(_MONTH_DAY.findall(text)), len(_DAY_MONTH.findall(text))
    return "MDY" if month_day >= 2 and month_day > 2 * day_month else "DMY"
