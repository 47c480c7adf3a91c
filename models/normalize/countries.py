"""Countries and places: names, short forms, aliases and demonyms -> ISO 3166-1 alpha-2.

pycountry gives the official names; models/gazetteers/countries_aliases.csv adds
short forms, demonyms, cities and regions, names that are often something else
("Jordan", "Georgia": kind ``ambiguous``) and phrases that only look like a
country ("Latin America": kind ``block``). Cities and regions become locations
carrying their country's code; only names and demonyms in a place sense become
countries.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry

from opwatch.models.normalize.phrases import (
    TOKEN_RE,
    Hit,
    PhraseMatcher,
    Token,
    fold,
    longest_first,
)

GAZETTEERS = Path(__file__).resolve().parents[1] / "gazetteers"
COUNTRY_KINDS = ("name", "demonym", "ambiguous")
# Words before a name that show it is a place ("in Jordan", "from Chad").
_PLACE_PREPS = {
    "in",
    "from",
    "to",
    "into",
    "across",
    "throughout",
    "within",
    "via",
    "visited",
    "outside",
    "near",
    "towards",
    "toward",
    "inside",
    "between",
}
# "Beijing authorities": a capital standing for its country's state.
_METONYMY_HEADS = {"authorities", "government", "officials", "administration", "regime"}
_GOV_NOUNS = _METONYMY_HEADS | {
    "police",
    "embassy",
    "ministry",
    "capital",
    "border",
    "president",
    "king",
    "prime",
    "foreign",
    "interior",
    "national",
    "courts",
}
# Demonyms used as language names ("in Chinese", "Spanish-language").
_LANGUAGE_NEXT = {
    "language",
    "languages",
    "speaker",
    "speakers",
    "speaking",
    "subtitles",
    "subtitled",
    "translation",
    "version",
    "edition",
    "dialect",
    "dubbed",
}
_LANGUAGE_PREV = {
    "speak",
    "speaks",
    "spoke",
    "speaking",
    "fluent",
    "translated",
    "learn",
    "learning",
    "taught",
    "teach",
    "teaching",
    "dubbed",
}
_CLOSING = {"and", "or", "as", "but", "with", "by", "on", "at", "to", "for", "is", "was", "are"}
_LIST_GLUE = {",", "and", "or", "&", ";"}
_STATE_HOMONYMS = {"georgia"}  # a preposition proves nothing: "in Georgia" is usually the US state


@dataclass(frozen=True)
class PlaceEntry:
    code: str | None
    kind: str  # name | demonym | capital | city | region | ambiguous | block
    cues: tuple[str, ...] = ()
    name: str = ""  # the alias as the table writes it ("The Hague")


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    code: str | None
    kind: str  # "country" or "location"
    entry_kind: str
    name: str = ""


def _key(surface: str) -> str:
    return " ".join(fold(w) for w in TOKEN_RE.findall(surface))


@lru_cache(maxsize=1)
def place_table() -> dict[str, tuple[str, PlaceEntry]]:
    """Folded alias -> (alias as written, entry). The CSV overrides pycountry."""
    table: dict[str, tuple[str, PlaceEntry]] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name and not re.search(r"[,()]", name):
                table[_key(name)] = (name, PlaceEntry(country.alpha_2, "name", (), name))
    with open(GAZETTEERS / "countries_aliases.csv", encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            cues = tuple(c.strip() for c in (row.get("cues") or "").split("|") if c.strip())
            entry = PlaceEntry(row["code"] or None, row["kind"], cues, row["alias"])
            table[_key(row["alias"])] = (row["alias"], entry)
    return table


@lru_cache(maxsize=1)
def place_matcher() -> PhraseMatcher[PlaceEntry]:
    matcher: PhraseMatcher[PlaceEntry] = PhraseMatcher()
    for alias, entry in place_table().values():
        acronym = not any(c.islower() for c in alias)
        matcher.add(alias, entry, case_sensitive=acronym)
    return matcher


def lookup_place(surface: str) -> PlaceEntry | None:
    key = _key(surface.strip())
    key = re.sub(r"^(?:(?:in|outside|across|throughout|within|from|of|to) )?(?:the )?", "", key)
    key = re.sub(r" ' s$", "", key)
    found = place_table().get(key) or place_table().get("the " + key)
    return found[1] if found else None


def country_code(surface: str) -> str | None:
    """ISO2 for a country name, short form, alias or demonym ("Britain" -> GB); else None."""
    entry = lookup_place(surface)
    return entry.code if entry and entry.kind in COUNTRY_KINDS else None


def place_code(surface: str) -> str | None:
    """Cities and regions give their country ("The Hague" -> NL); homonyms give None."""
    entry = lookup_place(surface)
    return entry.code if entry and entry.kind not in ("block", "ambiguous") else None


@lru_cache(maxsize=1)
def demonym_of() -> dict[str, str]:
    """ISO2 -> first adjectival demonym listed ("DK" -> "Danish")."""
    out: dict[str, str] = {}
    for alias, entry in place_table().values():
        if entry.kind == "demonym" and entry.code and not alias.endswith("s"):
            out.setdefault(entry.code, alias)
    return out


def _capitalised(tokens: list[Token], hit: Hit[PlaceEntry]) -> bool:
    words = [t.text for t in tokens[hit.first : hit.last] if t.text[0].isalpha()]
    content = [w for w in words if fold(w) not in {"the", "of", "and"}]
    return bool(content) and any(w[0].isupper() for w in content)


def _language_sense(tokens: list[Token], hit: Hit[PlaceEntry]) -> bool:
    nxt = tokens[hit.last] if hit.last < len(tokens) else None
    after = tokens[hit.last + 1] if hit.last + 1 < len(tokens) else None
    prev = tokens[hit.first - 1].folded if hit.first > 0 else ""
    if nxt and nxt.folded in _LANGUAGE_NEXT:
        return True
    if nxt and nxt.text == "-" and after and after.folded in _LANGUAGE_NEXT:
        return True
    if prev in _LANGUAGE_PREV:
        return True
    if prev in {"in", "into"}:
        return nxt is None or not nxt.text[0].isalpha() or nxt.folded in _CLOSING
    return False


def _name_neighbour(tokens: list[Token], hit: Hit[PlaceEntry], text: str) -> bool:
    """A capitalised word right before or after: "Michael Jordan", "Chad Smith"."""
    for idx in (hit.first - 1, hit.last):
        if not 0 <= idx < len(tokens):
            continue
        tok = tokens[idx]
        gap = text[tok.end : hit.start] if idx < hit.first else text[hit.end : tok.start]
        if gap.strip() or "\n" in gap or not tok.text[0].isupper() or not tok.text.isalpha():
            continue
        if idx < hit.first and (tok.folded in _PLACE_PREPS or tok.folded in {"the", "of", "and"}):
            continue
        if idx < hit.first and (idx == 0 or tokens[idx - 1].text in ".!?\"'“:"):
            continue  # sentence start: "In", "The", "Visiting"
        if lookup_place(tok.text) is not None:
            continue
        return True
    return False


def _ambiguous_ok(
    tokens: list[Token],
    hit: Hit[PlaceEntry],
    text: str,
    folded_words: set[str],
    confirmed: dict[int, str],
    loc_spans: set[tuple[int, int]],
) -> bool:
    entry = hit.payload
    name = " ".join(t.folded for t in tokens[hit.first : hit.last])
    if _name_neighbour(tokens, hit, text):
        return False
    if any(all(w in folded_words for w in _key(cue).split()) for cue in entry.cues):
        return True
    for idx, step in ((hit.first - 1, -1), (hit.last, 1)):  # a list of countries
        if 0 <= idx < len(tokens) and tokens[idx].folded in _LIST_GLUE:
            other = idx + step
            if 0 <= other < len(tokens) and other in confirmed and confirmed[other] != "US":
                return True
    if name in _STATE_HOMONYMS:
        return False
    if (hit.start, hit.end) in loc_spans:
        return True
    if hit.first > 0 and tokens[hit.first - 1].folded in _PLACE_PREPS:
        return True
    tail = [t.folded for t in tokens[hit.last : hit.last + 3]]
    return tail[:2] == ["'", "s"] and len(tail) == 3 and tail[2] in _GOV_NOUNS


def find_places(
    text: str,
    tokens: list[Token],
    *,
    taken: set[int] | None = None,
    person_spans: Sequence[tuple[int, int]] = (),
    loc_spans: Sequence[tuple[int, int]] = (),
) -> list[PlaceMention]:
    """Countries and places named in `text`; tokens in `taken` are skipped."""
    hits = [h for h in place_matcher().find(text, tokens) if _capitalised(tokens, h)]
    hits = longest_first(hits, taken)
    kept: list[Hit[PlaceEntry]] = []
    for hit in hits:
        inside = [p for p in person_spans if p[0] <= hit.start and hit.end <= p[1]]
        if inside and (
            hit.payload.kind not in ("name", "capital")
            or any(p != (hit.start, hit.end) for p in inside)
        ):
            continue  # part of a person's name ("Chad Smith", "Paris Hilton")
        kept.append(hit)
    confirmed: dict[int, str] = {}
    for hit in kept:
        if hit.payload.kind in ("name", "demonym") and hit.payload.code:
            confirmed[hit.first] = confirmed[hit.last - 1] = hit.payload.code
    folded_words = {t.folded for t in tokens}
    locs = set(loc_spans)
    out: list[PlaceMention] = []
    languages: set[int] = set()  # last token of demonyms used as language names
    for hit in kept:
        entry = hit.payload
        nxt = tokens[hit.last] if hit.last < len(tokens) else None
        if entry.kind == "block" or not entry.code:
            continue
        if nxt and nxt.text == "$" and nxt.start == hit.end:
            continue  # currency: US$, HK$
        kind = "country"
        glued = hit.first > 1 and tokens[hit.first - 1].folded in _LIST_GLUE
        if entry.kind == "demonym" and (
            _language_sense(tokens, hit) or glued and hit.first - 2 in languages
        ):
            languages.add(hit.last - 1)  # "into English and Chinese"
            continue
        if entry.kind == "ambiguous" and not _ambiguous_ok(
            tokens, hit, text, folded_words, confirmed, locs
        ):
            continue
        if entry.kind in ("capital", "city", "region"):
            metonymy = entry.kind == "capital" and nxt is not None and nxt.folded in _METONYMY_HEADS
            kind = "country" if metonymy else "location"
        out.append(PlaceMention(hit.start, hit.end, entry.code, kind, entry.kind, entry.name))
    return out


_NAMES = {
    "XK": "Kosovo",
    "RU": "Russia",
    "PS": "Palestine",
    "CD": "DR Congo",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "US Virgin Islands",
    "FM": "Micronesia",
    "FK": "Falkland Islands",
    "MF": "Saint Martin",
    "SX": "Sint Maarten",
    "CC": "Cocos Islands",
    "SH": "Saint Helena",
    "BQ": "Caribbean Netherlands",
}


def country_name(code: str) -> str:
    """Common English name for an ISO2 code ("KR" -> "South Korea")."""
    found = pycountry.countries.get(alpha_2=code)
    if code in _NAMES or found is None:
        return _NAMES.get(code, code)
    return getattr(found, "common_name", None) or found.name
