"""Word shapes: the casing signal the opwatch NER model reads (no torch needed)."""

from __future__ import annotations

import re

# Word shapes; 0 is kept for special tokens and padding.
SHAPES = (
    "special",
    "lower",
    "title",
    "allcaps",
    "upper1",
    "mixed",
    "digit",
    "alnum_digit",
    "punct",
    "other",
)
_SHAPE_ID = {s: i for i, s in enumerate(SHAPES)}


def word_shape(word: str) -> int:
    """Shape category id of one word (the same id goes to all of its sub-tokens)."""
    letters = [c for c in word if c.isalpha()]
    has_digit = any(c.isdigit() for c in word)
    if not letters:
        if has_digit:
            return _SHAPE_ID["digit"]
        if all(not c.isalnum() for c in word):
            return _SHAPE_ID["punct"]
        return _SHAPE_ID["other"]
    if has_digit:
        return _SHAPE_ID["alnum_digit"]
    if all(c.islower() for c in letters):
        return _SHAPE_ID["lower"]
    if all(c.isupper() for c in letters):
        return _SHAPE_ID["upper1"] if len(letters) == 1 else _SHAPE_ID["allcaps"]
    if letters[0].isupper() and all(c.islower() for c in letters[1:]):
        return _SHAPE_ID["title"]
    if re.fullmatch(r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*", word):
        return _SHAPE_ID["title"]
    return _SHAPE_ID["mixed"]
