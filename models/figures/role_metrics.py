"""Role-model metrics: per-role precision/recall, confusion matrix, calibration (ECE)."""

from __future__ import annotations

import torch

from opwatch.records import FIGURE_ROLES


def fit_temperature(logits: torch.Tensor, gold: torch.Tensor) -> float:
    """The softmax temperature with the lowest NLL on held-out logits (grid search)."""
    grid = [round(0.5 + 0.05 * i, 2) for i in range(71)]  # 0.5 .. 4.0
    nll = [float(torch.nn.functional.cross_entropy(logits / t, gold)) for t in grid]
    return grid[min(range(len(grid)), key=nll.__getitem__)]


def choose_threshold(probs: torch.Tensor, gold: torch.Tensor, other: int) -> float:
    """The least top-probability a non-`other` role needs (below it the number is
    `other`) that maximises the micro F1 of the non-`other` roles on held-out data."""
    conf, pred = probs.max(-1)
    best_t, best_f1 = 0.0, -1.0
    for t in [round(0.05 * i, 2) for i in range(15)]:  # 0.0 .. 0.7
        p = torch.where((pred != other) & (conf < t), torch.tensor(other), pred)
        tp = int(((p == gold) & (p != other)).sum())
        n_pred, n_gold = int((p != other).sum()), int((gold != other).sum())
        f1 = 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0
        if f1 > best_f1 + 1e-9:
            best_t, best_f1 = t, f1
    return best_t


def calibration(logits: torch.Tensor, gold: torch.Tensor, bins: int = 10) -> dict:
    """Expected calibration error of the top probability, plus the reliability bins."""
    probs = logits.softmax(-1)
    conf, pred = probs.max(-1)
    right = (pred == gold).float()
    ece, rows = 0.0, []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = (conf > lo) & (conf <= hi)
        n = int(inside.sum())
        if n == 0:
            continue
        acc, mean_conf = float(right[inside].mean()), float(conf[inside].mean())
        ece += n / len(gold) * abs(acc - mean_conf)
        rows.append(
            {
                "bin": f"{lo:.1f}-{hi:.1f}",
                "n": n,
                "accuracy": round(acc, 3),
                "confidence": round(mean_conf, 3),
            }
        )
    nll = float(torch.nn.functional.cross_entropy(logits, gold))
    return {"ece": round(ece, 4), "nll": round(nll, 4), "bins": rows}


def role_report(pred: list[int], gold: list[int], votes: list[str]) -> dict:
    """Accuracy, per-role P/R/F1 and the confusion matrix (rows gold, columns predicted)."""
    n = len(gold)
    labels = list(FIGURE_ROLES)
    matrix = [[0] * len(labels) for _ in labels]
    for p, g in zip(pred, gold, strict=True):
        matrix[g][p] += 1
    per_role = {}
    for i, role in enumerate(labels):
        tp = matrix[i][i]
        n_pred = sum(row[i] for row in matrix)
        n_gold = sum(matrix[i])
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_role[role] = {
            "precision": round(prec, 3),
            "recall": round(rec, 3),
            "f1": round(f1, 3),
            "n": n_gold,
        }
    rules_right = sum(v == labels[g] for v, g in zip(votes, gold, strict=True))
    return {
        "n": n,
        "accuracy": round(sum(p == g for p, g in zip(pred, gold, strict=True)) / max(n, 1), 4),
        "rules_accuracy": round(rules_right / max(n, 1), 4),
        "per_role": per_role,
        "labels": labels,
        "confusion": matrix,
    }
