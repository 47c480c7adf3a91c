"""Named operations found by pattern in the raw text, independent of NER.

"Operation Delego", "'Operation Icarus'", "operation “Broken Heart”",
"Operation ICARUS", "Operación Tantalio", "Project Spade" and "an operation
code-named Spade" all become "Operation <Name>" in title case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.normalize.phrases import title_case_line

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
    rf"\b(?P<kw>operation|investigation|probe|crackdown|sting)\b[^.\n]{{0,40}}?\b"
    rf"(?:(?:code-?named|code named|dubbed|known as)[ \t]+[{_QUOTE_OPEN}]?(?P<name>{_NAME})"
    rf"|(?:called|named)[ \t]+[{_QUOTE_OPEN}](?P<quoted>{_NAME})[{_QUOTE_CLOSE}])"
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
# "Project ..." names that are programmes or tools rather than operations.
_NOT_PROJECTS = {
    "safe childhood",
    "vic",
    "arachnid",
    "manager",
    "director",
    "coordinator",
    "lead",
    "leader",
    "team",
    "officer",
}
_TRAILING = {"task", "force", "taskforce", "team", "investigators", "police", "officers"}


@dataclass(frozen=True)
class OperationMention:
    start: int
    end: int
    canonical: str


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
    if keyword.lower() == "project" and name.lower() in _NOT_PROJECTS:
        return None
    if keyword.lower() == "project" and len(words) > 2:
        return None
    return name


def find_operations(text: str) -> list[OperationMention]:
    """Every mention of a named operation; text[start:end] is the mention as written."""
    found: dict[tuple[int, int], OperationMention] = {}
    for pattern in (_QUOTED, _PLAIN, _DUBBED):
        for m in pattern.finditer(text):
            group = "quoted" if pattern is _DUBBED and m.group("name") is None else "name"
            name = _clean_name(m.group(group), m.group("kw"))
            if name is None:
                continue
            name_start = m.start(group) + m.group(group).find(name)
            start = name_start if pattern is _DUBBED else m.start("kw")
            end = m.end() if pattern is _QUOTED else name_start + len(name)
            if any(s <= start < e or start <= s < end for s, e in found):
                continue
            found[(start, end)] = OperationMention(start, end, f"Operation {_title(name)}")
    return _shortest_names(text, sorted(found.values(), key=lambda o: o.start))


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
            m = OperationMention(m.start, m.start + surface[n - 1].end(), " ".join(words[:n]))
        out.append(m)
    return out
