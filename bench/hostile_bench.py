"""Hostile input in bounded time: `opwatch predict`'s path on generated files.

    python -m bench.hostile_bench

1. a 1 MB single-line file and an article with 10,000 numbers, with the default caps
   (both must end, with their E031/E032 reason, in under 10 s);
2. the figures' rules on number-dense text and on one long line at growing sizes, caps
   raised: time per number should stay flat (linear work).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from bench.hostile import number_dense, number_list, one_line
from opwatch.settings import load_settings

TARGET_S = 10.0


def capped_files() -> None:
    from opwatch.tasks.predict import predict_files

    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        cases = {"one-line-1mb.txt": one_line(1_000_000), "numbers-10k.txt": number_list(10_000)}
        for name, text in cases.items():
            path = Path(tmp) / name
            path.write_text(text)
            start = time.perf_counter()
            ((_, error),) = predict_files([path], settings).values()
            wall = time.perf_counter() - start
            verdict = "ok" if wall < TARGET_S else "OVER TARGET"
            print(f"  {name:<18} {len(text):>9,} chars  {wall:5.2f} s  [{verdict}]  {error}")


def scaling() -> None:
    from opwatch.models.figures.extract import number_items

    for label, make, sizes in (
        ("number-dense", number_dense, (1_000, 2_000, 4_000)),
        ("one long line", one_line, (100_000, 200_000, 400_000)),
    ):
        for size in sizes:
            text = make(size)
            start = time.perf_counter()
            items = number_items(text)
            wall = time.perf_counter() - start
            per = 1000 * wall / max(1, len(items))
            print(
                f"  {label:<14} {len(text):>8,} chars {len(items):>6} numbers "
                f"{wall:6.2f} s  {per:.2f} ms/number"
            )


def main() -> None:
    print("capped inputs through predict (default caps):")
    capped_files()
    print("figures rules, growing input (ms/number should stay flat):")
    scaling()


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    main()
