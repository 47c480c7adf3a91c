"""National bodies the gazetteer cannot list by name: a country's police, its interior
ministry, and acronyms an article defines for itself.

"Slovenian police" names Slovenia's police ("Slovenian Police"), or the body that
models/gazetteers/national_police.csv gives for that country ("Danish police" ->
"Danish National Police"); a city or regional force of that country named in the
same article ("Moscow police") is who acted, so the phrase then adds nothing.
"The UAE's Ministry of Interior" keeps the country as written; "the Interior
Ministry" alone belongs to the country the article names most.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from opwatch.models.normalize.agencies import AgencyMention, canonical_agency, slug
from opwatch.models.normalize.countries import PlaceMention, country_name, demonym_of
from opwatch.models.normalize.phrases import Token, fold, token_index_at

GAZETTEERS = Path(__file__).resolve().parents[1] / "gazetteers"
_POLICE_AFTER = re.compile(
    r"(?P<and>[ \t]+[a-z]+[ \t]+(?:and|&))?[ \t]+(?P<police>[Pp]olice)(?![\w-])"
)
# "informed the police in Berlin": a city's own force
_POLICE_IN = re.compile(r"\b[Tt]he[ \t]+police[ \t]+in[ \t]+")
_MINISTRY = re.compile(
    r"(?<![\w-])(?:(?P<federal>Federal)[ \t]+)?(?P<phrase>Interior Ministry|Ministry of (?:the )?"
    r"Interior|Ministry of Internal Affairs|Internal Affairs Ministry|Ministry of Home Affairs"
    r"|Home Affairs Ministry|Home Ministry)(?![\w-])"
)
_MINISTRY_NAMES = {
    "interior": "Ministry of the Interior",
    "internal": "Ministry of Internal Affairs",
}
_ACRONYM_DEF = re.compile(
    r"(?P<name>(?:[A-Z][\w'’-]*[ \t]+(?:(?:of|and|for|the|against|on|&)[ \t]+)*){1,9})"
    r"\([ \t]*(?P<acronym>[A-Z][A-Z0-9&]{1,8})[ \t]*\)"
)


@lru_cache(maxsize=1)
def national_police() -> dict[str, str]:
    """Country code -> canonical body for "<demonym> police" ("-": none)."""
    with open(GAZETTEERS / "national_police.csv", encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {row["country"].strip(): row["canonical"].strip() for row in rows}


def _police_name(code: str, written: str) -> str | None:
    listed = national_police().get(code)
    if listed == "-":
        return None
    return listed or f"{demonym_of().get(code) or written} Police"


def _local_countries(agencies: Sequence[AgencyMention], places: Sequence[PlaceMention]) -> set:
    """Countries of the city and regional forces found by pattern ("Moscow police" -> RU)."""
    codes = set()
    named = Counter(p.code for p in places if p.entry_kind in ("name", "demonym") and p.code)
    for a in agencies:
        if a.model == "pattern":
            inside = {p.code for p in places if a.start <= p.start < a.end and p.code}
            if not inside and named:  # a town the tables do not know: the article's country
                inside = {named.most_common(1)[0][0]}
            codes |= inside
    return codes


def _free(tokens: list[Token], taken: set[int], start: int, end: int) -> bool:
    i = token_index_at(tokens, start)
    while i < len(tokens) and tokens[i].start < end:
        if i in taken:
            return False
        i += 1
    return True


def find_national_bodies(
    text: str,
    tokens: list[Token],
    places: Sequence[PlaceMention],
    agencies: Sequence[AgencyMention],
    taken: set[int],
) -> list[AgencyMention]:
    """ "Polish police", "Polish prosecutors and police", "the UAE's Ministry of Interior"."""
    out: list[AgencyMention] = []
    local = _local_countries(agencies, places)
    for p in places:
        if p.entry_kind != "demonym" or not p.code or p.code in local:
            continue
        m = _POLICE_AFTER.match(text, p.end)
        if m is None or not _free(tokens, taken, m.start("police"), m.end()):
            continue
        canonical = _police_name(p.code, text[p.start : p.end])
        if canonical:
            key = slug(canonical)
            out.append(AgencyMention(p.start, m.end(), canonical, key, "agency", "pattern", 0.8))
    for m in _POLICE_IN.finditer(text):
        city = next((p for p in places if p.start == m.end()), None)
        if city is None or city.entry_kind not in ("city", "capital") or city.code in local:
            continue
        if _free(tokens, taken, m.start(), city.end):
            name = f"{text[city.start : city.end]} Police"
            key = slug(name)
            out.append(AgencyMention(m.start(), city.end, name, key, "agency", "pattern", 0.7))
    out += _ministries(text, tokens, places, taken)
    return out


def _ministries(
    text: str, tokens: list[Token], places: Sequence[PlaceMention], taken: set[int]
) -> list[AgencyMention]:
    countries = [p for p in places if p.entry_kind in ("name", "demonym") and p.code]
    counts = Counter(p.code for p in countries)
    out = []
    for m in _MINISTRY.finditer(text):
        if not _free(tokens, taken, m.start(), m.end()):
            continue
        phrase = m.group("phrase")
        key = next((k for k in _MINISTRY_NAMES if k in fold(phrase)), "")
        normal = _MINISTRY_NAMES.get(key, "Ministry of Home Affairs")
        if m.group("federal"):
            normal = "Federal " + normal
        start, end = m.start(), m.end()
        before = next(
            (
                p
                for p in countries
                if p.end <= start and re.fullmatch(r"(?:['’]s)?[ \t]+", text[p.end : start])
            ),
            None,
        )
        after = re.match(r"[ \t]+of[ \t]+(?:the[ \t]+)?", text[end:])
        after_place = next((p for p in countries if after and p.start == end + after.end()), None)
        if before is not None and before.entry_kind == "name":
            written = text[before.start : before.end]
            canonical = f"{written} {text[m.start() : end]}"
            start = before.start
        else:
            place = before or after_place
            code = place.code if place else (counts.most_common(1)[0][0] if counts else None)
            if code is None:
                continue
            canonical = f"{normal} of {country_name(code)}"
            if place is not None:
                start, end = min(start, place.start), max(end, place.end)
        out.append(AgencyMention(start, end, canonical, slug(canonical), "agency", "pattern", 0.8))
    return out


def defined_acronyms(text: str) -> dict[str, str]:
    """ "Integrated Child Exploitation (ICE)": acronym -> the name it stands for here, when
    the name's initials spell it (small words may be skipped)."""
    out: dict[str, str] = {}
    for m in _ACRONYM_DEF.finditer(text):
        words = m.group("name").split()
        acronym = m.group("acronym")
        for first in range(len(words)):
            name = words[first:]
            if name[0][0].islower():
                continue
            caps = "".join(w[0] for w in name if w[0].isupper() or w == "&")
            full = "".join(w[0].upper() for w in name)
            if acronym in (caps, full):
                out.setdefault(acronym, " ".join(name))
                break
    return out


def overridden(text: str) -> dict[str, str]:
    """Defined acronyms whose article meaning differs from the gazetteer's."""
    out = {}
    for acronym, name in defined_acronyms(text).items():
        known = canonical_agency(acronym)
        if known is not None and canonical_agency(name) != known:
            out[acronym] = name
    return out
