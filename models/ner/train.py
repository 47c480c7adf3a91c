"""Fine-tune the casing-aware NER model on CoNLL-2003.

    python -m opwatch.models.ner.train [--config models/ner/config.json] [--out DIR] [--max-steps N]

Training sequences are chunks of consecutive sentences of one document (document
context, as the tagger sees whole articles), each chunk drawn to a random length
between ``min_chunk_subtokens`` and ``max_length``. Only the first sub-token of a word
carries a label. The best epoch on valid is written to ``--out`` with metrics.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn
from transformers import AutoTokenizer

from opwatch.models.ner.conll import Document, format_scores, read_conll, span_scores, viterbi_iob2
from opwatch.models.ner.modeling import CasedBertTokenClassifier, word_shape

REPO = Path(__file__).resolve().parents[2]


@dataclass
class EncSentence:
    pieces: list[int]  # sub-token ids
    shapes: list[int]  # per sub-token
    labels: list[int]  # per sub-token, -100 except on first sub-tokens
    n_words: int


def base_model_dir(cfg: dict) -> Path:
    spec = importlib.util.find_spec(cfg["base_model_package"])
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"base model package {cfg['base_model_package']!r} not installed")
    return Path(next(iter(spec.submodule_search_locations))) / cfg["base_model_subdir"]


def encode_docs(
    docs: list[Document], tok, label2id: dict[str, int], casing: bool
) -> list[list[EncSentence]]:
    out = []
    for doc in docs:
        enc_doc = []
        for sent in doc.sentences:
            enc = tok(sent.tokens, is_split_into_words=True, add_special_tokens=False)
            pieces, shapes, labels = [], [], []
            prev = None
            for pid, wid in zip(enc["input_ids"], enc.word_ids(), strict=True):
                pieces.append(pid)
                shapes.append(word_shape(sent.tokens[wid]) if casing else 0)
                labels.append(label2id[sent.tags[wid]] if wid != prev else -100)
                prev = wid
            enc_doc.append(EncSentence(pieces, shapes, labels, len(sent.tokens)))
        out.append(enc_doc)
    return out


def make_chunks(
    enc_docs: list[list[EncSentence]], max_len: int, rng: random.Random | None, min_len: int
) -> list[tuple[list[int], list[int], list[int]]]:
    """Pack consecutive sentences of each document into chunks of <= max_len - 2."""
    cap = max_len - 2
    chunks = []
    for doc in enc_docs:
        cur: tuple[list[int], list[int], list[int]] = ([], [], [])
        target = rng.randint(min_len, cap) if rng else cap
        for s in doc:
            if cur[0] and len(cur[0]) + len(s.pieces) > target:
                chunks.append(cur)
                cur = ([], [], [])
                target = rng.randint(min_len, cap) if rng else cap
            for i in range(0, len(s.pieces), cap):  # over-long sentences are cut
                if cur[0] and len(cur[0]) + len(s.pieces[i : i + cap]) > cap:
                    chunks.append(cur)
                    cur = ([], [], [])
                cur[0].extend(s.pieces[i : i + cap])
                cur[1].extend(s.shapes[i : i + cap])
                cur[2].extend(s.labels[i : i + cap])
        if cur[0]:
            chunks.append(cur)
    return chunks


def collate(chunks, cls_id: int, sep_id: int, pad_id: int) -> dict[str, torch.Tensor]:
    width = max(len(c[0]) for c in chunks) + 2
    ids = torch.full((len(chunks), width), pad_id, dtype=torch.long)
    shapes = torch.zeros_like(ids)
    labels = torch.full_like(ids, -100)
    mask = torch.zeros_like(ids)
    for row, (p, s, lab) in enumerate(chunks):
        n = len(p)
        ids[row, 0], ids[row, n + 1] = cls_id, sep_id
        ids[row, 1 : n + 1] = torch.tensor(p)
        shapes[row, 1 : n + 1] = torch.tensor(s)
        labels[row, 1 : n + 1] = torch.tensor(lab)
        mask[row, : n + 2] = 1
    return {"input_ids": ids, "shape_ids": shapes, "attention_mask": mask, "labels": labels}


def batches(chunks, batch_size: int, rng: random.Random | None):
    """Length-bucketed batches (shuffled between buckets when rng is given)."""
    order = sorted(range(len(chunks)), key=lambda i: len(chunks[i][0]))
    groups = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    if rng:
        rng.shuffle(groups)
    return [[chunks[i] for i in g] for g in groups]


@torch.no_grad()
def evaluate(model, docs: list[Document], enc_docs, cfg: dict, tok, labels: list[str]) -> dict:
    """Strict span scores with document-context chunks and IOB2-constrained decoding."""
    model.eval()
    chunks = make_chunks(enc_docs, cfg["max_length"], None, 0)
    word_preds: list[list[int]] = []
    index = {id(c): i for i, c in enumerate(chunks)}
    per_chunk: list[list[list[float]]] = [[] for _ in chunks]
    for batch in batches(chunks, cfg["eval_batch_size"], None):
        t = collate(batch, tok.cls_token_id, tok.sep_token_id, tok.pad_token_id)
        logp = model(t["input_ids"], t["attention_mask"], t["shape_ids"]).log_softmax(-1)
        for row, c in enumerate(batch):
            first = (t["labels"][row] != -100).nonzero().flatten()
            per_chunk[index[id(c)]] = logp[row, first].tolist()
    for rows in per_chunk:
        word_preds.append(rows)
    flat = [r for rows in word_preds for r in rows]
    gold, pred, pos = [], [], 0
    for doc in docs:
        for sent in doc.sentences:
            n = len(sent.tokens)
            rows = flat[pos : pos + n]
            pos += n
            tags = [labels[i] for i in viterbi_iob2(rows, labels)] if rows else []
            tags += ["O"] * (n - len(tags))
            gold.append(sent.tags)
            pred.append(tags)
    model.train()
    return span_scores(gold, pred)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--config", default=str(REPO / "models/ner/config.json"))
    ap.add_argument("--out", default=None)
    ap.add_argument("--max-steps", type=int, default=None)
    args = ap.parse_args(argv)
    cfg = json.loads(Path(args.config).read_text())
    out_dir = Path(args.out or REPO / cfg["output_dir"])
    scratch = Path(cfg["scratch_dir"])
    torch.set_num_threads(cfg["num_threads"])
    random.seed(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    rng = random.Random(cfg["seed"])

    base = base_model_dir(cfg)
    labels = cfg["labels"]
    label2id = {lab: i for i, lab in enumerate(labels)}
    tok = AutoTokenizer.from_pretrained(str(base), local_files_only=True)
    data_dir = (REPO / cfg["data_dir"]).resolve()
    splits = {s: read_conll(data_dir / f"{s}.txt") for s in ("train", "valid", "test")}
    enc = {s: encode_docs(d, tok, label2id, cfg["casing_feature"]) for s, d in splits.items()}
    model = CasedBertTokenClassifier.from_base(base, labels, cfg["shape_head_dim"])
    model.train()

    head = model.head_parameter_names()
    groups = [
        {"params": [], "lr": cfg["lr_encoder"], "weight_decay": cfg["weight_decay"]},
        {"params": [], "lr": cfg["lr_encoder"], "weight_decay": 0.0},
        {"params": [], "lr": cfg["lr_head"], "weight_decay": 0.0},
    ]
    for name, p in model.named_parameters():
        if name in head:
            groups[2]["params"].append(p)
        elif p.ndim < 2 or "LayerNorm" in name:
            groups[1]["params"].append(p)
        else:
            groups[0]["params"].append(p)
    opt = torch.optim.AdamW(groups)
    train_docs = enc["train"]
    if not cfg["document_context"]:  # ablation: every sentence on its own
        train_docs = [[s] for d in train_docs for s in d]
    est_chunks = len(
        make_chunks(train_docs, cfg["max_length"], random.Random(0), cfg["min_chunk_subtokens"])
    )
    total = cfg["epochs"] * math.ceil(est_chunks / cfg["batch_size"])
    if args.max_steps:
        total = min(total, args.max_steps)
    warm = max(1, int(total * cfg["warmup_fraction"]))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100, label_smoothing=cfg["label_smoothing"])
    print(f"base={base} train_chunks~{est_chunks} total_steps={total}", flush=True)

    step, best_f1, history, t0 = 0, -1.0, [], time.time()
    best_epoch = 0
    for epoch in range(1, cfg["epochs"] + 1):
        chunks = make_chunks(train_docs, cfg["max_length"], rng, cfg["min_chunk_subtokens"])
        running = 0.0
        for bi, batch in enumerate(batches(chunks, cfg["batch_size"], rng), 1):
            t = collate(batch, tok.cls_token_id, tok.sep_token_id, tok.pad_token_id)
            logits = model(t["input_ids"], t["attention_mask"], t["shape_ids"])
            loss = loss_fn(logits.flatten(0, 1), t["labels"].flatten())
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), cfg["grad_clip"])
            opt.step()
            sched.step()
            step += 1
            running += loss.item()
            if step % 25 == 0:
                print(
                    f"epoch {epoch} step {step}/{total} loss {running / bi:.4f} "
                    f"elapsed {time.time() - t0:.0f}s",
                    flush=True,
                )
            if step >= total:
                break
        scores = evaluate(model, splits["valid"], enc["valid"], cfg, tok, labels)
        f1 = scores["micro"]["f1"]
        history.append(
            {"epoch": epoch, "step": step, "valid_f1": f1, "elapsed_s": round(time.time() - t0)}
        )
        print(f"== epoch {epoch} valid\n{format_scores(scores)}", flush=True)
        model.save(scratch / f"epoch{epoch}", tok, {"max_length": cfg["max_length"]})
        if f1 > best_f1:
            best_f1, best_epoch = f1, epoch
            model.save(out_dir, tok, {"trained_epochs": epoch, "max_length": cfg["max_length"]})
            print(f"saved best (epoch {epoch}, valid F1 {f1:.4f}) to {out_dir}", flush=True)
        if step >= total:
            break

    best = CasedBertTokenClassifier.load(out_dir)  # the fp16 weights actually shipped
    valid = evaluate(best, splits["valid"], enc["valid"], cfg, tok, labels)
    test = evaluate(best, splits["test"], enc["test"], cfg, tok, labels)
    print(f"== best epoch {best_epoch} (fp16 reload) valid\n{format_scores(valid)}")
    print(f"== test\n{format_scores(test)}", flush=True)
    metrics = {
        "best_epoch": best_epoch,
        "epochs_run": len(history),
        "steps": step,
        "train_seconds": round(time.time() - t0),
        "history": history,
        "valid": valid,
        "test": test,
        "config": cfg,
        "eval_note": "document-context chunks of <=max_length sub-tokens, "
        "IOB2-constrained decoding, strict span micro F1",
    }
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")


if __name__ == "__main__":
    main()
