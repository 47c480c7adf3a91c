"""Benchmark the whole pipeline: extraction throughput and the flow's peak memory.

    python -m bench.pipeline_bench [--repeats 3] [--backend torch|int8]

1. clean + extract (no database) over the sample articles (and the seeds when present),
   `--repeats` times after one warm-up: median articles/s and words/s;
2. one full Prefect flow run (temporary server, fresh DuckDB file) on the same
   articles: wall time and peak RSS of this process and of its child processes.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from opwatch.records import Article
from opwatch.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[1]  # bench/ runs from the checkout only
SEEDS = REPO.parent / "shared" / "eval" / "seeds"
EXAMPLES = REPO / "examples" / "articles"


def _rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def _articles(settings: Settings) -> list[Article]:
    from opwatch.tasks.ingest import expand_sources
    from opwatch.tasks.predict import clean_file

    folders = [str(EXAMPLES)] + ([str(SEEDS)] if SEEDS.is_dir() else [])
    cleaned = [clean_file(Path(source), settings, "bench") for source in expand_sources(folders)]
    return [a for a in cleaned if isinstance(a, Article)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--backend", default="torch", choices=["torch", "int8", "onnx"])
    args = parser.parse_args(argv)

    from opwatch.tasks.extract import extract_facts, load_models

    settings = load_settings(ner_backend=args.backend)
    articles = _articles(settings)
    words = sum(len(a.text.split()) for a in articles)
    load_models(settings)
    extract_facts(articles[0], settings)  # warm-up
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for article in articles:
            extract_facts(article, settings)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"extract ({args.backend}): {len(articles)} articles, {words} words")
    print(
        f"  median {median:.2f} s  ->  {len(articles) / median:.2f} articles/s, "
        f"{words / median:.0f} words/s  (runs: {', '.join(f'{t:.2f}' for t in times)})"
    )

    from opwatch.flows.pipeline import configured_pipeline

    with tempfile.TemporaryDirectory() as tmp:
        sources = [str(EXAMPLES)] + ([str(SEEDS)] if SEEDS.is_dir() else [])
        start = time.perf_counter()
        summary = configured_pipeline(settings)(
            sources=sources, db_path=str(Path(tmp) / "bench.duckdb"), reports_dir=tmp
        )
        wall = time.perf_counter() - start
    print(
        f"pipeline flow: {summary['articles_loaded']} articles loaded in {wall:.1f} s "
        "(temporary Prefect server start included)"
    )
    print(
        f"  peak RSS: pipeline process {_rss_mb(resource.RUSAGE_SELF):.0f} MB, "
        f"largest child process {_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB "
        "(target: <= 1500 MB for the pipeline)"
    )


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    main()
