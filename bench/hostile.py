"""Generated hostile inputs (own words, deterministic): number-dense articles and one
long line without sentence ends. Used by tests/test_bounded_work.py and the bench."""

from __future__ import annotations

import random

_WORDS = (
    "police arrested the suspects in a long operation across several towns and "
    "charged men with offences after officers searched homes"
).split()


def number_dense(n_numbers: int, seed: int = 1) -> str:
    """An article of short sentences with three counts each (about n_numbers numbers)."""
    rng = random.Random(seed)
    parts = [
        f"Officers in Town{i % 50} arrested {rng.randint(2, 900)} men, identified "
        f"{rng.randint(2, 90)} victims and closed {rng.randint(2, 40)} sites."
        for i in range(max(1, n_numbers // 3))
    ]
    return "A report on a wide operation.\n\n" + " ".join(parts)


def one_line(n_chars: int, seed: int = 2) -> str:
    """One line of lower-case words and some numbers, with no sentence end."""
    rng = random.Random(seed)
    out, size = [], 0
    while size < n_chars:
        word = rng.choice(_WORDS) if rng.random() > 0.05 else str(rng.randint(2, 999))
        out.append(word)
        size += len(word) + 1
    return " ".join(out)[:n_chars]


def number_list(n_numbers: int, seed: int = 3) -> str:
    """A compact article: short sentences of two counts each (about 17 characters per
    number, so 10,000 numbers stay under the default character cap)."""
    rng = random.Random(seed)
    parts = [
        f"{rng.randint(2, 99)} held and {rng.randint(2, 99)} freed."
        for _ in range(max(1, n_numbers // 2))
    ]
    return "Counts from a wide operation.\n\n" + " ".join(parts)
