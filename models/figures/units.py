"""Units next to a number: currencies (ISO 4217), data volumes (bytes), media counts."""

from __future__ import annotations

import re

# Currency signs written before the number (longest first).
_PREFIX = {
    "US$": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "R$": "BRL",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "CNY",
    "₹": "INR",
}
_PREFIX_WORDS = {
    "usd": "USD",
    "eur": "EUR",
    "gbp": "GBP",
    "rmb": "CNY",
    "cny": "CNY",
    "aud": "AUD",
    "cad": "CAD",
    "inr": "INR",
    "rs": "INR",
    "php": "PHP",
}
# Currency names written after the number.
_SUFFIX = [
    (r"us\s+dollars?|american\s+dollars?", "USD"),
    (r"australian\s+dollars?", "AUD"),
    (r"canadian\s+dollars?", "CAD"),
    (r"new\s+zealand\s+dollars?", "NZD"),
    (r"hong\s+kong\s+dollars?", "HKD"),
    (r"singapore\s+dollars?", "SGD"),
    (r"dollars?", "USD"),
    (r"yuan|renminbi|rmb|cny", "CNY"),
    (r"euros?|eur", "EUR"),
    (r"pounds?\s+sterling|pounds?|gbp", "GBP"),
    (r"rupees?|inr", "INR"),
    (r"yen|jpy", "JPY"),
    (r"philippine\s+pesos?", "PHP"),
    (r"baht", "THB"),
    (r"ringgit", "MYR"),
    (r"reais|reals?", "BRL"),
    (r"swiss\s+francs?", "CHF"),
    (r"swedish\s+kronor|kronor", "SEK"),
    (r"rand", "ZAR"),
]
_SUFFIX_RE = re.compile(
    r"^\s*(?:(" + "|".join(f"(?:{p})" for p, _ in _SUFFIX) + r"))\b", re.IGNORECASE
)
_BYTES = {
    "b": 1,
    "byte": 1,
    "kb": 1e3,
    "kilobyte": 1e3,
    "mb": 1e6,
    "megabyte": 1e6,
    "gb": 1e9,
    "gigabyte": 1e9,
    "tb": 1e12,
    "terabyte": 1e12,
    "pb": 1e15,
    "petabyte": 1e15,
}
_BYTES_RE = re.compile(
    r"^\s*(?:-\s*)?(bytes?|kilobytes?|megabytes?|gigabytes?|terabytes?|petabytes?|"
    r"[KMGTP]B|[kmgtp]b)\b"
)
# Counted media: unit name for each noun, with up to three modifiers in between.
_MEDIA = [
    (r"dvds?", "DVD"),
    (r"cds?", "CD"),
    (r"images?|photos?|photographs?|pictures?|stills", "images"),
    (r"videos?|video\s+clips?|clips|films|movies", "videos"),
    (r"files?", "files"),
    (r"hours?", "hours"),
    (
        r"devices?|computers?|laptops?|hard\s+drives?|hard\s+disks?|phones?|"
        r"mobile\s+phones?|storage\s+devices?|usb\s+sticks?|tablets?",
        "devices",
    ),
]
_MEDIA_RE = [
    (re.compile(rf"^\s+((?:[a-z-]+\s+){{0,3}}?)(?:{p})\b", re.IGNORECASE), u) for p, u in _MEDIA
]
_STOP_BETWEEN = re.compile(
    r"\b(?:of|and|or|who|which|that|were|was|had|have|has|are|is|in|on|to|from|with|by|"
    r"people|suspects|men|women|children|members|users|individuals|offenders|sites|websites|"
    r"servers|accounts|contain|contains|show|showing|depicting)\b",
    re.I,
)


def currency_before(surface: str, head: str) -> str | None:
    """ISO 4217 code of a sign starting `surface` or a code ending `head` ("RMB 500")."""
    for sign in sorted(_PREFIX, key=len, reverse=True):
        if surface.startswith(sign):
            return _PREFIX[sign]
    word = re.search(r"\b([A-Za-z]{2,3})\.?\s?$", head)
    if word and word.group(1).isupper() and word.group(1).lower() in _PREFIX_WORDS:
        return _PREFIX_WORDS[word.group(1).lower()]
    return None


def _currency_after(after: str) -> str | None:
    m = _SUFFIX_RE.match(after)
    if not m:
        return None
    word = m.group(1)
    for pattern, code in _SUFFIX:
        if re.fullmatch(pattern, word, re.IGNORECASE):
            return code
    return None


def detect_unit(text: str, start: int, end: int) -> tuple[str | None, float]:
    """(unit, factor to multiply the value by) for the number at text[start:end].

    Data volumes become bytes (SI: 1 TB = 1e12). Money keeps its amount and gets an
    ISO 4217 code. Media get a plain unit name; plain counts get None.
    """
    code = currency_before(text[start:end], text[max(0, start - 5) : start])
    if code:
        return code, 1.0
    after = text[end : end + 60]
    m = re.match(r"^([KMGTP]B|[kmgtp]b)\b", after) or _BYTES_RE.match(after)
    if m:
        return "bytes", float(_BYTES.get(m.group(1).lower().rstrip("s"), 1))
    code = _currency_after(after)
    if code:
        return code, 1.0
    for pattern, unit in _MEDIA_RE:
        mm = pattern.match(after)
        if mm and not _STOP_BETWEEN.search(mm.group(1)) and not re.search(r"ed\b", mm.group(1)):
            return unit, 1.0
    return None, 1.0
