"""Windows over an article's sub-tokens and the IOB2-constrained decoding of the tagger
(plain functions, linear in the article: binary searches, no rescans)."""

from __future__ import annotations

import math
from bisect import bisect_right
from typing import Any

# Share of a window that the next window covers again. Inference (NerTagger.prepare)
# and the role-training windows (models/figures/role_data.py, through the same
# prepare) both use it, so the role head is trained on the windows it will see.
# Each sub-token keeps the window where it sits most centrally, so an overlap of
# `f` leaves it at least about f * window / 2 sub-tokens of context on each side.
WINDOW_OVERLAP = 0.5


def _sentence_starts(text: str, words: list[tuple[int, int]], word_of: list[int]) -> list[int]:
    """Sub-token positions that open a sentence (after . ! ? or a line break)."""
    starts, prev_word = [], -1
    for p, w in enumerate(word_of):
        if w < 0 or w == prev_word:
            continue
        if (
            prev_word < 0
            or text[words[prev_word][0] : words[prev_word][1]] in ".!?"
            or "\n" in text[words[prev_word][1] : words[w][0]]
        ):
            starts.append(p)
        prev_word = w
    return starts or [0]


def _windows(
    n: int, starts: list[int], content: int, overlap: float = WINDOW_OVERLAP
) -> list[tuple[int, int]]:
    """Overlapping windows of <= content sub-tokens that begin and end on sentence
    boundaries where possible (as in training); the next one starts about
    (1 - overlap) of a window on, so every sub-token is also seen away from a window
    edge."""
    if not 0.0 <= overlap < 1.0:
        raise ValueError(f"window overlap must be in [0, 1), not {overlap}")
    step = max(1, content - math.ceil(content * overlap))
    out: list[tuple[int, int]] = []
    start = 0
    while start < n:
        hard = min(start + content, n)
        # sentence starts in (start, hard], found by binary search (linear overall)
        lo, hi = bisect_right(starts, start), bisect_right(starts, hard)
        last_inner = starts[hi - 1] if hi > lo else None
        if hard == n:
            end = n
        else:
            end = last_inner if last_inner is not None and last_inner - start >= step else hard
        out.append((start, end))
        if end == n:
            break
        mid = bisect_right(starts, start + step, lo, hi)  # inner starts <= start + step
        start = min(starts[mid - 1] if mid > lo else start + step, end)
    return out


def _softmax(logits: Any) -> Any:
    """Softmax over the last axis, in float32."""
    import numpy as np

    z = np.asarray(logits, dtype=np.float32)
    z = np.exp(z - z.max(-1, keepdims=True))
    return z / z.sum(-1, keepdims=True)


def _viterbi(logp: Any, masks: tuple[Any, Any]) -> list[int]:
    """IOB2-constrained best path over word log-probabilities (n_words x n_labels).
    In numpy: per-word steps on a 9 x 9 matrix cost far less there than in torch."""
    import numpy as np

    ok, start = (np.asarray(m) for m in masks)
    lp = np.asarray(logp, dtype=np.float64)
    # Transitions cost nothing or are forbidden, so the per-word best labels are the
    # best path whenever they break no constraint (most texts): no loop needed.
    greedy = lp.argmax(-1)
    if start[greedy[0]] and ok[greedy[:-1], greedy[1:]].all():
        return greedy.tolist()
    trans = np.where(ok, 0.0, -np.inf)
    score = np.where(start, lp[0], -np.inf)
    back = np.empty((max(len(lp) - 1, 0), lp.shape[1]), dtype=np.int64)
    for t in range(1, len(lp)):
        cand = score[:, None] + trans  # prev x cur
        back[t - 1] = cand.argmax(0)
        score = cand.max(0) + lp[t]
    path = [int(score.argmax())]
    for ptr in back[::-1]:
        path.append(int(ptr[path[-1]]))
    return path[::-1]
