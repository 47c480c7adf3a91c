"""Benchmark the shared encoder: one pass for names and figures vs two passes.

    python -m bench.figures_bench [--repeats 3]

Over the sample articles (and the seeds when present), after one warm-up, the median
time of (a) one encoder pass per article window read by both heads (what the pipeline
does), (b) the NER pass plus a second pass for the figure roles (what sharing saves),
and (c) the rules-only figures after the NER pass (the floor: no role model at all).
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.pipeline_bench import _articles
from opwatch.settings import load_settings


def _median_time(run, repeats: int) -> float:
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    from opwatch.models.figures import extract_figures
    from opwatch.models.ner.tagger import get_tagger

    settings = load_settings()
    texts = [a.text for a in _articles(settings)]
    tagger = get_tagger(None, "torch")

    def shared() -> None:
        for text in texts:
            extract_figures(text, "b", analysis=tagger.analyse([text])[0])

    def two_passes() -> None:
        for text in texts:
            tagger.tag([text])
            extract_figures(text, "b")  # encodes the text again for the roles

    def rules_only() -> None:
        for text in texts:
            tagger.tag([text])
            extract_figures(text, "b", method="rules")

    words = sum(len(t.split()) for t in texts)
    results = {
        name: _median_time(fn, args.repeats)
        for name, fn in [
            ("one shared pass", shared),
            ("two passes", two_passes),
            ("rules only", rules_only),
        ]
    }
    print(f"{len(texts)} articles, {words} words; median of {args.repeats} runs")
    for name, seconds in results.items():
        print(f"  {name:16s} {seconds:6.2f} s  {words / seconds:7.0f} words/s")
    base = results["one shared pass"]
    print(f"ratio two passes / one shared pass: {results['two passes'] / base:.2f}")
    print(f"ratio one shared pass / rules only: {base / results['rules only']:.2f}")


if __name__ == "__main__":
    main()
