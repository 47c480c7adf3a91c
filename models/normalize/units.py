"""Parts of an agency named on their own: a unit of a force, or a short form of a name.

"The GBI's Child Exploitation and Computer Crimes Unit" and "the cybercrime squad of
the Ukrainian police" are the parent agency at work, not agencies of their own; a
later "Customs Service" after "U.S. Customs Service" is that same agency.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from opwatch.models.normalize.agencies import AgencyMention, canonical_agency
from opwatch.models.normalize.phrases import fold

UNIT_HEADS = {
    "unit",
    "units",
    "division",
    "squad",
    "section",
    "branch",
    "team",
    "teams",
    "desk",
    "cell",
    "wing",
}
_POSSESSOR = re.compile(
    r"(?P<owner>[A-Z][\w.&-]*(?:[ \t]+[A-Z][\w.&-]*){0,5})['’]s[ \t]+"
    r"(?:(?:[A-Z][\w-]*|and|&|of|for)[ \t]+)*$"
)
_OWNER_AFTER = re.compile(r"[ \t]+(?:of|at|within|in)[ \t]+(?:the[ \t]+)?")


def _is_agency(text: str, start: int, end: int, agencies: Sequence[AgencyMention]) -> bool:
    if any(a.kind == "agency" and a.start < end and start < a.end for a in agencies):
        return True
    return canonical_agency(text[start:end]) is not None


def part_of_parent(text: str, start: int, end: int, agencies: Sequence[AgencyMention]) -> bool:
    """Is text[start:end] a unit ("... Unit", "... Squad") owned by an agency named beside
    it ("the GBI's ...", "... of the Toronto Police")?"""
    words = re.findall(r"[\w-]+", text[start:end])
    if not words or fold(words[-1]) not in UNIT_HEADS:
        return False
    before = _POSSESSOR.search(text[max(0, start - 120) : start])
    if before:
        owner_start = max(0, start - 120) + before.start("owner")
        if _is_agency(text, owner_start, owner_start + len(before.group("owner")), agencies):
            return True
    after = _OWNER_AFTER.match(text, end)
    if after:
        nxt = re.match(r"[A-Z][\w.&-]*(?:[ \t]+[A-Z][\w.&-]*){0,5}", text[after.end() :])
        if nxt and _is_agency(text, after.end(), after.end() + nxt.end(), agencies):
            return True
    return False


def tail_of(name: str, agencies: Sequence[AgencyMention]) -> str | None:
    """ "Customs Service" when the article named "U.S. Customs Service": that canonical."""
    words = fold(name).split()
    if len(words) < 2:
        return None
    for a in agencies:
        full = fold(a.canonical).split()
        if a.kind == "agency" and len(full) > len(words) and full[-len(words) :] == words:
            return a.canonical
    return None
