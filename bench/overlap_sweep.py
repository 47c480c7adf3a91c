"""Window overlap sweep with the shipped weights: accuracy and speed per overlap.

    python -m bench.overlap_sweep [--overlaps 0.5 0.25 0.125] [--backends torch onnx]

For each backend and overlap (models/ner/windows.py WINDOW_OVERLAP): CoNLL-2003 test F1
through the tagger's inference path, real-dev field F1 (``opwatch eval``'s scores, when
the gold and the cache are present) and in-process extraction time of the real-dev
articles (median of --repeats). No retraining: only the windows change.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from opwatch.settings import PROJECT_ROOT, load_settings

GOLD = PROJECT_ROOT.parent / "shared" / "eval" / "real-dev" / "gold.jsonl"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--overlaps", type=float, nargs="+", default=[0.5, 0.25, 0.125])
    ap.add_argument("--backends", nargs="+", default=["torch", "onnx"])
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--skip-conll", action="store_true")
    args = ap.parse_args(argv)

    from opwatch.models.ner.conll import read_conll, span_scores
    from opwatch.models.ner.evaluate import DEFAULT_DATA, tag_docs
    from opwatch.records import Article
    from opwatch.tasks.extract import extract_many, load_models
    from opwatch.tasks.predict import article_files, clean_file, evaluate

    cache = Path(os.environ.get("OPWATCH_REAL_DEV_CACHE", PROJECT_ROOT.parent / "real-dev-cache"))
    have_real = cache.is_dir() and GOLD.is_file()
    conll = None if args.skip_conll else read_conll(DEFAULT_DATA / "test.txt")
    for backend in args.backends:
        settings = load_settings(ner_backend=backend)
        tagger = load_models(settings)
        articles = []
        if have_real:
            cleaned = (clean_file(p, settings, "sweep") for p in article_files(cache))
            articles = [a for a in cleaned if isinstance(a, Article)]
        for overlap in args.overlaps:
            tagger.overlap = overlap
            row = [f"{backend:<5} overlap {overlap:<5}"]
            if conll is not None:
                start = time.perf_counter()
                gold, pred = tag_docs(tagger, conll)
                secs = time.perf_counter() - start
                row.append(
                    f"CoNLL test F1 {span_scores(gold, pred)['micro']['f1']:.4f} ({secs:.0f} s)"
                )
            if have_real:
                scores, _ = evaluate(GOLD, cache, settings)
                row.append(" ".join(f"{k} {v.f1:.3f}" for k, v in scores.items()))
                times = []
                for _ in range(args.repeats):
                    start = time.perf_counter()
                    extract_many(articles, settings)
                    times.append(time.perf_counter() - start)
                med = statistics.median(times)
                row.append(
                    f"extract {len(articles)} articles {med:.2f} s ({len(articles) / med:.2f}/s)"
                )
            print(" | ".join(row), flush=True)


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    main()
