"""Benchmark the NER tagger: torch fp32 vs dynamic int8, on the same texts, one run.

    python bench/ner_bench.py [--model DIR] [--repeats 3] [--quick]

Reports words/s, sub-tokens/s and articles/s (median of the repeats), strict span F1 on
CoNLL-2003 test for both backends, and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from opwatch.models.ner.conll import read_conll, span_scores  # noqa: E402
from opwatch.models.ner.evaluate import first_sentences, tag_docs  # noqa: E402
from opwatch.models.ner.tagger import NerTagger, split_words  # noqa: E402

SEEDS = REPO.parent / "shared" / "eval" / "seeds"
EXAMPLES = REPO / "examples" / "articles"
CONLL_TEST = REPO.parent / "shared" / "data" / "conll2003" / "test.txt"


def load_texts() -> tuple[str, list[str]]:
    for folder in (SEEDS, EXAMPLES):
        files = sorted(p for p in folder.glob("*") if p.suffix in (".txt", ".md"))
        if files:
            return str(folder), [p.read_text(encoding="utf-8") for p in files]
    return "", []


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="NER speed/quality bench (fp32 vs int8)")
    ap.add_argument("--model", default=None, help="model dir (default: shipped weights)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="1 repeat, first 500 test sentences")
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    repeats = 1 if args.quick else args.repeats
    source, texts = load_texts()
    if texts:
        n_words = sum(len(split_words(t)) for t in texts)
        print(f"texts: {len(texts)} articles, {n_words} words from {source}")
    else:
        print("texts: none found (../shared/eval/seeds or examples/articles); speed skipped")
    docs = read_conll(CONLL_TEST) if CONLL_TEST.is_file() else []
    if docs and args.quick:
        docs = first_sentences(docs, 500)
    if not docs:
        print("CoNLL-2003 test not found under ../shared; F1 skipped")

    # Both backends stay loaded and the timed runs alternate, so that load from other
    # processes on a shared machine hits both alike.
    rows, taggers = [], {}
    for backend in ("torch", "int8"):
        t0 = time.perf_counter()
        taggers[backend] = NerTagger.load(args.model, backend)
        rows.append(
            {
                "backend": backend,
                "load_s": time.perf_counter() - t0,
                "rss_after_load_mb": peak_rss_mb(),
            }
        )
    if texts:
        tok = taggers["torch"].tokenizer
        n_sub = sum(
            len(
                tok(
                    split_words_text(t),
                    is_split_into_words=True,
                    add_special_tokens=False,
                    verbose=False,
                )["input_ids"]
            )
            for t in texts
        )
        times: dict[str, list[float]] = {b: [] for b in taggers}
        for tagger in taggers.values():
            tagger.tag(texts[:1])  # warm-up
        for _ in range(repeats):
            for b, tagger in taggers.items():
                t0 = time.perf_counter()
                tagger.tag(texts)
                times[b].append(time.perf_counter() - t0)
        for row in rows:
            med = statistics.median(times[row["backend"]])
            row.update(
                seconds=med,
                words_s=n_words / med,
                subtok_s=n_sub / med,
                articles_s=len(texts) / med,
            )
    if docs:
        for row in rows:
            t0 = time.perf_counter()
            gold, pred = tag_docs(taggers[row["backend"]], docs)
            s = span_scores(gold, pred)["micro"]
            row.update(
                f1=s["f1"],
                p=s["precision"],
                r=s["recall"],
                n_sent=len(gold),
                conll_s=time.perf_counter() - t0,
            )
    peak = peak_rss_mb()

    print(
        f"\n{'backend':<8} {'load s':>7} {'words/s':>9} {'subtok/s':>9} {'art/s':>7} "
        f"{'P':>7} {'R':>7} {'F1':>7} {'conll s':>8} {'RSS MB':>7}"
    )
    for r in rows:
        print(
            f"{r['backend']:<8} {r['load_s']:>7.2f} {r.get('words_s', 0):>9.0f} "
            f"{r.get('subtok_s', 0):>9.0f} {r.get('articles_s', 0):>7.2f} "
            f"{r.get('p', 0):>7.4f} {r.get('r', 0):>7.4f} {r.get('f1', 0):>7.4f} "
            f"{r.get('conll_s', 0):>8.1f} {r['rss_after_load_mb']:>7.0f}"
        )
    print(
        f"peak RSS of the whole run: {peak:.0f} MB (RSS MB column: peak right after "
        "loading that backend, both stay loaded)"
    )
    if docs:
        print(f"F1: strict span micro F1 on {rows[0]['n_sent']} CoNLL-2003 test sentences")


def split_words_text(text: str) -> list[str]:
    return [text[s:e] for s, e in split_words(text)]


if __name__ == "__main__":
    main()
