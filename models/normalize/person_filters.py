"""Page furniture and span repairs for person names.

Aggregator pages and blogs carry text that the NER reads as names: "More news"
link blocks, lists of places with counts ("Leeds (4), Hull (2)"), bylines with
an e-mail address glued on. Names also get cut: "Saif bin Zayed" loses its
first word, "Carl Smith Jr." its suffix, and a span may run across a paragraph
break into the next line's first word.
"""

from __future__ import annotations

import re

from opwatch.models.normalize.phrases import fold

# Headings that open a block of links to other stories (aggregators, blogs).
_FURNITURE = re.compile(
    r"(?im)^[ \t]*(?:more news|more stories|more from [^\n]{1,40}"
    r"|related(?: news| articles| stories| posts| coverage)?|read more|read next|most read"
    r"|most popular|trending(?: now)?"
    r"|you may also like|recommended(?: for you)?|latest news|top stories|see also"
    r"|also read|popular posts)[ \t]*:?[ \t]*$"
)
_PARTICLES = {"bin", "ibn", "bint", "van", "von", "de", "da", "di", "del", "della", "dos", "le"}
_SUFFIX = re.compile(r",?[ \t]+(?:Jr|Sr|Snr|Jnr)\.?(?![\w])|[ \t]+(?:II|III|IV)(?![\w])")
_COUNT_AFTER = re.compile(r"[ \t]*\(\d+\)")
_EMAIL_BYLINE = re.compile(
    r"(?m)^[ \t\-–—•*|]*(?:By[ \t]+)?(?P<name>[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+){1,2})"
    r"[ \t]+(?P<local>[A-Za-z][\w.]*)@"
)


def furniture_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of "More news"-style link blocks: from the heading to the next
    blank line, or to the end of the text when the heading sits in its last third."""
    out = []
    for m in _FURNITURE.finditer(text):
        if m.start() > len(text) * 2 / 3:
            out.append((m.start(), len(text)))
            continue
        blank = re.search(r"\n[ \t]*\n", text[m.end() + 1 :])
        out.append((m.start(), m.end() + 1 + blank.start() if blank else len(text)))
    return out


def first_line_part(text: str, start: int, end: int) -> tuple[int, int]:
    """A name never crosses a line break: keep the first line of the span that holds a
    capitalised word ("Nick Gibbs\\n\\nAgents" -> "Nick Gibbs")."""
    pos = start
    for line in text[start:end].split("\n"):
        if re.search(r"[A-Z]", line):
            return pos, pos + len(line.rstrip())
        pos += len(line) + 1
    return start, start


def extend_name(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in a first name before a particle ("Saif bin Zayed") and a suffix ("Jr.")."""
    before = re.search(r"([A-Z][\w'’-]+)[ \t]+([a-z]+)[ \t]+$", text[max(0, start - 40) : start])
    if before and before.group(2) in _PARTICLES:
        start -= len(before.group(0))
    suffix = _SUFFIX.match(text, end)
    if suffix:
        end = suffix.end()
    return start, end


def trim_tail(text: str, words: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop trailing words that no name ends with: lower case ("munonam") or an e-mail
    fragment ("jdoe@")."""
    while len(words) > 1:
        s, e = words[-1]
        word = text[s:e]
        if word[0].islower() or text[e : e + 1] == "@" or "@" in word:
            words = words[:-1]
            continue
        break
    return words


def in_count_list(text: str, start: int, end: int) -> bool:
    """ "Leeds (4), Hull (2), York (1)": a list of places with counts, not people."""
    if not _COUNT_AFTER.match(text, end):
        return False
    window = text[max(0, start - 60) : start] + text[end : end + 60]
    counts = [int(n) for n in re.findall(r"\((\d+)\)", window)]
    if " " not in text[start:end].strip():
        return len(counts) >= 2
    # "Mark Hale (34), Tom Ward (41)" gives ages; a list of places gives small counts
    return len(counts) >= 3 and max(counts) < 16


def email_bylines(text: str) -> list[tuple[int, int]]:
    """ "Jane Roe jane.roe@paper.example": a byline whose address spells the name."""
    out = []
    for m in _EMAIL_BYLINE.finditer(text):
        letters = re.sub(r"[^a-z]", "", fold(m.group("local")))
        name = [re.sub(r"[^a-z]", "", fold(w)) for w in m.group("name").split()]
        if letters and all(w[:1] in letters for w in name) and any(w in letters for w in name):
            out.append(m.span("name"))
    return out


def in_ranges(start: int, ranges: list[tuple[int, int]]) -> bool:
    return any(s <= start < e for s, e in ranges)
