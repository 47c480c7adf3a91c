"""Agencies the gazetteer does not know: local forces by pattern, NER organisations by head noun.

"Zaanstreek-Waterland police", "Cook County Sheriff's Office" and "Houston Police
Department" are a proper name before a police-like head; "Danish police" is only
a country. An organisation span counts as an agency when its head noun says so
("... Directorate", "Ministry of ...", "... Crime Unit").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from opwatch.models.normalize.agencies import AgencyMention, canonical_agency, slug
from opwatch.models.normalize.countries import lookup_place
from opwatch.models.normalize.phrases import TOKEN_RE, Token, fold, title_case_line, token_index_at

_HEADS = (
    ("police",),
    ("constabulary",),
    ("gendarmerie",),
    ("sheriff", "'", "s", "office"),
    ("sheriff", "'", "s", "department"),
    ("attorney", "'", "s", "office"),
    ("prosecutor", "'", "s", "office"),
    ("prosecutors", "'", "office"),
)
_HEAD_FIRST = {head[0] for head in _HEADS}  # a quick test before comparing whole heads
_HEAD_TAIL = {"service", "department", "force", "bureau", "agency", "command", "headquarters"}
_MOD_STOP = set(
    "the a an local yesterday today tonight earlier later then when after before meanwhile however"
    " also but and or so many some other both all any most several more federal national state"
    " municipal city county regional provincial military traffic riot secret border transport"
    " religious tourist judicial cyber online internet international foreign senior chief top"
    " his her their our its this that these those officers armed plainclothes undercover"
    " community special criminal anti child metropolitan district town village monday"
    " tuesday wednesday thursday friday saturday sunday january february march april may june"
    " july august september october november december".split()
)
_CONNECT = {"-", "of", "and", "&"}
_GENERIC_WORDS = set(
    "the of and for public state federal national regional district criminal police bureau office"
    " prosecutor prosecutors prosecution general chief central investigation investigations"
    " department ministry justice interior agency service unit division s".split()
)
_SEAT = re.compile(r"[ \t]+in[ \t]+(?P<place>[A-Z][\w-]+(?:[ \t]+[A-Z][\w-]+)?)(?![\w-])")
_OF_HEADS = {
    "city",
    "county",
    "province",
    "state",
    "district",
    "borough",
    "region",
    "town",
    "municipality",
    "isle",
    "republic",
}
_AGENCY_HEADS = {
    "police",
    "ministry",
    "department",
    "prosecutor",
    "prosecutors",
    "prosecution",
    "procuratorate",
    "agency",
    "bureau",
    "directorate",
    "gendarmerie",
    "constabulary",
    "court",
    "tribunal",
    "inspectorate",
    "taskforce",
    "marshals",
    "customs",
    "guard",
    "commission",
    "unit",
    "squad",
    "command",
    "carabinieri",
    "garda",
}
_STRICT_HEADS = {
    "police",
    "ministry",
    "prosecutor",
    "prosecutors",
    "procuratorate",
    "gendarmerie",
    "constabulary",
    "directorate",
    "bureau",
}
_QUALIFIED_HEADS = {
    "office",
    "service",
    "services",
    "force",
    "division",
    "centre",
    "center",
    "team",
    "group",
    "section",
    "administration",
    "authority",
    "council",
}
_AGENCY_CUES = {
    "police",
    "crime",
    "crimes",
    "criminal",
    "justice",
    "security",
    "investigation",
    "investigations",
    "investigative",
    "prosecution",
    "prosecutor",
    "attorney",
    "sheriff",
    "home",
    "border",
    "customs",
    "immigration",
    "enforcement",
    "intelligence",
    "cyber",
    "cybercrime",
    "exploitation",
    "protection",
    "trafficking",
    "interior",
    "internal",
    "affairs",
    "task",
    "prosecutors",
    "judicial",
}
_NOT_AGENCY = {
    "foundation",
    "society",
    "association",
    "institute",
    "university",
    "college",
    "school",
    "hospital",
    "church",
    "party",
    "company",
    "inc",
    "ltd",
    "llc",
    "corp",
    "corporation",
    "bank",
    "news",
    "times",
    "post",
    "daily",
    "herald",
    "press",
    "media",
    "network",
    "alliance",
    "coalition",
    "charity",
    "trust",
    "club",
    "league",
    "magazine",
    "microsoft",
    "google",
    "facebook",
    "meta",
    "apple",
    "twitter",
    "telegram",
    # a person's role, not a body: "Danish National Commissioner of Police"
    "commissioner",
    "director",
    "chief",
    "minister",
    "secretary",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "officer",
    "officers",
    "inspector",
    "detective",
    "superintendent",
    "sergeant",
    "chairman",
    "president",
    "attache",
}


def country_body(surface: str) -> bool:
    """ "Thai police", "Chinese authorities": a country's police, not a named body."""
    words = [w for w in TOKEN_RE.findall(surface) if w[0].isalnum() and fold(w) != "the"]
    return (
        len(words) > 1
        and fold(words[-1]) in {"police", "authorities", "government"}
        and all(
            (e := lookup_place(w)) is not None and e.kind in ("name", "demonym") for w in words[:-1]
        )
    )


def looks_like_agency(surface: str, *, strict: bool = False) -> bool:
    """Does an organisation name read as a police, justice or government body?

    `strict` (for spans the NER did not call organisations) accepts only the
    clearest heads: police, ministry, department, prosecutor's office...
    """
    raw = [w for w in TOKEN_RE.findall(surface) if w[0].isalnum()]
    if not any(w[0].isupper() for w in raw if fold(w) != "the"):
        return False  # "state police", "the ministry": a description, not a name
    words = [fold(w) for w in raw]
    if words and words[0] == "the":
        words = words[1:]
    if len(words) < 2 or _NOT_AGENCY & set(words) or set(words) <= _GENERIC_WORDS:
        return False  # "Criminal Police Bureau" says what kind of body, not which one
    head = words[-1] if words else ""
    if country_body(surface):
        return False
    if not raw[-1][0].isupper() and head != "police":
        return False  # "Wall Street bureau": a lower-case head is a description
    if strict:
        return head in _STRICT_HEADS or words[:2] in (["ministry", "of"], ["department", "of"])
    if head in _AGENCY_HEADS or words[-2:] == ["task", "force"]:
        return True
    if (
        len(words) > 2
        and words[0] in {"ministry", "department", "bureau", "directorate", "office"}
        and words[1] == "of"
    ):
        return True
    return head in _QUALIFIED_HEADS and bool(_AGENCY_CUES & set(words[:-1]))


def _is_city(name: str) -> bool:
    entry = lookup_place(name)
    return entry is not None and entry.kind in ("city", "capital", "region")


def _head_at(tokens: list[Token], i: int) -> int:
    """Index after a police-like head starting at token i, or -1."""
    for head in _HEADS if tokens[i].folded in _HEAD_FIRST else ():
        if tuple(t.folded for t in tokens[i : i + len(head)]) == head:
            j = i + len(head)
            if head == ("police",) and j < len(tokens) and tokens[j].folded in _HEAD_TAIL:
                j += 1
            return j
    named = i + 1 < len(tokens) and tokens[i + 1].text[0].isupper()
    if tokens[i].text == "Prosecutor" and not named:
        return i + 1  # "the Milan District Prosecutor said": the office, not a title before a name
    return -1


def _sentence_start(tokens: list[Token], text: str, i: int) -> bool:
    if i == 0 or tokens[i - 1].text in '.!?"“:':
        return True
    return "\n" in text[tokens[i - 1].end : tokens[i].start]


def find_local_forces(
    text: str,
    tokens: list[Token],
    taken: set[int],
    supported: Sequence[tuple[int, int]] = (),
    countries: Sequence[tuple[int, int]] = (),
) -> list[AgencyMention]:
    """ "Zaanstreek-Waterland police", "Cook County Sheriff's Office": a proper name + head.

    Country words alone ("Danish police") make no agency; a capitalised first word of
    a sentence counts only when it is a known place or inside an NER span.
    """
    out: list[AgencyMention] = []
    for i in range(1, len(tokens)):
        end = _head_at(tokens, i)
        if end < 0 or i in taken or tokens[i - 1].folded == "of":
            continue
        if title_case_line(text, tokens[i].start):
            continue  # in "Paedophile Ring Smashed By Global Police" every word is capitalised
        first = i
        while first > 0 and first - 1 not in taken and i - first < 8:
            tok, gap = tokens[first - 1], text[tokens[first - 1].end : tokens[first].start]
            if "\n" in gap:
                break
            if tok.text[0].isupper() and tok.text.isalnum():
                first -= 1
            elif (
                tok.folded in _CONNECT
                and first - 2 >= 0
                and tokens[first - 2].text[0].isupper()
                and (tok.folded != "-" or not (gap or text[tokens[first - 2].end : tok.start]))
                and (tok.folded != "of" or tokens[first - 2].folded in _OF_HEADS)
            ):
                first -= 1  # "Zaanstreek-Waterland", "Devon and Cornwall", "City of London"
            else:
                break
        while first < i and (
            tokens[first].folded in _MOD_STOP | _CONNECT
            or (
                _sentence_start(tokens, text, first)
                and lookup_place(tokens[first].text) is None
                and not any(s <= tokens[first].start < e for s, e in supported)
            )
        ):
            first += 1
        words = [t for t in tokens[first:i] if t.text[0].isalnum()]
        if not words or all(fold(w.text) in _MOD_STOP for w in words):
            continue
        modifier = text[tokens[first].start : tokens[i - 1].end]
        check = words
        if _sentence_start(tokens, text, first) and len(words) > 1:
            if lookup_place(words[0].text) is None:
                check = words[1:]  # "Vast German police operation": the line's first word
        if all(any(s <= w.start < e for s, e in countries) or w.folded in _CONNECT for w in check):
            continue  # "Danish police", "British and Australian police": countries only
        head = text[tokens[i].start : tokens[end - 1].end]
        if head == "Prosecutor":
            if not any(
                lookup_place(w.text) or any(s <= w.start < e for s, e in supported) for w in words
            ):
                continue  # "Crown Prosecutor", "Deputy Prosecutor": a post, not an office
            head += "'s Office"
        name = f"{modifier} " + " ".join(w[:1].upper() + w[1:] for w in head.split())
        canonical = canonical_agency(name) or name
        seat = _SEAT.match(text, tokens[end - 1].end)
        if seat and tokens[end - 1].folded == "office" and _is_city(seat.group("place")):
            canonical = f"{canonical} in {seat.group('place')}"  # "... Office in Frankfurt"
            end = token_index_at(tokens, seat.end())
        elif canonical == name and {w.folded for w in words} <= _GENERIC_WORDS:
            continue  # "Public Prosecutor's Office" with no seat names no one office
        out.append(
            AgencyMention(
                tokens[first].start,
                tokens[end - 1].end,
                canonical,
                slug(canonical),
                "agency",
                "pattern",
                0.8,
            )
        )
        taken |= set(range(first, end))
    return out
