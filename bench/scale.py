"""`make bench-scale`: how wall time and memory grow with the corpus.

    python -m bench.scale [--sizes 100 1000 5000] [--compare 1000] [--workers 2]

For each size a synthetic corpus (bench/scale_corpus.py) is written to a temporary
folder and `opwatch run` is timed in its own process, as scheduled runs work: against a
Prefect server that is already up (one server, started by the bench on 127.0.0.1 before
the first run, like the server a deployment reports to): a first run, a re-run with
nothing changed, and a re-run after 10% of the articles changed. On the `--compare` size
the unchanged re-run is also timed as typed by hand without PREFECT_API_URL, so with the
temporary server that `opwatch run` starts and stops itself (about 8 s of start-up on 2
cores: Prefect's server package takes that long to import). On the `--compare` size a first run on
Dask (`opwatch run --dask`, `--workers` worker processes, same server) is compared with
the thread runner's first run. Peak RSS is that of the largest single process (`max
process`: the pipeline process or, on Dask, a worker; from wait4, which covers the
process and the children it waited for) and the peak of the sum over the process and
all its descendants (`tree`: Prefect server, Dask workers), sampled every 0.2 s.

Each row is printed (and, with --json, the file rewritten) as soon as it is measured, with
the machine's 1-minute load average before and after the run, so a long benchmark can be
read while it runs and noisy rows are marked. At the end the issue's targets are checked
against the rows measured (linear growth, re-run speed-up, Dask overhead).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.scale_corpus import change_some, write_corpus
from opwatch.flows.prefect_server import local_server

REPO = Path(__file__).resolve().parents[1]  # bench/ runs from the checkout only

OPWATCH = [sys.executable, "-m", "opwatch.flows.cli"]
TEMPORARY = " (temporary server)"


@dataclass
class Measure:
    size: int
    case: str
    runner: str
    wall_s: float
    articles_per_s: float
    max_process_rss_mb: float
    tree_rss_mb: float | None
    articles_in_db: int
    quarantined_rows: int
    load_before: float = 0.0  # 1-minute load average when the run started
    load_after: float = 0.0


def _tree_rss(pid: int) -> float | None:
    try:
        import psutil
    except ImportError:
        return None
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return None
    total = 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            continue
    return total / 2**20


def timed_run(args: list[str], env: dict[str, str]) -> tuple[float, float, float | None, str]:
    """Run a command; wall seconds, the peak RSS of its largest process (MB, wait4), the
    peak of its whole process tree (MB, sampled), its output."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak: list[float | None] = [None]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss = _tree_rss(proc.pid)
            if rss is not None:
                peak[0] = max(peak[0] or 0.0, rss)
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{output[-3000:]}")
    return wall, usage.ru_maxrss / 1024, peak[0], output


def _db_counts(db: Path) -> tuple[int, int]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        run = con.execute("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
        quarantined = con.execute(
            "SELECT count(*) FROM quarantine WHERE run_id = ?", [run[0]]
        ).fetchone()[0]
    return articles, quarantined


def measure(size: int, case: str, runner: str, corpus: Path, db: Path, env: dict) -> Measure:
    if case.endswith(TEMPORARY):
        env = {k: v for k, v in env.items() if k != "PREFECT_API_URL"}
    args = [*OPWATCH, "run", str(corpus), "--db", str(db), "--reports", str(db.parent / "r")]
    if runner == "dask":
        args.append("--dask")
    load_before = os.getloadavg()[0]
    wall, max_rss, tree_rss, _ = timed_run(args, env)
    articles, quarantined = _db_counts(db)
    result = Measure(
        size, case, runner, wall, size / wall, max_rss, tree_rss, articles, quarantined,
        load_before, os.getloadavg()[0],
    )  # fmt: skip
    print(_row(result), flush=True)
    return result


HEADER = (
    "| size | case | runner | wall s | articles/s | peak RSS max process MB | peak RSS tree MB "
    "| articles in db | quarantined | load before/after |"
    "\n|---:|---|---|---:|---:|---:|---:|---:|---:|---|"
)


def _row(m: Measure) -> str:
    tree = f"{m.tree_rss_mb:.0f}" if m.tree_rss_mb is not None else "n/a"
    return (
        f"| {m.size} | {m.case} | {m.runner} | {m.wall_s:.1f} | {m.articles_per_s:.2f} "
        f"| {m.max_process_rss_mb:.0f} | {tree} | {m.articles_in_db} | {m.quarantined_rows} "
        f"| {m.load_before:.1f}/{m.load_after:.1f} |"
    )


def _find(results: list[Measure], size: int, case: str, runner: str = "thread") -> Measure | None:
    return next((m for m in results if (m.size, m.case, m.runner) == (size, case, runner)), None)


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def target_checks(results: list[Measure]) -> list[str]:
    """The issue's targets, checked on the rows measured (only those that apply)."""
    lines: list[str] = []
    sizes = sorted({m.size for m in results})
    firsts = {n: _find(results, n, "first run") for n in sizes}
    base = firsts.get(1000)
    for n in sizes:
        first = firsts[n]
        if base and first and n > 1000:
            ratio = first.articles_per_s / base.articles_per_s
            lines.append(
                f"articles/s at {n} is {ratio:.0%} of 1000 (target 85-115%): "
                + _verdict(abs(1 - ratio) <= 0.15)
            )
            peak, at_1000 = first.max_process_rss_mb, base.max_process_rss_mb
            lines.append(
                f"peak RSS at {n}: {peak:.0f} MB, {at_1000:.0f} MB at 1000 (target <= 1200 "
                "MB and within 10%): " + _verdict(peak <= 1200 and peak <= at_1000 * 1.10)
            )
        rerun = _find(results, n, "re-run unchanged")
        if first and rerun:
            speedup = first.wall_s / rerun.wall_s
            lines.append(
                f"unchanged re-run at {n}: {speedup:.1f}x faster than the first run "
                "(target >= 20x at 1000): " + _verdict(speedup >= 20)
            )
        dask = _find(results, n, "first run", "dask")
        if first and dask:
            ratio = dask.articles_per_s / first.articles_per_s
            lines.append(
                f"Dask at {n}: {ratio:.0%} of the thread runner's articles/s (target >= 90%): "
                + _verdict(ratio >= 0.9)
            )
    return lines


def _save(results: list[Measure], path: Path | None) -> None:
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps([asdict(m) for m in results], indent=2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--compare", type=int, default=1000, help="0: no Dask comparison")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes")
    parser.add_argument("--json", type=Path, help="also write the measures as JSON")
    args = parser.parse_args(argv)

    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.setdefault("PREFECT_HOME", str(REPO / ".prefect"))
    env["OPWATCH_DASK_WORKERS"] = str(args.workers)
    results: list[Measure] = []
    with tempfile.TemporaryDirectory(prefix="opwatch-scale-") as tmp:
        # a server someone runs (PREFECT_API_URL), or one for the whole benchmark
        configured = env.get("PREFECT_API_URL")
        server = nullcontext(configured) if configured else local_server(Path(tmp) / "server.log")
        with server as api_url:
            env["PREFECT_API_URL"] = api_url
            print(f"Prefect server for every run: {api_url}\n\n{HEADER}", flush=True)
            _bench(args, env, Path(tmp), results)
    for line in target_checks(results):
        print(f"- {line}", flush=True)
    return 0


def _bench(args: argparse.Namespace, env: dict, tmp: Path, results: list[Measure]) -> None:
    for size in args.sizes:
        work = Path(tmp) / str(size)
        corpus = work / "corpus"
        paths = write_corpus(corpus, size)
        db = work / "thread" / "scale.duckdb"
        cases = [("first run", "thread", db)]
        if size == args.compare:
            cases.append(("first run", "dask", work / "dask" / "scale.duckdb"))
        cases.append(("re-run unchanged", "thread", db))
        if size == args.compare:
            cases.append(("re-run unchanged" + TEMPORARY, "thread", db))
        cases.append(("re-run 10% changed", "thread", db))
        for case, runner, database in cases:
            if case == "re-run 10% changed":
                change_some(paths, 0.10)
            results.append(measure(size, case, runner, corpus, database, env))
            _save(results, args.json)
        shutil.rmtree(work)  # a 5,000-article corpus and its warehouses: free the disk


if __name__ == "__main__":
    sys.exit(main())
