"""Find every numeric expression in a text, with exact character offsets.

Why a hand parser and not text2num / quantulum3 / price-parser: those return values
for a string you already cut out, not spans over the original text, and none of
them knows withheld placeholders ("2xx", "XX countries") or vague quantities
("hundreds of"), which must come back as value None. The grammar here is small
(digits with separators, scale words, English number words), so a few regexes keep
offsets exact and the behaviour easy to test.

Ranges: in "between 23 and 72" (also "23 to 72", "23-72") both ends are kept as two
numbers; the lower gets qualifier at_least and the upper at_most.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace

from opwatch.models.figures.units import detect_unit

_SMALL = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "hundred": 100,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "lakh": 1e5,
    "crore": 1e7,
    "mn": 1e6,
    "bn": 1e9,
    "m": 1e6,
    "k": 1e3,
}
_WORD = "|".join(
    sorted(
        [*_SMALL, "hundred", "thousand", "million", "billion", "trillion", "dozen"],
        key=len,
        reverse=True,
    )
)
_WORDS_RE = re.compile(
    rf"\b(?:an?\s+(?=(?:hundred|thousand|million|billion|dozen)\b))?(?:{_WORD})"
    rf"(?:(?:\s+and\s+|[\s-]+)(?:{_WORD}))*\b",
    re.IGNORECASE,
)
_SCALE_WORD = r"(?:million|billion|trillion|thousand|hundred|dozen|lakh|crore|mn|bn|m|k)"
_DIGITS_RE = re.compile(
    r"(?<![\w.,/:+-])(?P<num>"
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)"  # 1,700 / 1,234.5
    r"|\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?!\d|[,.]\d)"  # 150 000 (thin/nbsp too)
    r"|\d{1,3}(?:\.\d{3})+(?![\d,]\d)"  # 18.000 (thousands unless a scale follows)
    r"|\d+(?:[.,]\d+)?"
    r")(?P<scale>\s*(?:" + _SCALE_WORD + r")\b|\s+dozen\b)?"
)
_VAGUE_RE = re.compile(
    r"\b(?:(?:tens|hundreds)\s+of\s+(?:thousands|millions)"
    r"|(?:several|a\s+few|a\s+couple\s+of|many)\s+(?:dozen|hundred|thousand|million)s?"
    r"|(?:dozens|scores|hundreds|thousands|millions|billions)(?=\s+(?:of|more)\b)"
    r"|(?:dozens|hundreds|thousands|millions))\b",
    re.IGNORECASE,
)
# Withheld numbers: "2xx", "xxx", "XX" standing alone (not inside e-mail addresses).
_REDACTED_RE = re.compile(r"(?<![\w@.])(?:\d+[xX]{1,3}|[xX]{2,4}(?:,[xX]{3})*)(?![\w@]|\.\w)")

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
    r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# Spans that are never counts: dates, times, phone numbers, postcodes, percentages.
_NOT_COUNTS = re.compile(
    rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}(?:,?\s+\d{{4}})?"
    r"|\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b"
    r"|\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?|hrs?|h)?(?!\d)|\b\d{1,2}\s*[ap]\.m\.|\b\d{1,2}\s*[ap]m\b"
    r"|\+\d[\d\s()./-]{6,}\d|\(0\)\d[\d\s-]*\d|\b0\d{2,4}[\s-]\d{3}[\s-]?\d{3,4}\b"
    r"|\b\d{4}\s?[A-Z]{2}\b|\b[A-Z]{1,2}\d{1,2}[A-Z]?\s\d[A-Z]{2}\b"
    r"|\b(?:P\.?\s?O\.?\s*)?Box\s+\d[\d ]*|\b(?:No|Nr|Art|Article|Section|Rule)\.?\s+\d+"
    r"|\d+(?:[.,]\d+)?\s*(?:%|per\s?cent\b|percent\b|percentage\s+points?\b)"
)
_YEAR_NOUNS = re.compile(
    r"\s+(?:[a-z-]+\s+)?(?:people|persons|suspects|arrests|children|victims|images|videos|"
    r"files|members|users|sites|websites|men|women|individuals|offenders)\b"
)
_LETTER_SUFFIX = re.compile(r"[A-Za-z]+")
_UNIT_SUFFIXES = {"tb", "gb", "mb", "pb", "kb", "m", "k", "bn", "mn", "s"}
_QUAL_BEFORE = [
    (
        "at_least",
        r"(?:more\s+than|over|at\s+least|upwards\s+of|in\s+excess\s+of|no\s+fewer\s+than|"
        r"no\s+less\s+than|just\s+over|well\s+over|above|a\s+minimum\s+of)",
    ),
    (
        "at_most",
        r"(?:up\s+to|fewer\s+than|less\s+than|under|at\s+most|no\s+more\s+than|"
        r"just\s+under|a\s+maximum\s+of|below)",
    ),
    (
        "approx",
        r"(?:almost|nearly|about|some|around|approximately|roughly|an\s+estimated|"
        r"estimated|close\s+to|approx\.|circa|c\.|more\s+or\s+less|around\s+about)",
    ),
]
_QUAL_RES = [
    (q, re.compile(rf"\b{p}\s*(?:US|A|C|NZ|HK)?[$€£¥]?$", re.IGNORECASE)) for q, p in _QUAL_BEFORE
]
_QUAL_AFTER = re.compile(r"^(?:\+|\s+or\s+more\b|\s+plus\b|\s+or\s+so\b|\s+odd\b)")


@dataclass(frozen=True)
class ParsedNumber:
    """One numeric expression found in a text (offsets into that text)."""

    start: int
    end: int
    text: str
    value: float | None  # None when redacted or vague
    qualifier: str  # exact | at_least | at_most | approx
    unit: str | None  # None for plain counts
    redacted: bool = False
    vague: bool = False


def words_value(words: str) -> float | None:
    """Value of English number words: 'a hundred and twelve' -> 112, 'two dozen' -> 24."""
    total, current, seen = 0.0, 0.0, False
    for tok in re.split(r"[\s-]+", words.lower()):
        if tok in ("and", ""):
            continue
        if tok in ("a", "an"):
            current = max(current, 1.0)
        elif tok in _SMALL:
            current += _SMALL[tok]
        elif tok == "dozen":
            current = max(current, 1.0) * 12
        elif tok == "hundred":
            current = max(current, 1.0) * 100
        elif tok in ("thousand", "million", "billion", "trillion"):
            total += max(current, 1.0) * _SCALES[tok]
            current = 0.0
        else:
            return None
        seen = True
    return total + current if seen else None


def _digits_value(num: str, scale: str | None) -> float:
    """Value of a digit string; separators resolved, scale word applied."""
    scale = (scale or "").strip().lower()
    s = num
    for sep in (",", " ", "\u00a0", "\u2009", "\u202f"):
        if re.fullmatch(r"\d{1,3}(?:" + re.escape(sep) + r"\d{3})+(?:\.\d+)?", s):
            s = s.replace(sep, "")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", s) or (
        re.fullmatch(r"\d{1,3}\.\d{3}", s) and not scale
    ):
        s = s.replace(".", "")  # European thousands separator
    s = s.replace(",", ".")  # "1,5 million": a decimal comma
    value = float(s)
    if scale == "dozen":
        return value * 12
    return value * _SCALES.get(scale, 1)


def _qualifier(text: str, start: int, end: int) -> str:
    before = text[max(0, start - 30) : start]
    for qual, pattern in _QUAL_RES:
        if pattern.search(before):
            return qual
    return "at_least" if _QUAL_AFTER.match(text[end : end + 10]) else "exact"


def _blocked(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _NOT_COUNTS.finditer(text)]


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether text[start:end] overlaps one of `spans` (sorted, disjoint: finditer's)."""
    i = bisect_left(spans, (end,))  # spans starting at or after `end` cannot overlap
    return i > 0 and spans[i - 1][1] > start


def _is_year(text: str, m: re.Match[str]) -> bool:
    num = m.group("num")
    if m.group("scale") or not re.fullmatch(r"(?:19|20)\d\d", num):
        return False
    return not _YEAR_NOUNS.match(text[m.end() : m.end() + 40])


def _digit_candidates(text: str, blocked: list[tuple[int, int]]) -> list[ParsedNumber]:
    found = []
    for m in _DIGITS_RE.finditer(text):
        start, end = m.start(), m.end()
        if _overlaps(blocked, start, end) or _is_year(text, m):
            continue
        suffix = _LETTER_SUFFIX.match(text, end)
        if suffix and not m.group("scale"):
            if suffix.group().lower() not in _UNIT_SUFFIXES or suffix.group() == "s":
                continue  # ordinals (1st), decades (1990s), codes (4G)
        if text[end : end + 2] in ("st", "nd", "rd", "th") and not m.group("scale"):
            continue
        # A currency sign written right before the number belongs to the expression.
        cur = re.search(r"(?:US|A|AU|C|CA|NZ|HK|S|R)?[$€£¥₹]\s?$", text[max(0, start - 4) : start])
        if cur:
            start -= len(cur.group())
        value = _digits_value(m.group("num"), m.group("scale"))
        found.append(ParsedNumber(start, end, text[start:end], value, "exact", None))
    return found


def _word_candidates(text: str, blocked: list[tuple[int, int]]) -> list[ParsedNumber]:
    found = []
    for m in _WORDS_RE.finditer(text):
        if _overlaps(blocked, m.start(), m.end()):
            continue
        surface = m.group()
        if surface.lower() == "one" and _idiomatic_one(text, m.start(), m.end()):
            continue
        value = words_value(surface)
        if value is None:
            continue
        found.append(ParsedNumber(m.start(), m.end(), surface, value, "exact", None))
    return found


def _idiomatic_one(text: str, start: int, end: int) -> bool:
    """'one another', 'no one', 'one of the largest', 'one day': not counts."""
    after = text[end : end + 30].lower()
    before = text[max(0, start - 12) : start].lower()
    if re.match(r"\s+(?:another|day|time|way|point|side|hand|thing|single|or\s+two)\b", after):
        return True
    if re.match(r"\s+of\s+(?:the\s+)?(?:most|\w+est|biggest|first|few|many|several)\b", after):
        return True
    return bool(re.search(r"\b(?:no|any|every|some|the)\s+$", before) or after.startswith("-off"))


def scan_numbers(text: str) -> list[ParsedNumber]:
    """Every count-like expression in `text`, sorted by offset, without overlaps."""
    blocked = _blocked(text)
    cands = _digit_candidates(text, blocked) + _word_candidates(text, blocked)
    for m in _REDACTED_RE.finditer(text):
        if not _overlaps(blocked, m.start(), m.end()):
            cands.append(
                ParsedNumber(m.start(), m.end(), m.group(), None, "exact", None, redacted=True)
            )
    for m in _VAGUE_RE.finditer(text):
        cands.append(ParsedNumber(m.start(), m.end(), m.group(), None, "approx", None, vague=True))
    cands.sort(key=lambda p: (p.start, -(p.end - p.start)))
    kept: list[ParsedNumber] = []
    for cand in cands:
        if kept and cand.start < kept[-1].end:
            continue  # keep the longest expression at a position
        kept.append(cand)
    out = []
    for num in kept:
        qual = num.qualifier if num.vague else _qualifier(text, num.start, num.end)
        unit, factor = detect_unit(text, num.start, num.end)
        value = num.value * factor if num.value is not None else None
        out.append(replace(num, qualifier=qual, unit=unit, value=value))
    return _mark_ranges(text, out)


def _mark_ranges(text: str, nums: list[ParsedNumber]) -> list[ParsedNumber]:
    """'between 23 and 72' / '23 to 72' / '23-72': lower at_least, upper at_most."""
    out = list(nums)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.value is None or b.value is None or a.value >= b.value:
            continue
        gap = text[a.end : b.start]
        between = re.search(r"\bbetween\s+$", text[max(0, a.start - 10) : a.start], re.I)
        if (between and re.fullmatch(r"\s+and\s+", gap)) or re.fullmatch(
            r"\s*(?:-|–|—|to)\s*", gap
        ):
            out[i] = replace(a, qualifier="at_least", unit=a.unit or b.unit)
            out[i + 1] = replace(b, qualifier="at_most")
    return out


def parse_number(text: str) -> ParsedNumber | None:
    """The first numeric expression in `text` (for tests and quick checks)."""
    found = scan_numbers(text)
    return found[0] if found else None
