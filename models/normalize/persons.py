"""Persons: NER PER spans cleaned, bylines and photo credits, partial mentions linked.

Each mention's canonical is the fullest form of that person in the article
("Hunt said" -> "Russell L. Hunt"). A surname alone links to the most recent
person it can belong to; one introduced as a new person ("identified only as
Liu and Yang", "surnamed Wang") starts a person of its own, and a name never
given in full keeps its surface.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from opwatch.models.normalize.person_filters import (
    email_bylines,
    extend_name,
    first_line_part,
    furniture_ranges,
    in_count_list,
    in_ranges,
    trim_tail,
)
from opwatch.models.normalize.phrases import fold

TITLES = set(
    "mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend father fr director"
    " commissioner secretary minister attorney general president chairman chairwoman chair chief"
    " executive inspector detective superintendent sergeant sgt constable officer agent special"
    " deputy assistant acting judge justice magistrate senator sen rep representative gov governor"
    " mayor sheriff prosecutor lt lieutenant capt captain col colonel gen major maj cmdr commander"
    " supt det insp dci di ds dc pc dsupt vice spokesman spokeswoman spokesperson head boss counsel"
    " attache attaché legal interim principal senior ambassador consul premier king queen prince"
    " princess pope cardinal bishop imam rabbi pastor u.s us uk eu federal national state police"
    " coordinator manager founder ceo chancellor councillor councilor mp mep prime foreign home"
    " interior permanent undersecretary managing const cst".split()
)
_NOT_HONORIFIC = {
    "u.s",
    "us",
    "uk",
    "eu",
    "federal",
    "national",
    "state",
    "police",
    "legal",
    "senior",
    "interim",
    "principal",
    "head",
    "boss",
    "executive",
    "special",
}
_MENU_WORDS = {
    "facebook",
    "twitter",
    "email",
    "e-mail",
    "whatsapp",
    "linkedin",
    "share",
    "print",
    "mail",
    "comments",
    "comment",
    "reddit",
    "pinterest",
    "telegram",
    "messenger",
    "x",
    "copy",
    "link",
    "instagram",
    "youtube",
    "tiktok",
    "home",
    "news",
    "menu",
    "search",
}
# Words no surname uses: "Azov Films" is a firm even when the NER calls it a person.
_ORG_WORDS = {
    # photo agencies and picture libraries in credit lines
    "images",
    "getty",
    "shutterstock",
    "alamy",
    "istock",
    "pixabay",
    "unsplash",
    "dreamstime",
    "films",
    "productions",
    "inc",
    "ltd",
    "llc",
    "corp",
    "corporation",
    "company",
    "group",
    "media",
    "studios",
    "entertainment",
    "holdings",
    "technologies",
    "software",
    "systems",
    "network",
    "networks",
    "club",
    "foundation",
    "association",
    "university",
    "hospital",
    "police",
    "court",
    "ministry",
    "agency",
    "department",
    "bureau",
    "service",
}
_QUOTES = "\"'“”‘’«»"
_AGE = re.compile(r"\s*[,(]\s*(?:aged\s+)?\d{1,2}(?:\s*[,)]|\s+years?\b)")
# Words that make a credit line name a desk, agency or picture library, not a person.
_NOT_CREDIT = {
    "staff",
    "reporter",
    "reporters",
    "correspondent",
    "writer",
    "editor",
    "team",
    "desk",
    "news",
    "agency",
    "admin",
    "press",
    "media",
    "online",
    "our",
    "the",
    "getty",
    "images",
    "image",
    "shutterstock",
    "alamy",
    "istock",
    "supplied",
    "handout",
    "file",
    "stock",
    "pool",
    "police",
    "service",
    "office",
    "department",
}
_SPEECH = (
    "said|says|told|added|explained|stated|wrote|admitted|pleaded|denied|claimed|warned"
    "|noted|insisted|confirmed|asked|testified"
)
_SPEECH_AFTER = re.compile(rf"\s+(?:{_SPEECH})\b")
_SPEECH_BEFORE = re.compile(rf"\b(?:{_SPEECH}|according to)\s+$")
_NOT_PERSON_NEXT = {
    "members",
    "member",
    "users",
    "user",
    "site",
    "website",
    "forum",
    "board",
    "network",
    "ring",
    "server",
    "servers",
    "account",
    "accounts",
    "administrators",
    "platform",
    "app",
    "group",
    "chat",
    "community",
}
_INTRO = re.compile(
    r"(?:(?:identified|named|known|referred to|listed|described)\s+(?:only\s+)?as|surnamed"
    r"|(?:man|woman|suspect|boy|girl|teacher|person)\s+(?:named|called))"
    r"\s+(?:[A-Z][\w'’-]*\s*(?:,|and)\s*)*$"
)
# Bylines, credits and wire sign-offs name people the NER may miss.
_PERSON = r"[A-Z][\w'’-]*\.?(?:[ \t]+(?:[A-Z]\.|[A-Z][\w'’-]+)){1,3}"
_CREDITS = re.compile(
    rf"(?m)(?:^[ \t]*By[ \t]+|(?:Photograph|Photo|Photos|Picture|Image|Credit|Photo credit)"
    rf"[ \t]*(?::|by)[ \t]*|(?:Reporting|Writing|Editing|Additional reporting)[ \t]+by[ \t]+)"
    rf"(?P<name>{_PERSON})(?=[ \t]*(?:/|\||\(|,|;|\band\b|\bin\b|\bfor\b|$))"
)


@dataclass(frozen=True)
class PersonMention:
    start: int
    end: int
    canonical: str
    score: float
    model: str


@dataclass
class _Cluster:
    canonical: str
    words: set[str]
    last: int


def _words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Whitespace-separated words of a span, outer punctuation trimmed (initials keep '.')."""
    out = []
    for m in re.finditer(r"\S+", text[start:end]):
        s, e = start + m.start(), start + m.end()
        while s < e and not text[s].isalnum():
            s += 1
        word = text[s:e]
        for suffix in ("'s", "’s", "'", "’"):
            if word.endswith(suffix) and len(word) > len(suffix):
                e -= len(suffix)
                break
        while e > s and not text[e - 1].isalnum() and not re.fullmatch(r"[A-Z]\.", text[s:e]):
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _is_title(word: str) -> bool:
    parts = [p for p in re.split(r"[-–]", fold(word).rstrip(".")) if p]
    return bool(parts) and all(p.rstrip(".") in TITLES for p in parts)


def clean_person(
    text: str, start: int, end: int, modifier: Callable[[str], bool] | None = None
) -> tuple[int, int] | None:
    """Trim titles, acronyms before titles ("ICE Director"), possessives and punctuation.

    `modifier` says which other leading words go too (countries: "British Prime Minister").
    """
    start, end = first_line_part(text, start, end)
    start, end = extend_name(text, start, end)
    words = trim_tail(text, _words(text, start, end))
    while len(words) > 1:
        word = text[words[0][0] : words[0][1]]
        nxt = text[words[1][0] : words[1][1]]
        acronym = word.isupper() and len(word) > 1 and not nxt.isupper()
        lead = len(words) > 2 and modifier is not None and modifier(word)
        if _is_title(word) or word[0].islower() or acronym or lead:
            words = words[1:]
            continue
        break
    if len(words) == 1 and _is_title(text[words[0][0] : words[0][1]]):
        return None
    if not words:
        return None
    s, e = words[0][0], words[-1][1]
    surface = text[s:e]
    if any(c.isdigit() for c in surface) or "@" in surface or not surface[0].isupper():
        return None
    return s, e


def _canonical(surface: str) -> str:
    words = surface.split()
    if all(w.isupper() for w in words if len(w.rstrip(".")) > 1):
        words = [w.capitalize() if len(w.rstrip(".")) > 1 else w for w in words]
    return " ".join(words)


def _keys(surface: str) -> set[str]:
    return {fold(w).strip(".") for w in surface.split() if len(w.rstrip(".")) > 1}


def _not_a_person(text: str, start: int, end: int) -> bool:
    """Single words used as a thing: 'Dreamboard', the Dreamboard site, Dreamboard members."""
    before, after = text[max(0, start - 4) : start], text[end : end + 1]
    if before[-1:] in _QUOTES and after in tuple(_QUOTES):
        return True
    if re.search(r"\bthe\s$", before):
        return True
    nxt = re.match(r"\s+([a-z]+)", text[end : end + 30])
    return bool(nxt and nxt.group(1) in _NOT_PERSON_NEXT)


def _single_word_evidence(text: str, start: int, end: int) -> bool:
    """A lone word is a person only with support: an introduction ("identified only as
    Liu"), an age ("Liu, 32,"), a title before it, or a speech verb next to it."""
    before = text[max(0, start - 80) : start]
    if _INTRO.search(before) or _AGE.match(text, end) or _SPEECH_AFTER.match(text, end):
        return True
    if _SPEECH_BEFORE.search(before):
        return True
    prev = re.search(r"(\S+)\s+$", before)
    word = fold(prev.group(1)).rstrip(".") if prev else ""
    if word in ("and", "&", ","):  # "Prosecutors Fusco and Mannella": the title covers both
        pair = re.search(r"(\S+)\s+[A-Z][\w'’-]+\s*(?:,|and|&)\s*$", before)
        word = fold(pair.group(1)).rstrip(".") if pair else ""
    word = word[:-1] if word.endswith("s") and word[:-1] in TITLES else word
    return word in TITLES and word not in _NOT_HONORIFIC


def _boilerplate(surface: str) -> bool:
    """Share bars and menus ("Facebook Twitter Email"), or a firm ("Azov Films")."""
    words = {fold(w).strip(".,") for w in surface.split()}
    return words <= _MENU_WORDS or bool(words & _ORG_WORDS)


def credit_spans(text: str) -> list[tuple[int, int]]:
    """Names in bylines, photo credits and wire sign-offs."""
    return [
        m.span("name")
        for m in _CREDITS.finditer(text)
        if not _NOT_CREDIT & {fold(w) for w in m.group("name").split()}
    ]


def resolve_persons(
    text: str,
    spans: Sequence[tuple[int, int, float]],
    blocked: Sequence[tuple[int, int]] = (),
    modifier: Callable[[str], bool] | None = None,
) -> list[PersonMention]:
    """Clean person spans, add credits, and link every mention to its fullest form."""
    raw = [(s, e, sc, "ner") for s, e, sc in spans]
    raw += [(s, e, 0.85, "pattern") for s, e in credit_spans(text) + email_bylines(text)]
    furniture = furniture_ranges(text)
    cleaned: list[tuple[int, int, float, str]] = []
    for s, e, score, model in sorted(raw, key=lambda r: (r[0], -(r[1] - r[0]))):
        for bs, be in blocked:  # an agency or place at the front: "Europol Director X"
            if bs <= s < be:
                s = be
        if s >= e:
            continue
        span = clean_person(text, s, e, modifier)
        if span is None or any(bs < span[1] and span[0] < be for bs, be in blocked):
            continue
        if in_ranges(span[0], furniture) or in_count_list(text, *span):
            continue  # a "More news" block; "Leeds (4), Hull (2)" lists places
        if cleaned and span[0] < cleaned[-1][1]:
            continue  # overlaps a mention already kept (NER and a credit on one name)
        if " " not in text[span[0] : span[1]] and _not_a_person(text, *span):
            continue
        if _boilerplate(text[span[0] : span[1]]):
            continue
        cleaned.append((span[0], span[1], score, model))
    return _link(text, cleaned)


def _link(text: str, mentions: list[tuple[int, int, float, str]]) -> list[PersonMention]:
    clusters: list[_Cluster] = []
    assigned: list[_Cluster] = []
    supported: set[int] = set()  # ids of one-word persons with evidence
    # Pass 1: full names (two words or more) form the persons.
    for s, e, _, _ in mentions:
        surface = " ".join(text[s:e].split())
        keys = _keys(surface)
        if len(surface.split()) < 2 or not keys:
            continue
        match = next((c for c in clusters if keys <= c.words or c.words <= keys), None)
        if match is None:
            clusters.append(_Cluster(_canonical(surface), keys, -1))
        elif len(keys) > len(match.words) or len(surface) > len(match.canonical):
            match.canonical, match.words = _canonical(surface), match.words | keys
    # Pass 2: in text order, each mention joins a person; single words pick the latest.
    for s, e, _, model in mentions:
        surface = " ".join(text[s:e].split())
        keys = _keys(surface) or {fold(surface)}
        if len(surface.split()) >= 2:
            cluster = next(c for c in clusters if keys <= c.words or c.words <= keys)
        else:
            fresh = bool(_INTRO.search(text[max(0, s - 80) : s]))
            known = [c for c in clusters if keys <= c.words]
            cluster = None if fresh or not known else max(known, key=lambda c: c.last)
            if cluster is None:
                cluster = _Cluster(_canonical(surface), keys, s)
                clusters.append(cluster)
            if len(cluster.canonical.split()) == 1 and (
                model == "pattern" or _single_word_evidence(text, s, e)
            ):
                supported.add(id(cluster))
        cluster.last = s
        assigned.append(cluster)
    return [
        PersonMention(s, e, cluster.canonical, score, model)
        for (s, e, score, model), cluster in zip(mentions, assigned, strict=True)
        if len(cluster.canonical.split()) > 1 or id(cluster) in supported
    ]
