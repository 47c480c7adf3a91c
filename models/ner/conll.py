"""CoNLL-2003 reading and strict span-level scoring (seqeval-style, written here).

Tags in the files may be IOB1 or IOB2; everything is converted to IOB2 on read.
A span counts as correct only if its type, first and last token all match the gold.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ENTITY_TYPES = ("PER", "ORG", "LOC", "MISC")
LABELS = ("O",) + tuple(f"{p}-{t}" for t in ENTITY_TYPES for p in ("B", "I"))


@dataclass
class Sentence:
    tokens: list[str]
    tags: list[str]  # IOB2


@dataclass
class Document:
    sentences: list[Sentence] = field(default_factory=list)


def iob1_to_iob2(tags: list[str]) -> list[str]:
    """Turn IOB1 (B- only between adjacent same-type spans) into IOB2. Idempotent."""
    out: list[str] = []
    prev = "O"
    for tag in tags:
        if tag.startswith("I-"):
            typ = tag[2:]
            if prev == "O" or prev[2:] != typ:
                tag = "B-" + typ
        out.append(tag)
        prev = tag
    return out


def read_conll(path: str | Path) -> list[Document]:
    """Read a 4-column CoNLL file into documents of sentences (IOB2 tags)."""
    docs: list[Document] = [Document()]
    tokens: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if tokens:
            docs[-1].sentences.append(Sentence(list(tokens), iob1_to_iob2(tags)))
            tokens.clear()
            tags.clear()

    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                flush()
                continue
            cols = line.split()
            if cols[0] == "-DOCSTART-":
                flush()
                if docs[-1].sentences:
                    docs.append(Document())
                continue
            tokens.append(cols[0])
            tags.append(cols[-1])
    flush()
    return [d for d in docs if d.sentences]


def sentences(docs: list[Document]) -> list[Sentence]:
    return [s for d in docs for s in d.sentences]


def get_spans(tags: list[str]) -> set[tuple[str, int, int]]:
    """(type, start, end_exclusive) spans from IOB2 tags; a stray I- opens a span."""
    spans: set[tuple[str, int, int]] = set()
    start, typ = -1, ""
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, t = tag.partition("-")
        begins = prefix == "B" or (prefix == "I" and t != typ)
        if typ and (prefix == "O" or begins):
            spans.add((typ, start, i))
            typ = ""
        if begins:
            start, typ = i, t
    return spans


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": n_gold}


def span_scores(gold: list[list[str]], pred: list[list[str]]) -> dict[str, dict]:
    """Strict micro P/R/F1 overall and per type, over sequences of IOB2/IOB1 tags."""
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        gs = get_spans(iob1_to_iob2(g))
        ps = get_spans(iob1_to_iob2(p))
        for typ, _, _ in gs:
            n_gold[typ] += 1
        for typ, _, _ in ps:
            n_pred[typ] += 1
        for typ, _, _ in gs & ps:
            tp[typ] += 1
    types = sorted(set(n_gold) | set(n_pred))
    out = {t: _prf(tp[t], n_pred[t], n_gold[t]) for t in types}
    out["micro"] = _prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    return out


def format_scores(scores: dict[str, dict]) -> str:
    lines = [f"{'type':<6} {'P':>7} {'R':>7} {'F1':>7} {'support':>8}"]
    for name in [t for t in scores if t != "micro"] + ["micro"]:
        s = scores[name]
        lines.append(
            f"{name:<6} {s['precision']:>7.4f} {s['recall']:>7.4f} "
            f"{s['f1']:>7.4f} {s['support']:>8}"
        )
    return "\n".join(lines)


def allowed_transition(prev: str, cur: str) -> bool:
    """IOB2 validity: I-X may only follow B-X or I-X."""
    if not cur.startswith("I-"):
        return True
    return prev != "O" and prev[2:] == cur[2:]


def viterbi_iob2(logprobs: list[list[float]], labels: list[str]) -> list[int]:
    """Best label sequence under IOB2 constraints (no transition scores otherwise)."""
    n = len(labels)
    if not logprobs:
        return []
    neg = float("-inf")
    start_ok = [not lab.startswith("I-") for lab in labels]
    ok = [[allowed_transition(labels[i], labels[j]) for j in range(n)] for i in range(n)]
    score = [lp if start_ok[j] else neg for j, lp in enumerate(logprobs[0])]
    back: list[list[int]] = []
    for row in logprobs[1:]:
        new, ptr = [], []
        for j in range(n):
            best_i, best = 0, neg
            for i in range(n):
                if ok[i][j] and score[i] > best:
                    best_i, best = i, score[i]
            new.append(best + row[j])
            ptr.append(best_i)
        score = new
        back.append(ptr)
    path = [max(range(n), key=score.__getitem__)]
    for ptr in reversed(back):
        path.append(ptr[path[-1]])
    return path[::-1]
