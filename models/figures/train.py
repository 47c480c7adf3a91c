"""Train the figure-role head and the shared encoder together with the NER head.

    python -m opwatch.models.figures.train [--config models/figures/config.json] [--out DIR]
                                   [--max-steps N] [--no-ner]

Starts from the shipped casing-aware NER model (`init_dir`), attaches a fresh role head
and fine-tunes every layer on two tasks at once: each step is one batch of role windows
(our generated articles, windowed as the tagger windows articles) plus, every
`ner_every` steps, one batch of CoNLL-2003 chunks, so the shared encoder keeps its NER.
`--no-ner` trains the role task alone (the separate-encoder ablation). The best epoch on
the validation split is kept, a softmax temperature is fitted there, and the test split
(drawn per article) gets per-role precision/recall, a confusion matrix and ECE.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from pathlib import Path

import torch
from torch import nn
from transformers import AutoTokenizer

from opwatch.models.figures.role_data import Window, encode_article, load_articles, split_of
from opwatch.models.figures.role_metrics import (
    calibration,
    choose_threshold,
    fit_temperature,
    role_report,
)
from opwatch.models.figures.roles_model import AUX_DIM, allowed_roles
from opwatch.models.ner.modeling import CasedBertTokenClassifier, number_states
from opwatch.models.ner.tagger import NerTagger
from opwatch.records import FIGURE_ROLES

REPO = Path(__file__).resolve().parents[2]


def role_batch(windows: list[Window], cls_id: int, sep_id: int, pad_id: int) -> dict:
    """Padded ids/shapes/mask plus the flat list of (row, target) pairs."""
    width = max(len(w.ids) for w in windows) + 2
    ids = torch.full((len(windows), width), pad_id, dtype=torch.long)
    shapes, mask = torch.zeros_like(ids), torch.zeros_like(ids)
    for row, w in enumerate(windows):
        n = len(w.ids)
        ids[row, 0], ids[row, n + 1] = cls_id, sep_id
        ids[row, 1 : n + 1] = torch.tensor(w.ids)
        shapes[row, 1 : n + 1] = torch.tensor(w.shapes)
        mask[row, : n + 2] = 1
    pairs = [(row, t) for row, w in enumerate(windows) for t in w.targets]
    return {"ids": ids, "shapes": shapes, "mask": mask, "pairs": pairs}


def role_logits(model: CasedBertTokenClassifier, batch: dict) -> torch.Tensor:
    hidden = model.encode(batch["ids"], batch["mask"], batch["shapes"])
    lengths = batch["mask"].sum(1).tolist()
    states = torch.stack(
        [number_states(hidden[r], t.first, t.last, int(lengths[r])) for r, t in batch["pairs"]]
    )
    aux = torch.tensor([t.aux for _, t in batch["pairs"]], dtype=torch.float32)
    return model.role_head(states, aux)


@torch.no_grad()
def predict_split(model, windows: list[Window], tok, size: int = 32, every: bool = False) -> tuple:
    """Logits, gold ids and rule votes of every number, each in its most central window
    (`every`: in each window that holds it, as inference reads it; see `averaged`)."""
    model.eval()
    logits, gold, votes = [], [], []
    for i in range(0, len(windows), size):
        chunk = [
            Window(w.article, w.ids, w.shapes, [t for t in w.targets if every or t.central])
            for w in windows[i : i + size]
        ]
        chunk = [w for w in chunk if w.targets]
        if not chunk:
            continue
        batch = role_batch(chunk, tok.cls_token_id, tok.sep_token_id, tok.pad_token_id)
        logits.append(role_logits(model, batch))
        gold += [t.label for _, t in batch["pairs"]]
        votes += [t.vote for _, t in batch["pairs"]]
    model.train()
    return torch.cat(logits), torch.tensor(gold), votes


def averaged(model, windows: list[Window], tok, temperature: float) -> tuple:
    """Each number's restricted probabilities averaged over the windows that hold it
    (what `roles_model.predict_roles` does with its two readings), gold ids and votes,
    in the order of the numbers' most central windows."""
    logits, _, _ = predict_split(model, windows, tok, every=True)
    probs = masked_probs(logits / temperature, windows, every=True)
    keys = [(w.article, t.key) for w in windows for t in w.targets]
    sums: dict[tuple[str, int], list] = {}
    for key, row in zip(keys, probs, strict=True):
        sums.setdefault(key, []).append(row)
    order = [(w.article, t.key) for w in windows for t in w.targets if t.central]
    mean = torch.stack([torch.stack(sums[k]).mean(0) for k in order])
    _, gold, votes = predict_split(model, windows, tok)
    return mean, gold, votes


def build_model(cfg: dict) -> tuple[CasedBertTokenClassifier, object]:
    """The init model (NER weights) with a fresh, seeded role head."""
    init = REPO / cfg["init_dir"]
    model = CasedBertTokenClassifier.load(init)
    torch.manual_seed(cfg["seed"])
    model.add_role_head(list(FIGURE_ROLES), AUX_DIM)
    tok = AutoTokenizer.from_pretrained(str(init), local_files_only=True)
    return model.train(), tok


def optimizer(model: CasedBertTokenClassifier, cfg: dict) -> torch.optim.Optimizer:
    groups = {"enc": [], "norm": [], "head": []}
    for name, p in model.named_parameters():
        key = "head" if name.startswith("role_head.") else "enc"
        if key == "enc" and (p.ndim < 2 or "LayerNorm" in name):
            key = "norm"
        groups[key].append(p)
    return torch.optim.AdamW(
        [
            {"params": groups["enc"], "lr": cfg["lr_encoder"], "weight_decay": 0.01},
            {"params": groups["norm"], "lr": cfg["lr_encoder"], "weight_decay": 0.0},
            {"params": groups["head"], "lr": cfg["lr_head"], "weight_decay": 0.01},
        ]
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--config", default=str(REPO / "models/figures/config.json"))
    ap.add_argument("--out", default=None, help="model directory to write (default: config)")
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--no-ner", action="store_true", help="role task only (ablation)")
    ap.add_argument(
        "--recalibrate",
        action="store_true",
        help="no training: refit temperature and threshold of the model in --out and rewrite "
        "its test report (NER scores kept)",
    )
    args = ap.parse_args(argv)
    cfg = json.loads(Path(args.config).read_text())
    out_dir = Path(args.out or REPO / cfg["output_dir"])
    torch.set_num_threads(cfg["num_threads"])
    random.seed(cfg["seed"])
    rng = random.Random(cfg["seed"])

    if args.recalibrate:
        model = CasedBertTokenClassifier.load(out_dir)
        tok = AutoTokenizer.from_pretrained(str(out_dir), local_files_only=True)
    else:
        model, tok = build_model(cfg)
    tagger = NerTagger(
        model, tok, [], cased=True, window=cfg["max_length"], backend="torch", source=""
    )
    splits: dict[str, list[Window]] = {"train": [], "valid": [], "test": []}
    for art in load_articles():
        part = split_of(art["id"], cfg["seed"], cfg["valid_fraction"], cfg["test_fraction"])
        splits[part] += encode_article(art, tagger)
    train = [w for w in splits["train"] if w.targets]
    counts = {k: sum(len(w.targets) for w in v) for k, v in splits.items()}
    print(f"role windows {len(train)} train; numbers {counts}", flush=True)
    if args.recalibrate:
        old = json.loads((out_dir / "role_metrics.json").read_text())
        finish(model, tok, cfg, splits, old["history"], out_dir, old["train_seconds"], None)
        return

    ner = None if args.no_ner else ner_stream(cfg, tok, rng)
    per_epoch = math.ceil(len(train) / cfg["batch_size"])
    total = min(cfg["epochs"] * per_epoch, args.max_steps or 10**9)
    opt = optimizer(model, cfg)
    warm = max(1, int(total * cfg["warmup_fraction"]))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    ce = nn.CrossEntropyLoss()
    ner_ce = nn.CrossEntropyLoss(ignore_index=-100, label_smoothing=0.05)
    step, best, history, t0 = 0, (-1.0, 0.0), [], time.time()
    best_state = None
    for epoch in range(1, cfg["epochs"] + 1):
        rng.shuffle(train)
        order = sorted(range(len(train)), key=lambda i: len(train[i].ids) + rng.random() * 20)
        groups = [order[i : i + cfg["batch_size"]] for i in range(0, len(order), cfg["batch_size"])]
        rng.shuffle(groups)
        for group in groups:
            batch = role_batch(
                [train[i] for i in group], tok.cls_token_id, tok.sep_token_id, tok.pad_token_id
            )
            labels = torch.tensor([t.label for _, t in batch["pairs"]])
            loss = ce(role_logits(model, batch), labels)
            if ner is not None and step % cfg["ner_every"] == 0:
                t = next(ner)
                logits = model(t["input_ids"], t["attention_mask"], t["shape_ids"])
                loss = loss + cfg["ner_weight"] * ner_ce(
                    logits.flatten(0, 1), t["labels"].flatten()
                )
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            if step % 20 == 0:
                elapsed = time.time() - t0
                print(
                    f"epoch {epoch} step {step}/{total} loss {loss:.4f} {elapsed:.0f}s", flush=True
                )
            if step >= total:
                break
        logits, gold, _ = predict_split(model, splits["valid"], tok)
        acc = float((logits.argmax(-1) == gold).float().mean())
        nll = float(ce(logits, gold))
        history.append(
            {"epoch": epoch, "step": step, "valid_acc": round(acc, 4), "valid_nll": round(nll, 4)}
        )
        print(f"== epoch {epoch} valid acc {acc:.4f} nll {nll:.4f}", flush=True)
        if (acc, -nll) > best:
            best = (acc, -nll)
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        if step >= total:
            break
    model.load_state_dict(best_state)
    finish(model, tok, cfg, splits, history, out_dir, time.time() - t0, shared=ner is not None)


def ner_stream(cfg: dict, tok, rng: random.Random):
    """Endless CoNLL-2003 training batches (document chunks, as the NER recipe)."""
    from opwatch.models.ner.conll import read_conll
    from opwatch.models.ner.train import batches, collate, encode_docs, make_chunks

    ner_cfg = json.loads((REPO / "models/ner/config.json").read_text())
    label2id = {lab: i for i, lab in enumerate(ner_cfg["labels"])}
    docs = read_conll((REPO / ner_cfg["data_dir"]).resolve() / "train.txt")
    enc = encode_docs(docs, tok, label2id, True)
    while True:
        chunks = make_chunks(enc, ner_cfg["max_length"], rng, ner_cfg["min_chunk_subtokens"])
        for batch in batches(chunks, cfg["batch_size"], rng):
            yield collate(batch, tok.cls_token_id, tok.sep_token_id, tok.pad_token_id)


def finish(model, tok, cfg, splits, history, out_dir: Path, seconds: float, shared: bool) -> None:
    """Fit the temperature on valid, choose the threshold on valid with the numbers read
    as inference reads them (averaged over their windows), report on test, score NER,
    save the model."""
    v_logits, v_gold, _ = predict_split(model, splits["valid"], tok)
    temperature = fit_temperature(v_logits, v_gold)
    other = FIGURE_ROLES.index("other")
    v_probs, v_gold, _ = averaged(model, splits["valid"], tok, temperature)
    threshold = choose_threshold(v_probs, v_gold, other)
    model.config.role_temperature = temperature
    model.config.role_min_probability = threshold
    logits, gold, votes = predict_split(model, splits["test"], tok)
    probs, _, _ = averaged(model, splits["test"], tok, temperature)
    conf, pred = probs.max(-1)
    pred = torch.where((pred != other) & (conf < threshold), torch.tensor(other), pred)
    report = role_report(pred.tolist(), gold.tolist(), votes)
    report["min_probability"] = threshold
    report["calibration"] = {
        "temperature": temperature,
        "raw": calibration(logits, gold),
        "scaled": calibration(logits / temperature, gold),
        "averaged": calibration(probs.clamp_min(1e-12).log(), gold),
    }
    metrics = {"history": history, "train_seconds": round(seconds), "config": cfg, "test": report}
    if shared is None:  # recalibrating a trained model: keep its NER scores
        metrics["ner"] = json.loads((out_dir / "role_metrics.json").read_text()).get("ner")
    elif shared:
        metrics["ner"] = ner_scores(model, tok)
    marker = json.loads((REPO / cfg["init_dir"] / "opwatch_ner.json").read_text())
    extra = {k: marker[k] for k in ("trained_epochs", "max_length") if k in marker}
    extra["role_training"] = {
        "shared_with_ner": bool(shared or shared is None),
        "seed": cfg["seed"],
    }
    model.save(out_dir, tok, extra)
    (out_dir / "role_metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(json.dumps({k: report[k] for k in ("accuracy", "rules_accuracy", "n")}), flush=True)
    print(f"calibration {json.dumps(report['calibration'])}")
    if metrics.get("ner"):
        print(f"ner {json.dumps(metrics['ner'])}")


def masked_probs(logits: torch.Tensor, windows: list[Window], every: bool = False) -> torch.Tensor:
    """Probabilities restricted to the roles each number's unit allows (as at inference);
    rows in predict_split's order."""
    rows = []
    for w in windows:
        for t in w.targets:
            if every or t.central:
                allowed = set(allowed_roles(t.aux))
                rows.append([float(r in allowed) for r in FIGURE_ROLES])
    probs = logits.softmax(-1) * torch.tensor(rows)
    return probs / probs.sum(-1, keepdim=True)


def ner_scores(model, tok) -> dict:
    """CoNLL valid/test strict span F1 with train.py's chunked evaluation."""
    from opwatch.models.ner.conll import read_conll
    from opwatch.models.ner.train import encode_docs
    from opwatch.models.ner.train import evaluate as ner_evaluate

    ner_cfg = json.loads((REPO / "models/ner/config.json").read_text())
    label2id = {lab: i for i, lab in enumerate(ner_cfg["labels"])}
    out = {}
    for split in ("valid", "test"):
        docs = read_conll((REPO / ner_cfg["data_dir"]).resolve() / f"{split}.txt")
        enc = encode_docs(docs, tok, label2id, True)
        scores = ner_evaluate(model, docs, enc, ner_cfg, tok, ner_cfg["labels"])
        out[split] = scores["micro"]
    model.eval()
    return out


if __name__ == "__main__":
    main()
