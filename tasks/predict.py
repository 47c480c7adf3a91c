"""predict and eval: clean + extract every article in a folder, without the database."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from opwatch.gold import to_gold
from opwatch.records import Article, Extraction, Problem
from opwatch.scoring import FieldScore, score
from opwatch.settings import Settings

ARTICLE_SUFFIXES = (".txt", ".html", ".htm")


def article_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise FileNotFoundError(f"not a directory: {directory}")
    return sorted(
        p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
    )


def clean_file(path: Path, settings: Settings, run_id: str = "predict") -> Article | Problem:
    """Read and clean one file without Prefect or the database."""
    from opwatch.tasks.clean import clean
    from opwatch.tasks.ingest import read_file

    document = read_file(path, settings)
    if isinstance(document, Problem):
        return document
    return clean(document, run_id, datetime.now(UTC))


# Articles whose encoder windows go through the model together (sorted by length).
# The first article goes alone, so that its result (and the progress bar) comes as soon
# as the model is loaded, not after a whole batch.
PREDICT_BATCH = 16


def predict_file(path: Path, settings: Settings) -> tuple[dict[str, Any], str | None]:
    """One gold-format record for a file, plus an error message when it could not be read
    or was beyond the extraction caps (E031/E032)."""
    return predict_files([path], settings)[path.name]


def predict_files(
    paths: list[Path],
    settings: Settings,
    on_file: Callable[[Path, str | None], None] | None = None,
) -> dict[str, tuple[dict[str, Any], str | None]]:
    """(record, error) per file name; articles are extracted PREDICT_BATCH at a time
    (the first one alone) so the encoder batches windows across articles."""
    from opwatch.tasks.extract import extract_many

    out: dict[str, tuple[dict[str, Any], str | None]] = {}
    bounds = [0, *range(1, len(paths), PREDICT_BATCH), len(paths)]
    for lo, hi in itertools.pairwise(bounds):
        chunk = paths[lo:hi]
        if not chunk:
            continue
        cleaned = {p: clean_file(p, settings) for p in chunk}
        articles = [(p, a) for p, a in cleaned.items() if isinstance(a, Article)]
        results = extract_many([a for _, a in articles], settings)
        extracted = dict(zip([p for p, _ in articles], results, strict=True))
        for path in chunk:
            article, result = cleaned[path], extracted.get(path)
            if isinstance(article, Problem):
                out[path.name] = (to_gold(path.name, None), article.message)
            elif isinstance(result, Exception):
                out[path.name] = (to_gold(path.name, None), str(result))
            else:
                entities, figures = result
                out[path.name] = (to_gold(path.name, Extraction(article, entities, figures)), None)
            if on_file:
                on_file(path, out[path.name][1])
    return out


def predict_dir(
    directory: Path,
    settings: Settings,
    on_file: Callable[[Path, str | None], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Records keyed by file name; `on_file` is told of each file (for progress bars)."""
    results = predict_files(article_files(directory), settings, on_file)
    return {name: record for name, (record, _error) in results.items()}


def write_jsonl(records: dict[str, dict[str, Any]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for record in records.values():
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_gold(path: Path) -> dict[str, dict[str, Any]]:
    gold: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    raise ValueError(f"{path}:{number}: not valid JSON ({error})") from error
                gold[record["doc"]] = record
    return gold


def evaluate(
    gold_path: Path, docs: Path, settings: Settings, on_file: Callable | None = None
) -> tuple[dict[str, FieldScore], dict[str, dict[str, Any]]]:
    gold = read_gold(gold_path)
    predictions = predict_dir(docs, settings, on_file)
    return score(predictions, gold), predictions
