"""Agencies: gazetteer matches, generic names resolved by country, "AFP" by context.

models/gazetteers/agencies.csv lists canonical names with their aliases; names
that several countries use ("National Police", "Ministry of Public Security") sit
in its `generic` column and resolve to the row whose country stands next to
them ("Spain's National Police") or, failing that, is named most in the article.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from opwatch.models.normalize.countries import PlaceMention, country_name, demonym_of, lookup_place
from opwatch.models.normalize.phrases import (
    TOKEN_RE,
    Hit,
    PhraseMatcher,
    Token,
    fold,
    longest_first,
    tokenize,
)

GAZETTEERS = Path(__file__).resolve().parents[1] / "gazetteers"
AGENCY_TYPES = (
    "police",
    "federal_agency",
    "ministry",
    "prosecutor",
    "international",
    "hotline",
    "court",
    "other",
)
_DISTRICT_RE = re.compile(
    r"\s+for the ((?:Northern|Southern|Eastern|Western|Middle|Central) )?"
    r"District of ([A-Z][a-z]+(?: [A-Z][a-z]+)?)"
)
_AFP_NEWS_PREV = {"an", "told", "to", "via", "according", "photo", "photograph", "/"}
_AFP_NEWS_NEXT = {
    "report",
    "reports",
    "reported",
    "news",
    "photo",
    "photographer",
    "journalist",
    "correspondent",
    "reporter",
    "agency",
    "/",
    "via",
    "-",
    "tally",
    "count",
}
_AFP_POLICE_NEXT = {
    "officers",
    "officer",
    "agents",
    "investigators",
    "detectives",
    "commander",
    "commissioner",
    "assistant",
    "deputy",
    "detective",
    "superintendent",
    "led",
    "-led",
    "arrested",
    "charged",
    "executed",
    "seized",
    "child",
}


@dataclass(frozen=True)
class Agency:
    canonical: str
    key: str
    country: str  # ISO2, or INT for international bodies
    type: str


@dataclass(frozen=True)
class AliasRef:
    alias: str  # as written in the CSV ("=Ceop", "ICE")
    agencies: tuple[Agency, ...]
    generic: bool
    variants: tuple[str, ...] = ()  # every spelling with this folded key


@dataclass(frozen=True)
class AgencyMention:
    start: int
    end: int
    canonical: str
    key: str
    kind: str  # agency | organization (news outlets)
    model: str
    score: float


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


def _strip_qualifier(name: str) -> str:
    return re.sub(r"\s*\([^)]*\)$", "", name)


def _case_sensitive(alias: str) -> tuple[str, bool]:
    """(alias, case-sensitive?): acronyms, "=" aliases and "<demonym> Police" keep their case."""
    if alias.startswith("="):
        return alias[1:], True
    if not any(c.islower() for c in alias):
        return alias, True
    words = alias.split()
    if len(words) > 1 and fold(words[-1]) == "police":
        entry = lookup_place(" ".join(words[:-1]))
        if entry is not None and entry.kind == "demonym":
            return alias, True
    return alias, False


def _rows() -> list[tuple[Agency, list[str], list[str]]]:
    out = []
    with open(GAZETTEERS / "agencies.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            agency = Agency(row["canonical"], slug(row["canonical"]), row["country"], row["type"])
            aliases = [a.strip() for a in row["aliases"].split("|") if a.strip()]
            if "(" not in agency.canonical:
                aliases.insert(0, agency.canonical)
            generic = [g.strip() for g in (row.get("generic") or "").split("|") if g.strip()]
            out.append((agency, aliases, generic))
    return out


@lru_cache(maxsize=1)
def alias_index() -> dict[tuple[str, bool], AliasRef]:
    """(folded alias, generic?) -> reference; generic names list every country's body."""
    index: dict[tuple[str, bool], AliasRef] = {}
    for agency, aliases, generic in _rows():
        for names, is_generic in ((aliases, False), (generic, True)):
            for raw in names:
                alias, _ = _case_sensitive(raw)
                key = (" ".join(fold(w) for w in TOKEN_RE.findall(alias)), is_generic)
                old = index.get(key) or AliasRef(raw, (), is_generic)
                agencies = old.agencies + ((agency,) if agency not in old.agencies else ())
                variants = old.variants + ((raw,) if raw not in old.variants else ())
                index[key] = AliasRef(old.alias, agencies, is_generic, variants)
    return index


_CENTRE = re.compile(r"\b(Cent)(re|er)\b", re.IGNORECASE)


def _other_spelling(m: re.Match[str]) -> str:
    """ "Centre" <-> "Center": both spellings of a name match."""
    return m.group(1) + ("er" if m.group(2).lower() == "re" else "re")


@lru_cache(maxsize=1)
def agency_matcher() -> PhraseMatcher[AliasRef]:
    matcher: PhraseMatcher[AliasRef] = PhraseMatcher()
    specific = {k[0] for k in alias_index() if not k[1]}
    for (key, generic), ref in alias_index().items():
        if generic and key in specific:
            continue  # a specific alias wins over the same generic name
        for variant in ref.variants:
            alias, exact = _case_sensitive(variant)
            for spelling in {alias, _CENTRE.sub(_other_spelling, alias)}:
                matcher.add(spelling, ref, case_sensitive=exact)
    return matcher


@lru_cache(maxsize=1)
def outlet_matcher() -> PhraseMatcher[str]:
    matcher: PhraseMatcher[str] = PhraseMatcher()
    with open(GAZETTEERS / "news_outlets.txt", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip() or line.startswith("#"):
                continue
            names = [n.strip() for n in line.split("|")]
            canonical = names[0]
            for name in ([] if "(" in canonical else [canonical]) + names[1:]:
                matcher.add(name, canonical, case_sensitive=not any(c.islower() for c in name))
    return matcher


def gazetteer_size() -> int:
    return len(_rows())


def canonical_agency(surface: str) -> str | None:
    """Canonical name for a known agency surface ("ICE", "Ceop", "the AFP"); else None.

    Generic names ("National Police") resolve only with their country attached
    ("Spain's National Police"); news outlets are never agencies.
    """
    text = re.sub(r"^(?:the\s+)+", "", " ".join(surface.split()), flags=re.IGNORECASE)
    text = re.sub(r"['’]s$", "", text)
    toks = tokenize(text)
    found = _best(text, agency_matcher().find(text, toks), len(toks))
    return found.canonical if found else None


def _best(text: str, hits: list[Hit[AliasRef]], n_tokens: int) -> Agency | None:
    full = [h for h in hits if h.first == 0 and h.last == n_tokens]
    for hit in full:
        if not hit.payload.generic:
            return hit.payload.agencies[0]
    for hit in hits:  # "<country>'s <generic>" or "<generic> of <country>"
        if not hit.payload.generic:
            continue
        rest = re.sub(r"['’]s\b|\bof\b", " ", text[: hit.start] + " " + text[hit.end :]).strip()
        entry = lookup_place(rest) if rest else None
        if entry is None or not entry.code:
            continue
        for agency in hit.payload.agencies:
            if agency.country == entry.code:
                return agency
    return None


def _shape_ok(tokens: list[Token], hit: Hit[AliasRef]) -> bool:
    """Case-insensitive aliases still need a capital, except multi-word generic names."""
    words = [t.text for t in tokens[hit.first : hit.last] if t.text[0].isalpha()]
    if hit.payload.generic and len(words) > 1:
        return True
    if len(words) == 1:
        return words[0][0].isupper()
    return any(w[0].isupper() for w in words if fold(w) not in {"the", "of", "and", "for"})


def _afp_is_police(text: str, tokens: list[Token], hit: Hit[AliasRef], au_named: bool) -> bool:
    """The Australian Federal Police, or the news agency ("(AFP) -", "an AFP report")?"""
    prev = tokens[hit.first - 1].folded if hit.first > 0 else ""
    nxt = [t.folded for t in tokens[hit.last : hit.last + 2]] + ["", ""]
    if nxt[0] == "-" and nxt[1] == "led":
        return True
    prev2 = tokens[hit.first - 2].folded if hit.first > 1 else ""
    if text[max(0, hit.start - 1) : hit.start] == "(" or prev in _AFP_NEWS_PREV:
        return False
    if prev == ":" and prev2 in {"photo", "photograph", "credit", "picture", "image", "source"}:
        return False
    if nxt[0] in _AFP_NEWS_NEXT:
        return False
    if "australian federal police" in fold(text) or nxt[0] in _AFP_POLICE_NEXT:
        return True
    return prev == "the" or (au_named and nxt[0] == "'")


def _country_beside(
    text: str, start: int, end: int, countries: Sequence[PlaceMention]
) -> PlaceMention | None:
    """A country named right before ("China's", "Spanish") or after ("of China")."""
    for place in countries:
        if place.end <= start and re.fullmatch(
            r"(?:['’]s)?\s+(?:the\s+)?", text[place.end : start]
        ):
            return place
        if place.start >= end and re.fullmatch(r"\s+of\s+(?:the\s+)?", text[end : place.start]):
            return place
    return None


def _resolve(
    agencies: tuple[Agency, ...], country: str | None, counts: Counter[str]
) -> Agency | None:
    if country:
        return next((a for a in agencies if a.country == country), None)
    named = [a for a in agencies if counts.get(a.country, 0) > 0]
    return max(named, key=lambda a: counts[a.country]) if named else None


def _generic_name(surface: str, country: str | None) -> str:
    """A canonical for a generic name with no gazetteer row ("Peruvian National Police")."""
    name = " ".join(
        w[:1].upper() + w[1:] if w.islower() and w not in ("of", "the", "and") else w
        for w in surface.split()
    )
    if not country:
        return name
    if re.match(r"(Ministry|Department|Office)\b", name):
        return f"{name} of {country_name(country)}"
    demonym = demonym_of().get(country)
    return f"{demonym} {name}" if demonym else f"{name} of {country_name(country)}"


def _local_beside(text: str, start: int, places: Sequence[PlaceMention]) -> PlaceMention | None:
    """A city or region written right before a generic name ("New Jersey State Police")."""
    for place in places:
        if place.entry_kind in ("city", "region", "capital") and place.end <= start:
            if re.fullmatch(r"[ \t]+", text[place.end : start]):
                return place
    return None


def _spelled_as_written(canonical: str, surface: str) -> str:
    """ "Centre" or "Center" as the article spells the same name."""
    surface = " ".join(surface.split())
    if not _CENTRE.search(surface) or fold(surface) == fold(canonical):
        return canonical  # only the spelling of "Centre"/"Center" follows the article
    american = re.compile(r"\bcentre\b", re.IGNORECASE)
    if fold(american.sub("center", surface)) == fold(american.sub("center", canonical)):
        return surface
    return canonical


def find_outlets(text: str, tokens: list[Token]) -> list[Hit[str]]:
    hits = [
        h
        for h in outlet_matcher().find(text, tokens)
        if any(t.text[0].isupper() for t in tokens[h.first : h.last] if t.text[0].isalpha())
    ]
    return longest_first(hits)


def find_agencies(
    text: str, tokens: list[Token], places: Sequence[PlaceMention], taken: set[int] | None = None
) -> list[AgencyMention]:
    """Gazetteer agencies in `text` (and "AFP" the news agency, as an organisation)."""
    hits = [h for h in agency_matcher().find(text, tokens) if _shape_ok(tokens, h)]
    hits = longest_first(hits, taken)
    countries = [p for p in places if p.entry_kind in ("name", "demonym")]
    counts = Counter(p.code for p in places if p.code)
    out: list[AgencyMention] = []
    for hit in hits:
        ref, start, end = hit.payload, hit.start, hit.end
        if ref.alias == "AFP" and not _afp_is_police(text, tokens, hit, counts["AU"] > 0):
            out.append(
                AgencyMention(
                    start,
                    end,
                    "Agence France-Presse",
                    "agence-france-presse",
                    "organization",
                    "gazetteer",
                    0.9,
                )
            )
            continue
        agency: Agency | None = ref.agencies[0]
        canonical = agency.canonical
        if ref.generic:
            local = _local_beside(text, start, places)
            if local is not None:  # "New Jersey State Police": a state's or city's own body
                name = f"{text[local.start : local.end]} {_generic_name(text[start:end], None)}"
                key = slug(name)
                out.append(AgencyMention(local.start, end, name, key, "agency", "pattern", 0.85))
                continue
            beside = _country_beside(text, start, end, countries)
            code = beside.code if beside else None
            agency = _resolve(ref.agencies, code, counts)
            surface = text[hit.start : hit.end]
            if agency is None and (ref.alias.isupper() or surface.islower()):
                continue  # an unresolved acronym or lower-case phrase says too little
            if beside is not None:
                start, end = min(start, beside.start), max(end, beside.end)
            canonical = (
                agency.canonical if agency else _generic_name(text[hit.start : hit.end], code)
            )
        key = agency.key if agency else slug(canonical)
        canonical = _spelled_as_written(canonical, text[start:end])
        district = _DISTRICT_RE.match(text, end)
        if district and key in ("u-s-attorney-s-office", "u-s-district-court"):
            canonical = f"{canonical} for the {district.group(1) or ''}District of {district[2]}"
            end = district.end()
        out.append(AgencyMention(start, end, canonical, key, "agency", "gazetteer", 0.95))
    return out


def one_spelling(text: str, mentions: list[AgencyMention]) -> list[AgencyMention]:
    """Every mention of one agency takes the spelling the article wrote out ("Center")."""
    written = {}
    for m in mentions:
        surface = " ".join(text[m.start : m.end].split())
        if m.kind == "agency" and _CENTRE.search(surface):
            if _spelled_as_written(m.canonical, surface) == surface:
                written[m.key] = surface
    return [
        AgencyMention(m.start, m.end, written[m.key], m.key, m.kind, m.model, m.score)
        if m.key in written and m.kind == "agency"
        else m
        for m in mentions
    ]
