"""Scope of a figure: the country or place its count is limited to.

Countries are resolved by opwatch.models.normalize.countries.country_code (names, short forms,
demonyms -> ISO2), imported lazily. While that module is absent a tiny pycountry
fallback covers names and a few common aliases.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

_FALLBACK_ALIASES = {
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "british": "GB",
    "us": "US",
    "usa": "US",
    "united states": "US",
    "america": "US",
    "american": "US",
    "chinese": "CN",
    "chinese mainland": "CN",
    "mainland china": "CN",
    "hong kong": "HK",
    "taiwan": "TW",
    "russia": "RU",
    "german": "DE",
    "australian": "AU",
    "danish": "DK",
    "dutch": "NL",
    "french": "FR",
    "canadian": "CA",
    "philippine": "PH",
    "filipino": "PH",
    "indian": "IN",
    "spanish": "ES",
    "italian": "IT",
    "swedish": "SE",
    "norwegian": "NO",
    "polish": "PL",
    "brazilian": "BR",
    "new zealand": "NZ",
    "south korea": "KR",
    "vietnam": "VN",
    "the netherlands": "NL",
    "holland": "NL",
    "czech republic": "CZ",
    "irish": "IE",
}
_NOT_PLACES = {
    "operation",
    "police",
    "europol",
    "interpol",
    "the",
    "fbi",
    "april",
    "may",
    "march",
    "june",
    "july",
    "august",
    "a",
    "an",
    "it",
    "he",
    "she",
    "they",
    "worldwide",
    "internet",
    "web",
    "i",
    "in",
    "and",
    "but",
    "according",
}


def _fallback_code(surface: str) -> str | None:
    key = surface.strip().lower()
    if key in _FALLBACK_ALIASES:
        return _FALLBACK_ALIASES[key]
    if key in _NOT_PLACES or len(key) < 4:
        return None
    import pycountry

    try:
        return str(pycountry.countries.lookup(surface.strip()).alpha_2)
    except LookupError:
        return None


@lru_cache(maxsize=1)
def _resolver() -> Callable[[str], str | None]:
    try:
        from opwatch.models.normalize.countries import country_code
    except ImportError:
        return _fallback_code
    return country_code


@lru_cache(maxsize=4096)
def country_code(surface: str) -> str | None:
    """ISO2 for a country name, short form or demonym; None if it is not one."""
    if surface.strip().lower() in _NOT_PLACES:
        return None
    try:
        return _resolver()(surface)
    except Exception:  # a lookup must never break extraction
        return None


_CAP_RUN = re.compile(r"(?:the\s+)?[A-Z][\w'.-]*(?:\s+(?:of\s+)?[A-Z][\w'.-]*)*(?:\s+mainland)?")
_WORLDWIDE = re.compile(
    r"\b(?:worldwide|world-wide|globally|across\s+the\s+(?:world|globe)|"
    r"around\s+the\s+(?:world|globe)|throughout\s+the\s+world|"
    r"in\s+total|in\s+all|overall)\b",
    re.I,
)
_RIGHT_PLACE = re.compile(
    r"^\s*(?:[\w'-]+\s+){0,3}?(?:in|inside|within|from|across|outside|"
    r"throughout)\s+(?:the\s+)?(?=[A-Z])",
    re.I,
)


def _place_at(text: str, pos: int) -> tuple[str, str, int] | None:
    """(surface, ISO2, end) for the longest country-like capitalised run at `pos`."""
    m = _CAP_RUN.match(text, pos)
    if not m:
        return None
    words = m.group().split()
    for n in range(len(words), 0, -1):
        surface = " ".join(words[:n])
        if surface.endswith(".") and not re.search(r"[A-Z]\.[A-Z]\.$", surface):
            surface = surface[:-1]
        code = country_code(surface.removeprefix("the ").strip())
        if code:
            start = pos + m.group().find(words[0])
            end = start + len(surface)
            return text[start:end], code, end
    return None


# "<Demonym/Country> [National] Police said ...": the agency speaks; its nationality is
# not where the people were.
_AGENCY_SPEAKS = re.compile(
    r"^\s*(?:[\w'.-]+\s+){0,4}?(?:police|authorities|officials|prosecutors|ministry|"
    r"agency|government|investigators|gendarmerie|guard)\b[^.;]*?\b(?:said|says|announced|"
    r"reported|told|stated|revealed|confirmed|added|explained)\b",
    re.I,
)


_LIST_NEXT = re.compile(r"\s*(?:,|and|or)\s*(?:the\s+)?(?=[A-Z])")
_OUTSIDE_BEFORE = re.compile(r"\boutside\s+(?:the\s+)?$", re.I)
_OUTSIDE_BEFORE_LOWER = re.compile(r"\boutside\s+(?:the\s+)?$")


def _outside_before(sentence: str, pos: int, pattern: re.Pattern = _OUTSIDE_BEFORE):
    """'outside (the)' right before `pos` (only the last few characters are read)."""
    return pattern.search(sentence, max(0, pos - 30), pos)


def _is_list(text: str, end: int) -> bool:
    """True when the place is followed by more countries ('the UK, US and Canada')."""
    m = _LIST_NEXT.match(text, end)
    if not m:
        return False
    return _place_at(text, m.end()) is not None


def find_scope(
    sentence: str, start: int, end: int, left_bound: int, right_bound: int
) -> tuple[str | None, str | None]:
    """(ISO2 or None, place as written or None) for the number at sentence[start:end].

    Looks right of the number for "in/across/from <place>" up to the next figure, then
    left back to the previous figure for "<Demonym> police ...", "in <Country> one man".
    A list of several countries, or "worldwide", gives no scope; nor does the nationality
    of an agency that reports the figure ("Colombian police said 21 were arrested").
    """
    right = sentence[end:right_bound]
    m = _RIGHT_PLACE.match(right)
    if m:
        pos = end + m.end()
        outside = _outside_before(sentence, pos)
        place = _place_at(sentence, pos)
        if outside and place:  # "outside the United States": a place, not a country scope
            return None, sentence[outside.start() : place[2]]
        place = _place_at(sentence, pos)
        if place:
            return (None, None) if _is_list(sentence, place[2]) else (place[1], place[0])
    if _WORLDWIDE.search(sentence[left_bound:end]) or _WORLDWIDE.match(right.lstrip()):
        return None, None
    if _WORLDWIDE.search(right[:40]):
        return None, None
    left = sentence[left_bound:start]
    best = None
    for cap in re.finditer(r"(?<![\w'])[A-Z]", left):
        pos = left_bound + cap.start()
        place = _place_at(sentence, pos)
        if _outside_before(sentence, pos, _OUTSIDE_BEFORE_LOWER):
            continue
        if place and place[2] <= start and not _is_list(sentence, place[2]):
            if _AGENCY_SPEAKS.match(sentence[place[2] : start]):
                continue
            best = place
    if best and start - best[2] < 90:
        return best[1], best[0]
    return None, None
