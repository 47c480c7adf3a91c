"""Score the tagger's own inference path on CoNLL-2003 (strict span P/R/F1).

    python -m opwatch.models.ner.evaluate [--model DIR] [--backend torch|int8|onnx] [--split test]

Each document's sentences are joined (tokens by spaces, sentences by newlines) and
tagged as one article; predicted character spans are mapped back onto the tokens.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from opwatch.models.ner.conll import Document, format_scores, read_conll, span_scores
from opwatch.models.ner.tagger import NerSpan, NerTagger

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "conll2003"


def doc_text(doc: Document) -> tuple[str, list[list[tuple[int, int]]]]:
    """The document as one text, plus the character range of every token."""
    parts: list[str] = []
    offsets: list[list[tuple[int, int]]] = []
    pos = 0
    for si, sent in enumerate(doc.sentences):
        if si:
            parts.append("\n")
            pos += 1
        row = []
        for ti, token in enumerate(sent.tokens):
            if ti:
                parts.append(" ")
                pos += 1
            row.append((pos, pos + len(token)))
            parts.append(token)
            pos += len(token)
        offsets.append(row)
    return "".join(parts), offsets


def spans_to_tags(spans: list[NerSpan], offsets: list[list[tuple[int, int]]]) -> list[list[str]]:
    """IOB2 tags per sentence: a token takes the type of the span it overlaps."""
    tags = [["O"] * len(row) for row in offsets]
    for span in spans:
        first = True
        for si, row in enumerate(offsets):
            for ti, (s, e) in enumerate(row):
                if s < span.end and span.start < e and tags[si][ti] == "O":
                    tags[si][ti] = ("B-" if first else "I-") + span.label
                    first = False
    return tags


def tag_docs(tagger: NerTagger, docs: list[Document]) -> tuple[list[list[str]], list[list[str]]]:
    texts, offsets = zip(*(doc_text(d) for d in docs), strict=True)
    results = tagger.tag(list(texts))
    gold, pred = [], []
    for doc, offs, spans in zip(docs, offsets, results, strict=True):
        gold.extend(s.tags for s in doc.sentences)
        pred.extend(spans_to_tags(spans, offs))
    return gold, pred


def first_sentences(docs: list[Document], n: int) -> list[Document]:
    """The first n sentences, keeping their documents."""
    out: list[Document] = []
    for doc in docs:
        if n <= 0:
            break
        out.append(Document(doc.sentences[:n]))
        n -= len(out[-1].sentences)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Evaluate the NER tagger on CoNLL-2003")
    ap.add_argument("--model", default=None, help="model dir or hub id (default: shipped)")
    ap.add_argument("--backend", default="torch", choices=["torch", "int8", "onnx"])
    ap.add_argument("--split", default="test", choices=["train", "valid", "test"])
    ap.add_argument("--data-dir", default=str(DEFAULT_DATA))
    ap.add_argument("--limit", type=int, default=None, help="first N sentences only")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", action="store_true", help="print the scores as JSON too")
    args = ap.parse_args(argv)

    if args.backend != "onnx":  # the onnx backend takes its threads below, without torch
        import torch

        torch.set_num_threads(args.threads)
    path = Path(args.data_dir) / f"{args.split}.txt"
    if not path.is_file():
        raise SystemExit(f"CoNLL-2003 {args.split} split not found at {path}")
    docs = read_conll(path)
    if args.limit:
        docs = first_sentences(docs, args.limit)
    tagger = NerTagger.load(args.model, args.backend, args.threads)
    t0 = time.perf_counter()
    gold, pred = tag_docs(tagger, docs)
    secs = time.perf_counter() - t0
    scores = span_scores(gold, pred)
    print(
        f"model={tagger.source} backend={args.backend} split={args.split} "
        f"sentences={len(gold)} seconds={secs:.1f}"
    )
    print(format_scores(scores))
    if args.json:
        print(json.dumps(scores))


if __name__ == "__main__":
    main()
