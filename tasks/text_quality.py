"""Text that is not text: invisible characters, spaceless scripts, garbled decodes.

- `remove_invisible`: zero-width and other invisible format characters go before the
  cleaned text is stored, so every offset into the stored text stays exact
  ("1<ZWSP>2 arrested" is stored as "12 arrested").
- `too_short`: the "too few words" check, in characters for scripts written without
  spaces (Chinese, Japanese, Thai...), in words otherwise.
- `garbled_reason`: a quality gate for junk decodes and mojibake.
- `utf16_without_bom`: UTF-16 text that lacks a byte-order mark, told from binary.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Invisible format characters with no meaning in news text: zero-width space, word joiner
# and invisible operators, soft hyphen, BOM, bidi marks/embeddings/isolates, Mongolian
# vowel separator, combining grapheme joiner, tag characters.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
    "\ufeff\U000e0000-\U000e007f]"
)
# Zero-width (non-)joiners shape Arabic, Persian and Indic words: kept there, removed
# next to ASCII and digits, where they only split words and numbers.
_JOINER = re.compile(r"(?<=[\x00-\x7f\d])[\u200c\u200d]+|[\u200c\u200d]+(?=[\x00-\x7f\d])")
# Scripts written without spaces between words: Han, kana, Thai, Lao, Myanmar, Khmer.
_SPACELESS = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff"
    "\u1000-\u109f\u1780-\u17ff\U00020000-\U0002fa1f]"
)
CHARS_PER_WORD = 2  # a spaceless-script character counts as half a word
# UTF-8 read as cp1252/latin-1: "Ã©", "Â ", "â€™", and Cyrillic "Ð°".
_MOJIBAKE = re.compile(
    "[ÃÂ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|â€|[ÐÑ][\u0080-\u00bf]"
)
_SCRIPT_OF = (("LATIN", "latin"), ("CYRILLIC", "cyrillic"), ("GREEK", "greek"))


def remove_invisible(text: str) -> str:
    """The text without invisible format characters (see _INVISIBLE and _JOINER)."""
    return _JOINER.sub("", _INVISIBLE.sub("", text))


def too_short(text: str, min_words: int) -> str | None:
    """Why the text is too short to be an article, or None. Spaceless scripts count
    CHARS_PER_WORD characters per word."""
    spaceless = len(_SPACELESS.findall(text))
    words = len(_SPACELESS.sub(" ", text).split())
    if words + spaceless // CHARS_PER_WORD >= min_words:
        return None
    if spaceless > words:
        return f"only {spaceless} characters after cleaning (need {min_words * CHARS_PER_WORD})"
    return f"only {words} words after cleaning"


@lru_cache(maxsize=4096)
def _script_of(ch: str) -> tuple[str, ...]:
    name = unicodedata.name(ch, "")
    return tuple(script for prefix, script in _SCRIPT_OF if name.startswith(prefix))


def _scripts(word: str) -> set[str]:
    found: set[str] = set()
    if word.isascii():  # ASCII letters are all Latin: at most one script
        return {"latin"} if any(ch.isalpha() for ch in word) else found
    for ch in word:
        if ch.isalpha():
            found.update(_script_of(ch))
    return found


def garbled_reason(text: str) -> str | None:
    """Why the text reads as a bad decode rather than language, or None when it is fine."""
    visible = [ch for ch in text if not ch.isspace()]
    n = len(visible)
    if n < 40:
        return None  # too little to judge; the length check speaks for short texts
    replaced = text.count("\ufffd")
    if replaced >= 3 and replaced > n / 100:
        return f"{replaced} undecodable bytes replaced"
    categories = [unicodedata.category(ch) for ch in visible]
    odd = sum(1 for cat in categories if cat in ("Cc", "Co", "Cn", "Cs"))
    if odd > max(2, n / 100):
        return f"{odd} control, private-use or unassigned characters"
    symbols = sum(1 for cat in categories if cat.startswith("S"))
    if symbols > n / 10:
        return f"{100 * symbols // n}% symbols"
    words = text.split()
    mojibake = len(_MOJIBAKE.findall(text))
    if mojibake >= 3 and mojibake > len(words) / 200:
        return f"mojibake: {mojibake} UTF-8 sequences read as single bytes"
    mixed = sum(1 for word in words if len(_scripts(word)) > 1)
    if mixed >= 3 and mixed > len(words) / 20:
        return f"{mixed} words mix Latin, Cyrillic or Greek letters"
    spaceless = len(_SPACELESS.findall(text))
    if spaceless < n / 3 and len(words) and (n - spaceless) / len(words) > 25:
        return "no word structure: almost no spaces between letters"
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when BOM-less bytes decode as clean UTF-16 text."""
    head = data[:8192]
    pairs = len(head) // 2
    if pairs < 8:
        return None
    even = sum(1 for b in head[0 : 2 * pairs : 2] if b == 0)
    odd = sum(1 for b in head[1 : 2 * pairs : 2] if b == 0)
    if odd >= pairs * 0.3 and even <= pairs * 0.02:
        encoding = "utf-16-le"
    elif even >= pairs * 0.3 and odd <= pairs * 0.02:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data[: len(data) // 2 * 2].decode(encoding)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for ch in text[:4096] if ch < " " and ch not in "\t\n\r\f")
    return encoding if controls <= len(text[:4096]) / 100 else None
