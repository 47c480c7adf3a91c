"""Retrain the role head and print the rules / transformer / combined comparison.

    python -m models.figures.train [--seeds ../shared/eval/seeds] [--epochs 300]

Features come from the frozen MiniLM encoder (roles_model.featurize); only the small
MLP head is trained, with a fixed seed, in well under a minute on 2 CPU cores. The
share of the transformer in the combined vote is chosen by 5-fold cross-validation on
the training sentences only (never on role_test or the seeds) and stored in the card.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import torch
from torch import nn

from models.figures import roles_model
from models.figures.evaluate import DATA_DIR, label_numbers, load_labelled, role_accuracy
from models.figures.extract import METHODS, _make_items, decide
from models.figures.roles_model import LABELS, RoleHead, featurize, save_head
from models.figures.roles_rules import RuleVote

SEED = 13
WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
DEFAULT_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "eval" / "seeds"


def _examples(path: Path) -> tuple[list[tuple[str, int, int]], list[int], list[RuleVote]]:
    """Items (sentence, start, end), label ids and the rule vote of each number."""
    items, labels, votes = [], [], []
    for ex in load_labelled(path):
        by_span = {(it.number.start, it.number.end): it.vote for it in _make_items(ex["text"])}
        for start, end, role in label_numbers(ex):
            items.append((ex["text"], start, end))
            labels.append(LABELS.index(role))
            votes.append(by_span[(start, end)])
    return items, labels, votes


def fit_head(x: torch.Tensor, y: torch.Tensor, epochs: int) -> RoleHead:
    """Full-batch AdamW on standardised features; class-balanced loss."""
    torch.manual_seed(SEED)
    head = RoleHead(x.shape[1], len(LABELS))
    counts = torch.bincount(y, minlength=len(LABELS)).float()
    weight = (counts.sum() / (counts.clamp(min=1) * len(LABELS))).clamp(max=5.0) ** 0.5
    loss_fn = nn.CrossEntropyLoss(weight=weight, label_smoothing=0.05)
    opt = torch.optim.AdamW(head.parameters(), lr=2e-3, weight_decay=0.05)
    head.train()
    for _ in range(epochs):
        opt.zero_grad()
        loss = loss_fn(head(x), y)
        loss.backward()
        opt.step()
    return head.eval()


def _standardise(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return x.mean(0), x.std(0).clamp(min=1e-4)


def choose_weight(
    x: torch.Tensor, y: torch.Tensor, votes: list[RuleVote], epochs: int
) -> tuple[float, dict[float | str, float]]:
    """Transformer share in the combined vote, by 5-fold out-of-fold accuracy."""
    idx = list(range(len(y)))
    random.Random(SEED).shuffle(idx)
    probs = torch.zeros((len(y), len(LABELS)))
    for k in range(5):
        test = idx[k::5]
        train = [i for i in idx if i not in set(test)]
        mean, std = _standardise(x[train])
        head = fit_head((x[train] - mean) / std, y[train], epochs)
        with torch.no_grad():
            probs[test] = torch.softmax(head((x[test] - mean) / std), -1)
    acc: dict[float | str, float] = {}
    for name in ("rules", "transformer"):
        right = 0
        for i in range(len(y)):
            proba = dict(zip(LABELS, probs[i].tolist(), strict=True))
            right += decide(votes[i], proba, name)[0] == LABELS[int(y[i])]
        acc[name] = right / len(y)
    for w in WEIGHTS:
        right = 0
        for i in range(len(y)):
            proba = dict(zip(LABELS, probs[i].tolist(), strict=True))
            role, _, _ = decide(votes[i], proba, "combined", weight=w)
            right += role == LABELS[int(y[i])]
        acc[w] = right / len(y)
    best = max(WEIGHTS, key=lambda w: (acc[w], -abs(w - 0.5)))
    return best, acc


def compare(seeds: Path | None) -> list[str]:
    """Role accuracy on role_test and seeds figures P/R/F1 for every method."""
    from models.figures.evaluate import score_articles

    lines = [
        "| method | role_test accuracy | seeds P | seeds R | seeds F1 |",
        "|---|---|---|---|---|",
    ]
    for method in METHODS:
        acc, n, _ = role_accuracy(DATA_DIR / "role_test.jsonl", method)
        row = f"| {method} | {acc:.3f} (n={n}) |"
        if seeds is not None and (seeds / "gold.jsonl").exists():
            sc, _ = score_articles(seeds, method)
            row += f" {sc.precision:.3f} | {sc.recall:.3f} | {sc.f1:.3f} |"
        else:
            row += " - | - | - |"
        lines.append(row)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--epochs", type=int, default=300)
    args = parser.parse_args()
    torch.set_num_threads(1)  # reproducible, and faster than 2 on a busy 2-core machine
    torch.manual_seed(SEED)
    t0 = time.time()
    items, labels, votes = _examples(DATA_DIR / "role_train.jsonl")
    x, y = featurize(items), torch.tensor(labels)
    print(f"features for {len(items)} training numbers in {time.time() - t0:.1f}s")
    weight, cv = choose_weight(x, y, votes, args.epochs)
    print(
        "5-fold out-of-fold accuracy on role_train (rules, transformer, combined by "
        "transformer share):",
        {w: round(a, 3) for w, a in cv.items()},
        "-> chosen",
        weight,
    )
    mean, std = _standardise(x)
    head = fit_head((x - mean) / std, y, args.epochs)
    save_head(
        head,
        mean,
        std,
        {
            "combine_weight": weight,
            "seed": SEED,
            "train_numbers": len(items),
            "epochs": args.epochs,
        },
    )
    roles_model.load_head.cache_clear()
    roles_model.head_card.cache_clear()
    print(f"saved head to {roles_model.WEIGHTS_DIR} ({time.time() - t0:.1f}s)")
    print("\n".join(compare(args.seeds)))


if __name__ == "__main__":
    main()
