"""Check figure-role training articles against the number scanner.

Every number `scan_numbers` finds in a line must be labelled, in order, with its exact
surface and a known role. Also reports the batch's counts (articles, sentences with
numbers, mentions, share of `other`) and flags any 8-word run shared with the real-dev
texts, when their cache is present (training data must be our own words).

    python -m opwatch.models.figures.data_check models/figures/data/articles/b01.jsonl
    python -m opwatch.models.figures.data_check --scan "Police detained 36 people in 14 countries."
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from opwatch.models.figures.numbers import scan_numbers
from opwatch.records import FIGURE_ROLES
from opwatch.text import sentence_spans

STYLES = {
    "press_release",
    "wire",
    "newspaper",
    "headline_brief",
    "court_report",
    "agency_report",
    "blog",
    "sentence",
}
SHINGLE = 8


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def real_dev_shingles(cache: Path | None) -> set[tuple[str, ...]]:
    """8-word runs of the real-dev texts (empty when the cache is absent)."""
    if cache is None or not cache.is_dir():
        return set()
    out: set[tuple[str, ...]] = set()
    for path in cache.glob("*.txt"):
        out |= _shingles(path.read_text(encoding="utf-8", errors="replace"))
    return out


def check_article(article: dict, banned: set[tuple[str, ...]]) -> list[str]:
    """Problems in one article (empty when it is clean)."""
    problems = []
    aid = article.get("id", "?")
    if article.get("style") not in STYLES:
        problems.append(f"{aid}: style {article.get('style')!r} not in {sorted(STYLES)}")
    for i, line in enumerate(article.get("lines", [])):
        text, labels = line.get("text", ""), line.get("figures", [])
        found = [text[n.start : n.end] for n in scan_numbers(text)]
        given = [lab[0] for lab in labels]
        if found != given:
            problems.append(f"{aid} line {i}: scanner finds {found}, labelled {given}: {text!r}")
        for lab in labels:
            if len(lab) != 2 or lab[1] not in FIGURE_ROLES:
                problems.append(f"{aid} line {i}: bad label {lab!r}")
        if banned and _shingles(text) & banned:
            problems.append(f"{aid} line {i}: shares an 8-word run with a real-dev text")
    return problems


def summarise(articles: list[dict]) -> dict:
    """Counts that the data targets are stated in."""
    roles: Counter[str] = Counter()
    sentences = 0
    for art in articles:
        for line in art["lines"]:
            for s0, s1 in sentence_spans(line["text"]):
                if any(s0 <= n.start < s1 for n in scan_numbers(line["text"])):
                    sentences += 1
            roles.update(lab[1] for lab in line["figures"])
    total = sum(roles.values())
    return {
        "articles": len(articles),
        "sentences_with_numbers": sentences,
        "mentions": total,
        "other_share": round(roles["other"] / total, 3) if total else 0.0,
        "roles": dict(roles.most_common()),
    }


def load_articles(path: Path) -> list[dict]:
    """Articles of one JSONL file; a line that is not JSON raises with its number."""
    out = []
    for k, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.strip():
            try:
                out.append(json.loads(raw))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{k}: not JSON ({exc})") from exc
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="article JSONL files")
    parser.add_argument("--scan", help="print the numbers the scanner finds in a text")
    parser.add_argument(
        "--real-dev-cache",
        type=Path,
        default=Path(__file__).resolve().parents[3] / "real-dev-cache",
        help="folder of real-dev texts, for the copy check (skipped when absent)",
    )
    args = parser.parse_args(argv)
    if args.scan:
        for n in scan_numbers(args.scan):
            print(json.dumps([args.scan[n.start : n.end], n.value, n.qualifier, n.unit]))
        return 0
    banned = real_dev_shingles(args.real_dev_cache)
    bad = 0
    for path in args.files:
        articles = load_articles(path)
        ids = Counter(a.get("id") for a in articles)
        for aid, n in ids.items():
            if n > 1:
                print(f"{path}: id {aid} appears {n} times")
                bad += 1
        for art in articles:
            for problem in check_article(art, banned):
                print(problem)
                bad += 1
        print(f"{path}: {json.dumps(summarise(articles))}")
    print("OK" if bad == 0 else f"{bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
