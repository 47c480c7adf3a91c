"""The figure-role training data as encoder windows: articles -> token windows + targets.

Each generated article (`data/articles/*.jsonl`, see data/GUIDELINES.md) is joined into
one text, windowed exactly as the tagger windows an article at inference, and every
labelled number becomes a target (its sub-token range in the window, aux features and
role id). The train/valid/test split is drawn per article, never per sentence.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opwatch.models.figures.extract import number_items, previous_vote
from opwatch.models.figures.numbers import scan_numbers
from opwatch.models.figures.roles_model import aux_features
from opwatch.records import FIGURE_ROLES

ARTICLES_DIR = Path(__file__).resolve().parent / "data" / "articles"
ROLE_ID = {r: i for i, r in enumerate(FIGURE_ROLES)}


@dataclass
class Target:
    first: int  # sequence positions ([CLS] at 0) of the number's sub-tokens
    last: int
    aux: list[float]
    label: int
    vote: str  # the rules' role (for the rules-only comparison)
    central: bool  # this window is where the number sits most centrally
    key: int = -1  # the number's first sub-token in the article (same in every window)


@dataclass
class Window:
    article: str
    ids: list[int]
    shapes: list[int]
    targets: list[Target] = field(default_factory=list)


def load_articles(directory: Path = ARTICLES_DIR) -> list[dict]:
    """Every article of every batch file, in file order."""
    out = []
    for path in sorted(directory.glob("*.jsonl")):
        out += [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return out


def split_of(article_id: str, seed: int, valid: float, test: float) -> str:
    """'train' | 'valid' | 'test', stable for an article id and seed."""
    h = int(hashlib.sha256(f"{seed}:{article_id}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "test" if h < test else "valid" if h < test + valid else "train"


def article_text(article: dict) -> tuple[str, dict[int, str]]:
    """The article's text (lines joined by blank lines) and role by number start."""
    parts, roles, pos = [], {}, 0
    for line in article["lines"]:
        text = line["text"]
        found = scan_numbers(text)
        for num, (surface, role) in zip(found, line["figures"], strict=False):
            if text[num.start : num.end] == surface:
                roles[pos + num.start] = role
        parts.append(text)
        pos += len(text) + 2
    return "\n\n".join(parts), roles


def encode_article(article: dict, tagger: Any) -> list[Window]:
    """The article's windows with their number targets (the tagger's own windowing)."""
    from opwatch.models.ner.tagger import Analysis

    text, roles = article_text(article)
    doc = tagger.prepare(text)
    layout = Analysis([], doc["words"], doc["word_of"], None)
    targets = []
    items = number_items(text)
    for i, item in enumerate(items):
        role = roles.get(item.number.start)
        span = layout.token_range(item.number.start, item.number.end)
        if role is None or span is None:
            continue
        aux = aux_features(item.number, item.vote, previous_vote(items, i))
        targets.append((span, aux, ROLE_ID[role], item.vote.role or "other"))
    windows = []
    for s, e in doc["windows"]:
        win = Window(article["id"], doc["ids"][s:e], doc["shapes"][s:e])
        for (first, last), aux, label, vote in targets:
            if s <= first and last < e:
                central = _most_central((first, last), doc["windows"]) == (s, e)
                win.targets.append(
                    Target(first - s + 1, last - s + 1, aux, label, vote, central, first)
                )
        windows.append(win)
    return windows


def _most_central(span: tuple[int, int], windows: list[tuple[int, int]]) -> tuple[int, int]:
    first, last = span
    inside = [(s, e) for s, e in windows if s <= first and last < e]
    return max(inside, key=lambda w: min(first - w[0], w[1] - 1 - last))
