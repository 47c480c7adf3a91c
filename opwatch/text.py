"""Sentence spans over the cleaned text (character offsets, never rewritten text).

The one sentence splitter: figures' evidence sentences, the role data's checker and the
reports' evidence all use it. (The encoder's windows cut on a sub-token test of their
own, models/ner/windows.py, which the model was trained with.)
"""

from __future__ import annotations

import re
from bisect import bisect_right

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "jr",
    "sr",
    "gen",
    "col",
    "lt",
    "sgt",
    "insp",
    "det",
    "supt",
    "gov",
    "sen",
    "rep",
    "u.s",
    "u.k",
    "u.n",
    "e.g",
    "i.e",
    "etc",
    "no",
    "vs",
    "inc",
    "ltd",
    "co",
    "corp",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "approx",
    "fig",
    "ft",
    "mt",
    "hon",
}
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)")
_INITIAL = re.compile(r"(?:^|\s)[A-Z]$")


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at `dot` closes an abbreviation or an initial."""
    head = text[max(0, dot - 12) : dot]
    word = re.split(r"\s", head)[-1].lower().lstrip("(\"'“")
    return word in _ABBREVIATIONS or bool(_INITIAL.search(head))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split into sentences; blank-line and line breaks are hard boundaries.

    Returns (start, end) pairs with surrounding whitespace trimmed, so
    text[start:end] is the sentence as written.
    """
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        base = line.start()
        chunk = line.group()
        cut = 0
        for m in _END.finditer(chunk):
            end = m.end()
            if chunk[m.start()] == "." and _is_abbreviation(chunk, m.start()):
                continue
            rest = chunk[end:].lstrip()
            if rest and not (rest[0].isupper() or rest[0] in "\"'“‘(["):
                continue
            spans.append((base + cut, base + end))
            cut = end
        spans.append((base + cut, base + len(chunk)))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_at(spans: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """The sentence span that contains a character offset (spans sorted, disjoint)."""
    i = bisect_right(spans, (offset, float("inf"))) - 1
    if i >= 0 and spans[i][0] <= offset < spans[i][1]:
        return spans[i]
    return (offset, offset)


def clip_span(
    text: str, span: tuple[int, int], start: int, end: int, reach: int
) -> tuple[int, int]:
    """`span` cut to at most `reach` characters either side of text[start:end], at
    whitespace where possible: the bounded context of one mention in a very long
    sentence (a one-line file, a table flattened to one line)."""
    s0, s1 = span
    if start - s0 > reach:
        cut = text.find(" ", start - reach, start)
        s0 = cut + 1 if cut >= 0 else start - reach
    if s1 - end > reach:
        cut = text.rfind(" ", end, end + reach)
        s1 = cut if cut >= 0 else end + reach
    return s0, s1
