"""Assemble one article's entities from patterns, gazetteers and NER spans.

Order of precedence, each stage skipping what an earlier one claimed:
operations, websites and e-mail addresses, news outlets (patterns) -> places and
agencies (gazetteers; a country inside an agency's name still counts) -> local
forces (pattern) -> persons (NER PER spans and credits) -> the remaining NER
ORG / LOC / MISC spans.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from opwatch.models.normalize.agencies import (
    AgencyMention,
    canonical_agency,
    find_agencies,
    find_outlets,
    one_spelling,
    slug,
)
from opwatch.models.normalize.bodies import find_national_bodies, overridden
from opwatch.models.normalize.countries import country_code, country_name, find_places, place_code
from opwatch.models.normalize.forces import country_body, find_local_forces, looks_like_agency
from opwatch.models.normalize.operations import find_operations
from opwatch.models.normalize.persons import clean_person, resolve_persons
from opwatch.models.normalize.phrases import Token, fold, token_index_at, tokenize
from opwatch.models.normalize.units import part_of_parent, tail_of
from opwatch.records import Entity

_TLDS = (
    "com|net|org|info|biz|edu|gov|mil|int|io|co|me|tv|cc|ws|xyz|onion|site|online|club|top|to|ly"
    "|su|tk|eu|uk|de|nl|fr|es|it|ru|ua|pl|cz|se|no|dk|fi|be|at|ch|pt|ie|gr|hu|ro|bg|ca|au|nz"
    "|jp|cn|hk|tw|kr|in|ph|th|vn|my|sg|id|br|mx|ar|cl|pe|za|ke|ng"
)
_WEBSITE = re.compile(
    rf"(?<![\w@.-])(?:https?://)?(?:www\.)?(?P<domain>(?:[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]\.)+"
    rf"(?:{_TLDS}))(?:/[^\s\"'<>)\]]*)?(?![\w@-])",
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_OF_COUNTRY = re.compile(
    r"[ \t]+of[ \t]+(?:the[ \t]+)?(?P<place>[A-Z][\w-]+(?:[ \t]+[A-Z][\w-]+){0,2})(?![\w-])"
)
_CITY_BEFORE = re.compile(r"(?<![\w-])([A-Z][\w-]+)[ \t]+$")
_PLACE_MODEL = {"name", "demonym", "capital", "city", "region", "ambiguous"}


class SpanLike(Protocol):
    """What the NER tagger returns (opwatch.models.ner.tagger.NerSpan has these, read-only)."""

    @property
    def label(self) -> str: ...  # PER | ORG | LOC | MISC

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def text(self) -> str: ...

    @property
    def score(self) -> float: ...


def find_websites(text: str) -> list[tuple[int, int, str]]:
    """Domain-like tokens ("boylover.net", "www.fbi.gov/tips"): (start, end, domain)."""
    return [(m.start(), m.end(), m.group("domain").lower()) for m in _WEBSITE.finditer(text)]


def _tokens_in(tokens: list[Token], start: int, end: int) -> set[int]:
    first = token_index_at(tokens, start)
    idx = set()
    while first < len(tokens) and tokens[first].start < end:
        idx.add(first)
        first += 1
    return idx


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def normalise_entities(text: str, spans: Sequence[SpanLike], article_id: str) -> list[Entity]:
    """Every entity mention in one article, each with its canonical form and code."""
    tokens = tokenize(text)
    out: list[Entity] = []

    def add(
        kind: str, start: int, end: int, canonical: str, code: str | None, score: float, model: str
    ) -> None:
        out.append(
            Entity(
                article_id,
                kind,
                text[start:end],
                canonical,
                code,
                start,
                end,
                round(score, 4),
                model,
            )
        )

    ner = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    per = [
        c
        for s in ner
        if s.label == "PER"
        and (c := clean_person(text, s.start, s.end, _is_country_word)) is not None
    ]
    locs = [(s.start, s.end) for s in ner if s.label == "LOC"]
    # 1. patterns that own their tokens
    blocked: list[tuple[int, int]] = []
    for op in find_operations(text):
        add("operation", op.start, op.end, op.canonical, None, 0.9, "pattern")
        blocked.append((op.start, op.end))
    for start, end, domain in find_websites(text):
        if not _overlaps(start, end, blocked):
            add("website", start, end, domain, None, 0.9, "pattern")
            blocked.append((start, end))
    blocked += [m.span() for m in _EMAIL.finditer(text)]
    for hit in find_outlets(text, tokens):
        if not _overlaps(hit.start, hit.end, blocked):
            add("organization", hit.start, hit.end, hit.payload, None, 0.9, "gazetteer")
            blocked.append((hit.start, hit.end))
    taken: set[int] = set()
    for start, end in blocked:
        taken |= _tokens_in(tokens, start, end)
    # 2. places and gazetteer agencies
    places = find_places(text, tokens, taken=taken, person_spans=per, loc_spans=locs)
    over = overridden(text)  # "Integrated Child Exploitation (ICE)": not the gazetteer's ICE
    agencies = find_agencies(text, tokens, places, taken=taken)
    agencies = [a for a in agencies if text[a.start : a.end] not in over]
    agency_spans = [(a.start, a.end) for a in agencies]
    for a in agencies:
        taken |= _tokens_in(tokens, a.start, a.end)
    supported = [(s.start, s.end) for s in ner if s.label in ("LOC", "ORG")]
    supported += [(p.start, p.end) for p in places]
    country_spans = [(p.start, p.end) for p in places if p.entry_kind in ("name", "demonym")]
    people = set().union(*(_tokens_in(tokens, s0, s1) for s0, s1 in per)) if per else set()
    local = find_local_forces(text, tokens, taken | people, supported, country_spans)
    agencies += local
    agency_spans += [(a.start, a.end) for a in local]
    for a in local:
        taken |= _tokens_in(tokens, a.start, a.end)
    national = find_national_bodies(text, tokens, places, agencies, taken | people)
    agencies += national
    agency_spans += [(a.start, a.end) for a in national]
    # 3. persons, from PER spans and credits, never inside what is already claimed
    place_spans = [(p.start, p.end) for p in places]
    claimed = blocked + agency_spans
    person_input = [(s.start, s.end, s.score) for s in _person_like(ner, claimed + place_spans)]
    persons = resolve_persons(text, person_input, claimed, _is_country_word)
    person_spans = [(p.start, p.end) for p in persons]
    # 4. the remaining NER spans: organisations may be agencies; places the lookup missed
    ner_agencies, others = _other_ner(
        text, ner, agencies, claimed + person_spans, place_spans, over
    )
    for kind, start, end, canonical, code, score in others:
        add(kind, start, end, canonical, code, score, "ner")
    agencies += ner_agencies
    agencies += _defined_acronyms(text, agencies, claimed + person_spans)
    agencies = one_spelling(text, agencies)
    # 5. emit places, agencies, persons
    loc_set = set(locs)
    for p in places:
        model = "ner+gazetteer" if (p.start, p.end) in loc_set else "gazetteer"
        if p.kind == "country" and p.code:
            canonical = country_name(p.code)
        else:
            canonical = p.name or " ".join(text[p.start : p.end].split())
        add(p.kind, p.start, p.end, canonical, p.code, 0.95 if p.kind == "country" else 0.9, model)
    for a in agencies:
        add(
            a.kind,
            a.start,
            a.end,
            a.canonical,
            a.key if a.kind == "agency" else None,
            a.score,
            a.model,
        )
    for p in persons:
        add("person", p.start, p.end, p.canonical, None, p.score, p.model)
    return sorted(out, key=lambda e: (e.start, e.end, e.kind))


def _other_ner(
    text: str,
    ner: Sequence[SpanLike],
    agencies: list[AgencyMention],
    claimed: list[tuple[int, int]],
    place_spans: list[tuple[int, int]],
    over: dict[str, str] | None = None,
) -> tuple[list[AgencyMention], list[tuple[str, int, int, str, str | None, float]]]:
    """ORG, LOC and MISC spans not yet used: agencies, organisations, locations, misc.

    Gazetteer agencies the NER also found are marked "ner+gazetteer" in place."""
    found: list[AgencyMention] = []
    others: list[tuple[str, int, int, str, str | None, float]] = []
    for s in ner:
        if s.label == "PER":
            continue
        same = [a for a in agencies if _overlaps(s.start, s.end, [(a.start, a.end)])]
        if same and s.label == "ORG":
            for a in same:  # the NER agrees with the gazetteer
                model = "ner+gazetteer" if a.model == "gazetteer" else a.model
                agencies[agencies.index(a)] = AgencyMention(
                    a.start, a.end, a.canonical, a.key, a.kind, model, max(a.score, s.score)
                )
            continue
        inside_place = any(p0 <= s.start and s.end <= p1 for p0, p1 in place_spans)
        if inside_place or _overlaps(
            s.start, s.end, claimed + (place_spans if s.label != "ORG" else [])
        ):
            continue  # an organisation may hold a country word ("Chinese Society for ...")
        surface = _strip_article(s.text)
        if surface.islower() or not surface or country_body(surface):
            continue  # "state police" names nothing; in "Thai police" the country is out
        start = s.start + s.text.find(surface)
        end = start + len(surface)
        if over and surface in over:  # the article's own meaning of an acronym
            surface = over[surface]
        elif s.label == "ORG" and part_of_parent(text, start, end, agencies):
            continue  # "the GBI's Computer Crimes Unit" is the GBI at work
        city = _CITY_BEFORE.search(text[max(0, start - 40) : start])
        if city and s.label == "ORG" and place_code(city.group(1)) and looks_like_agency(surface):
            surface = f"{city.group(1)} {surface}"  # "Seoul" + "Seodaemun-gu Police Agency"
            start -= len(city.group(0))
        name = " ".join(surface.split())
        of_country = _OF_COUNTRY.match(text, end)
        if (
            of_country
            and country_code(of_country.group("place"))
            and s.label == "ORG"
            and looks_like_agency(surface)
        ):
            name, end = f"{name} {of_country.group(0).strip()}", end + len(of_country.group(0))
        known = canonical_agency(surface) or tail_of(name, agencies + found)
        if known:
            found.append(
                AgencyMention(start, end, known, slug(known), "agency", "ner+gazetteer", s.score)
            )
        elif looks_like_agency(surface, strict=s.label != "ORG"):
            found.append(AgencyMention(start, end, name, slug(name), "agency", "ner", s.score))
        elif s.label == "ORG":
            others.append(("organization", start, end, name, None, s.score))
        elif s.label == "LOC":
            others.append(("location", start, end, name, place_code(surface), s.score))
        else:
            others.append(("misc", start, end, name, None, s.score))
    for i, a in enumerate(found):  # "National Guard said", after "the Mexican National Guard"
        full = tail_of(a.canonical, found) if a.model == "ner" else None
        if full:
            found[i] = AgencyMention(a.start, a.end, full, slug(full), a.kind, a.model, a.score)
    return found, others


def _is_country_word(word: str) -> bool:
    return country_code(word) is not None


def _person_like(ner: Sequence[SpanLike], claimed: list[tuple[int, int]]) -> list[SpanLike]:
    """PER spans not claimed as a place or agency, plus one-word ORG/LOC/MISC spans that
    repeat a word of a full PER name ("said Holder" tagged ORG after "Eric Holder")."""
    per = [s for s in ner if s.label == "PER" and (s.start, s.end) not in claimed]
    names = {fold(w) for s in per if len(s.text.split()) > 1 for w in s.text.split()[1:]}
    extra = [
        s
        for s in ner
        if s.label != "PER"
        and " " not in s.text.strip()
        and fold(s.text.strip()) in names
        and not _overlaps(s.start, s.end, claimed)
    ]
    return sorted(per + extra, key=lambda s: s.start)


def _strip_article(surface: str) -> str:
    surface = re.sub(r"^(?:the|The|THE)\s+", "", surface.strip())
    surface = re.sub(r"\s+(?:of|and|the|for)$", "", surface)  # "... Unit of" cut short
    return re.sub(r"['’]s?$", "", surface).strip()


def _defined_acronyms(
    text: str, agencies: list[AgencyMention], claimed: list[tuple[int, int]]
) -> list[AgencyMention]:
    """ "Cyber Police Department (CPD)": later bare "CPD" mentions are that agency; so are
    repeats of a name the NER found once."""
    out: list[AgencyMention] = []
    spans = claimed + [(a.start, a.end) for a in agencies]
    for a in [a for a in agencies if a.kind == "agency"]:
        m = re.match(r"\s*\(\s*([A-Z][A-Za-z0-9&-]{1,9})\s*\)", text[a.end : a.end + 16])
        names = [text[a.start : a.end]] if a.model == "ner" else []
        if m and sum(c.isupper() for c in m.group(1)) >= 2:
            known = canonical_agency(m.group(1))
            names += [m.group(1)] if not known or known == a.canonical else []
        for name in names:
            out += _repeats(text, name, a, spans)
    return out


def _repeats(
    text: str, name: str, a: AgencyMention, spans: list[tuple[int, int]]
) -> list[AgencyMention]:
    out = []
    for hit in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
        if not _overlaps(hit.start(), hit.end(), spans):
            out.append(
                AgencyMention(
                    hit.start(), hit.end(), a.canonical, a.key, "agency", a.model, a.score * 0.95
                )
            )
            spans.append(hit.span())
    return out
