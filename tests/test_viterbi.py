"""IOB2-constrained decoding: the fast path (per-word best labels when they are a
valid sequence) and the Viterbi loop both give the best allowed path."""

from __future__ import annotations

import itertools
import random

import numpy as np

from opwatch.models.ner.windows import _softmax, _viterbi

LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG"]


def _masks() -> tuple[np.ndarray, np.ndarray]:
    n = len(LABELS)
    ok = np.ones((n, n), dtype=bool)
    for i, prev in enumerate(LABELS):
        for j, cur in enumerate(LABELS):
            if cur.startswith("I-") and (prev == "O" or prev[2:] != cur[2:]):
                ok[i, j] = False
    start = np.array([not lab.startswith("I-") for lab in LABELS])
    return ok, start


def _brute_force(logp: np.ndarray, ok: np.ndarray, start: np.ndarray) -> list[int]:
    best, best_score = None, -np.inf
    for path in itertools.product(range(len(LABELS)), repeat=len(logp)):
        if not start[path[0]] or not all(ok[a, b] for a, b in itertools.pairwise(path)):
            continue
        total = sum(logp[t, k] for t, k in enumerate(path))
        if total > best_score:
            best, best_score = list(path), total
    return best


def test_viterbi_finds_the_best_allowed_path() -> None:
    ok, start = _masks()
    rng = np.random.default_rng(3)
    invalid_greedy = 0
    for _ in range(150):
        length = random.Random(int(rng.integers(1 << 30))).randint(1, 4)
        logp = np.log(_softmax(rng.normal(size=(length, len(LABELS))) * 3))
        greedy = logp.argmax(-1)
        valid = start[greedy[0]] and all(ok[a, b] for a, b in itertools.pairwise(greedy))
        invalid_greedy += not valid
        assert _viterbi(logp, (ok, start)) == _brute_force(logp, ok, start)
    assert invalid_greedy > 20  # the loop, not only the fast path, was checked


def test_an_inside_label_after_outside_is_repaired() -> None:
    ok, start = _masks()
    # words: O, I-PER (strongly), I-PER -> the best allowed path starts the name with B-PER
    probs = np.array(
        [
            [0.9, 0.02, 0.02, 0.03, 0.03],
            [0.1, 0.3, 0.5, 0.05, 0.05],
            [0.1, 0.05, 0.75, 0.05, 0.05],
        ]
    )
    path = _viterbi(np.log(probs), (ok, start))
    assert [LABELS[k] for k in path] == ["O", "B-PER", "I-PER"]
