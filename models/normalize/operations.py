"""Named operations found by pattern in the raw text, independent of NER.

"Operation Delego", "'Operation Icarus'", "operation “Broken Heart”",
"Operation ICARUS", "Operación Tantalio", "Project Spade" and "an operation
code-named Spade" all become "Operation <Name>" in title case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from opwatch.models.normalize.agencies import canonical_agency
from opwatch.models.normalize.countries import lookup_place
from opwatch.models.normalize.phrases import title_case_line

STOP_LIST = Path(__file__).resolve().parents[1] / "gazetteers" / "not_operations.txt"
_ENGLISH = {"operation", "project"}

_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’-]*(?:\.[\w'’-]+)*"
_LINK = r"(?:of|the|de|del|della|la|le|na|da|do|dos|das|für|van|der)"
_NAME = rf"{_WORD}(?:[ \t]+(?:{_LINK}[ \t]+)?{_WORD}){{0,4}}"
_KEYWORD = (
    r"(?:Operation|OPERATION|Operación|Opération|Operação|Operazione|Operatie|Operasi"
    r"|Project)"
)
_QUOTE_OPEN = "\"'“‘«„"
_QUOTE_CLOSE = "\"'”’»“"
# Operation Delego / OPERATION ICARUS / Operation: Rescue / Project Spade
_PLAIN = re.compile(rf"(?<![\w-])(?P<kw>{_KEYWORD})(?::)?[ \t]+(?P<name>{_NAME})")
# operation “Broken Heart” / Operation 'Icarus'
_QUOTED = re.compile(
    rf"(?<![\w-])(?P<kw>{_KEYWORD}|operation|project)(?::)?[ \t]*[{_QUOTE_OPEN}]"
    rf"(?P<name>[^{_QUOTE_OPEN}{_QUOTE_CLOSE}\n]{{2,40}}?)[{_QUOTE_CLOSE}]"
)
# an operation code-named Spade / the operation, called "Pacifier"
_DUBBED = re.compile(
    rf"\b(?P<kw>operation|investigation|probe|crackdown|sting|case)\b[^.\n]{{0,40}}?\b"
    rf"(?:(?:code-?named|code named|dubbed|known as)[ \t]+[{_QUOTE_OPEN}]?(?P<name>{_NAME})"
    rf"|(?:called|named)[ \t]+[{_QUOTE_OPEN}](?P<quoted>{_NAME})[{_QUOTE_CLOSE}])"
)
# the Toronto Police's operation Nightjar: a lower-case keyword after its owner
_OWNED = re.compile(rf"['’]s[ \t]+(?P<kw>operation)[ \t]+(?P<name>{_NAME})")
# “Operation 24/7”: inside quotes a name may start with a digit.
_WHOLE_QUOTED = re.compile(
    rf"[{_QUOTE_OPEN}](?P<kw>Operation|OPERATION)[ \t]+(?P<name>[\w][\w/&.+-]*(?:[ \t][\w/&.+-]+)"
    rf"{{0,3}}?)[,.]?[{_QUOTE_CLOSE}]"
)
# the ‘Luna Park’ operation / the Sandcastle operation
_NAME_BEFORE = re.compile(
    rf"\b(?:[Tt]he|[Aa]n?|[Tt]his|[Tt]hat)[ \t]+(?:(?P<q>[{_QUOTE_OPEN}])(?P<quoted>[^{_QUOTE_OPEN}"
    rf"{_QUOTE_CLOSE}\n]{{2,40}}?)[{_QUOTE_CLOSE}]|(?P<name>{_NAME}))[ \t]+(?P<kw>operation)\b"
)
_BODY_HEADS = set(
    "police force agency bureau service ministry department unit office command squad team"
    " authorities government".split()
)
# Capitalised words that describe an operation rather than name it.
_NOT_PLAIN_NAMES = set(
    "internet web dark darknet tor online global international joint european federal national"
    " state police government christmas easter summer winter spring autumn covert undercover"
    " multinational worldwide".split()
)
_MONTHS_DAYS = set(
    "january february march april may june july august september october november december"
    " monday tuesday wednesday thursday friday saturday sunday".split()
)
# First words that make "Operation X" a unit or a job, not a named operation.
_NOT_NAMES = {
    "centre",
    "center",
    "centres",
    "team",
    "teams",
    "unit",
    "manager",
    "managers",
    "room",
    "director",
    "group",
    "command",
    "commander",
    "officer",
    "officers",
    "chief",
    "head",
    "support",
    "leader",
    "coordinator",
    "desk",
    "section",
    "division",
    "services",
    "service",
    "control",
    "planning",
    "orders",
    "plan",
    "area",
    "the",
    "a",
    "an",
    "in",
    "on",
    "at",
    "of",
    "and",
    "was",
    "is",
    "has",
    "had",
    "will",
    "to",
    "for",
    "by",
    "with",
    "this",
    "that",
    "it",
    "i",
    "ii",
    "iii",
}
_TRAILING = {"task", "force", "taskforce", "team", "investigators", "police", "officers"}


@dataclass(frozen=True)
class OperationMention:
    start: int
    end: int
    canonical: str
    foreign: bool = False  # named with "Operación", "Opération"... rather than "Operation"


@lru_cache(maxsize=1)
def stop_list() -> frozenset[str]:
    """Folded names from models/gazetteers/not_operations.txt ("project safe childhood",
    or a bare "results" that blocks the name after either keyword)."""
    with open(STOP_LIST, encoding="utf-8") as handle:
        lines = [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    return frozenset(" ".join(line.lower().split()) for line in lines)


def _stopped(keyword: str, name: str) -> bool:
    name = " ".join(name.lower().split())
    key = "project" if keyword.lower() == "project" else "operation"
    return name in stop_list() or f"{key} {name}" in stop_list()


def _plain_name_ok(name: str) -> bool:
    """An unquoted name before "operation" must not be a place, agency, month or day
    ("the Dutch operation", "the FBI operation", "the March operation")."""
    if re.search(r"-[a-z]", name):
        return False  # "the Interpol-coordinated operation", "the Europe-wide operation"
    words = re.split(r"[\s-]+", name)
    if {w.lower() for w in words} & _NOT_PLAIN_NAMES:
        return False
    if re.search(r"['’]s?$", name) or words[-1].lower() in _BODY_HEADS:
        return False  # "the Kerala Police's operation": whose operation, not its name
    if any(w.lower() in _MONTHS_DAYS or lookup_place(w) is not None for w in words):
        return False
    return canonical_agency(name) is None and not name.isupper()


def _title(name: str) -> str:
    words = []
    for i, word in enumerate(name.split()):
        if i and word.lower() in {"of", "the", "and", "in", "de", "na", "da", "do", "y"}:
            words.append(word.lower())
        elif word.isupper() or word.islower():
            words.append(word[:1].upper() + word[1:].lower())
        else:
            words.append(word)
    return " ".join(words)


def _clean_name(name: str, keyword: str) -> str | None:
    name = name.strip(" \t.,;:'’")
    words = name.split()
    while words and words[-1].lower() in _TRAILING:
        words.pop()
    while words and words[-1].lower() in {"of", "the", "and", "in", "de", "da", "do", "na"}:
        words.pop()
    if not words or words[0].lower() in _NOT_NAMES or words[0].isdigit():
        return None
    name = " ".join(words)
    if _stopped(keyword, name):
        return None
    if keyword.lower() == "project" and len(words) > 2:
        return None
    return name


def find_operations(text: str) -> list[OperationMention]:
    """Every mention of a named operation; text[start:end] is the mention as written."""
    found: dict[tuple[int, int], OperationMention] = {}

    def keep(start: int, end: int, name: str, keyword: str) -> None:
        if any(s <= start < e or start <= s < end for s, e in found):
            return
        foreign = keyword.lower() not in _ENGLISH
        found[(start, end)] = OperationMention(start, end, f"Operation {_title(name)}", foreign)

    for pattern in (_WHOLE_QUOTED, _QUOTED, _PLAIN, _OWNED, _DUBBED):
        for m in pattern.finditer(text):
            group = "quoted" if pattern is _DUBBED and m.group("name") is None else "name"
            name = _clean_name(m.group(group), m.group("kw"))
            if name is None:
                continue
            name_start = m.start(group) + m.group(group).find(name)
            start = name_start if pattern is _DUBBED else m.start("kw")
            end = m.end() if pattern in (_QUOTED, _WHOLE_QUOTED) else name_start + len(name)
            if pattern is _WHOLE_QUOTED:
                start, end = m.start("kw"), m.end("name")
            keep(start, end, name, m.group("kw"))
    for m in _NAME_BEFORE.finditer(text):
        group = "quoted" if m.group("quoted") else "name"
        name = _clean_name(m.group(group), "operation")
        if name is None or (group == "name" and not _plain_name_ok(name)):
            continue
        if group == "name" and title_case_line(text, m.start()):
            continue  # a headline capitalises every word
        keep(m.start(group) - (1 if group == "quoted" else 0), m.end("kw"), name, "operation")
    mentions = sorted(found.values(), key=lambda o: o.start)
    return _shortest_names(text, _english_names(text, mentions))


def _english_names(text: str, mentions: list[OperationMention]) -> list[OperationMention]:
    """ "Operación Salvación (Operation Salvation)", or "Operación Carrusel" in a headline
    and "Operation Carrousel" in the body: the English name is the canonical."""
    english = [m for m in mentions if not m.foreign]
    out = []
    for m in mentions:
        if m.foreign:
            beside = next(
                (
                    e
                    for e in english
                    if 0 <= e.start - m.end <= 3 and re.fullmatch(r"\s*\(?", text[m.end : e.start])
                ),
                None,
            )
            similar = [e for e in english if _similar(e.canonical, m.canonical)]
            match = beside or (similar[0] if similar else None)
            if match is not None:
                m = OperationMention(m.start, m.end, match.canonical, True)
        out.append(m)
    return out


def _similar(a: str, b: str) -> bool:
    return SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.8


def _shortest_names(text: str, mentions: list[OperationMention]) -> list[OperationMention]:
    """A title-case headline ("Operation Delego Nets 72") takes the shorter name that the
    article also uses ("Operation Delego")."""
    names = {m.canonical for m in mentions}
    out = []
    for m in mentions:
        words = m.canonical.split()
        n = next((n for n in range(2, len(words)) if " ".join(words[:n]) in names), 0)
        if not n and len(words) > 2 and title_case_line(text, m.start):
            n = 2  # "Operation Rescue Smashes Paedophile Ring": keep the first word
        surface = list(re.finditer(r"\S+", text[m.start : m.end]))
        if n and len(surface) == len(words):
            end = m.start + surface[n - 1].end()
            m = OperationMention(m.start, end, " ".join(words[:n]), m.foreign)
        out.append(m)
    return out
