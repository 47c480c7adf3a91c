"""`make bench`: every benchmark in one run, each in its own process so that peak
memory figures are not mixed up. Figures are medians; the machines are shared and
noisy, so compare ratios measured in the same run rather than absolute numbers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]  # bench/ runs from the checkout only

STEPS = [
    ("NER: torch fp32 vs int8 (speed, CoNLL F1, peak RSS)", ["bench/ner_bench.py"]),
    ("Figures: one shared encoder pass vs two passes", ["-m", "bench.figures_bench"]),
    ("Pipeline: extraction throughput and flow peak RSS", ["-m", "bench.pipeline_bench"]),
    ("Hostile input: bounded time (caps, linear rules)", ["-m", "bench.hostile_bench"]),
    (
        "Peer: opwatch (onnx, torch) vs spaCy small, in-process and whole process",
        ["-m", "bench.peer_bench"],
    ),
]


def main() -> int:
    failed = 0
    for title, args in STEPS:
        print(f"\n=== {title}", flush=True)
        result = subprocess.run([sys.executable, *args], cwd=REPO)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
