"""Token-level phrase matching shared by the country and agency gazetteers.

Text and phrases are tokenised the same way (words, and every other non-space
character on its own), folded (lower case, accents and curly quotes removed) and
matched through a trie, so "Policía Nacional" finds "Policia Nacional" and
"Britain's" yields "Britain" followed by "'" and "s".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

T = TypeVar("T")
TOKEN_RE = re.compile(r"\w+|[^\w\s]")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower case, no accents, straight quotes."""
    decomposed = unicodedata.normalize("NFKD", word.translate(_QUOTES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    folded: str


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end(), fold(m.group())) for m in TOKEN_RE.finditer(text)]


@dataclass(frozen=True)
class Hit(Generic[T]):
    first: int  # token index of the first token
    last: int  # token index after the last token
    start: int  # character offsets into the text
    end: int
    payload: T

    @property
    def size(self) -> int:
        return self.last - self.first


class PhraseMatcher(Generic[T]):
    """Finds every occurrence of every added phrase in a token list."""

    def __init__(self) -> None:
        self._root: dict[str, dict] = {}

    def add(self, phrase: str, payload: T, *, case_sensitive: bool = False) -> None:
        words = [m.group() for m in TOKEN_RE.finditer(phrase)]
        if not words:
            return
        node = self._root
        for word in words:
            node = node.setdefault(fold(word), {})
        node.setdefault("", []).append((tuple(words) if case_sensitive else None, payload))

    def find(self, text: str, tokens: list[Token]) -> list[Hit[T]]:
        """All matches at every token, longest and shortest alike; none crosses a line."""
        hits: list[Hit[T]] = []
        for i in range(len(tokens)):
            node = self._root
            j = i
            while j < len(tokens):
                if j > i and "\n" in text[tokens[j - 1].end : tokens[j].start]:
                    break
                nxt = node.get(tokens[j].folded)
                if nxt is None:
                    break
                node = nxt
                j += 1
                for exact, payload in node.get("", ()):
                    if exact is not None and tuple(t.text for t in tokens[i:j]) != exact:
                        continue
                    hits.append(Hit(i, j, tokens[i].start, tokens[j - 1].end, payload))
        return hits


def longest_first(hits: list[Hit[T]], taken: set[int] | None = None) -> list[Hit[T]]:
    """Keep the longest hits that do not overlap each other (or `taken` tokens)."""
    used = set() if taken is None else set(taken)
    kept: list[Hit[T]] = []
    for hit in sorted(hits, key=lambda h: (-h.size, h.first)):
        span = set(range(hit.first, hit.last))
        if span & used:
            continue
        used |= span
        kept.append(hit)
    return sorted(kept, key=lambda h: h.first)


def token_index_at(tokens: list[Token], offset: int) -> int:
    """Index of the first token that ends after `offset` (len(tokens) if none)."""
    lo, hi = 0, len(tokens)
    while lo < hi:
        mid = (lo + hi) // 2
        if tokens[mid].end <= offset:
            lo = mid + 1
        else:
            hi = mid
    return lo


def title_case_line(text: str, offset: int) -> bool:
    """Is the line around `offset` a title-case headline ("Police Bust Global Ring")?"""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    words = [
        w
        for w in re.findall(r"[^\W\d_]+", text[start : end if end >= 0 else len(text)])
        if len(w) > 3
    ]
    return len(words) >= 5 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)
