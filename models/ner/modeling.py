"""The shared encoder: a casing-aware MiniLM with an NER head and a figure-role head.

The base encoder lower-cases everything, so a small learned embedding of each word's
shape (lower / Title / ALLCAPS / ...) is added to the input word embeddings of all the
word's sub-tokens, and concatenated once more in front of the NER classifier.

One pass encodes an article window; the NER head tags every sub-token and the role head
reads the states of each number's sub-tokens and their neighbours (plus deterministic
features of the number and the rules' vote), so names and figures share the encoding.

A saved model is a directory: ``config.json`` (a BertConfig carrying the label maps),
``model.safetensors`` (fp16), the tokenizer files and ``opwatch_ner.json`` (the marker).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import BertConfig, BertModel

from opwatch.models.ner.shapes import SHAPES, word_shape  # noqa: F401 (re-exported)

MARKER = "opwatch_ner.json"
ARCHITECTURE = "OpwatchCasedBertForTokenClassification"


class CasedBertTokenClassifier(nn.Module):
    """BertModel + additive shape embedding + linear classifier over [hidden; shape]."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.config = config
        n_shapes = getattr(config, "num_shapes", len(SHAPES))
        head_dim = getattr(config, "shape_head_dim", 32)
        self.bert = BertModel(config, add_pooling_layer=False)
        self.shape_embeddings = nn.Embedding(n_shapes, config.hidden_size)
        nn.init.zeros_(self.shape_embeddings.weight)  # start as the plain encoder
        self.shape_head = nn.Embedding(n_shapes, head_dim)
        nn.init.normal_(self.shape_head.weight, std=0.02)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size + head_dim, config.num_labels)
        nn.init.normal_(self.classifier.weight, std=0.02)
        nn.init.zeros_(self.classifier.bias)
        self.role_head: RoleHead | None = None
        if getattr(config, "role_labels", None):
            self.add_role_head(list(config.role_labels), int(config.role_aux_dim))

    def add_role_head(self, labels: list[str], aux_dim: int) -> None:
        """Attach a (new) figure-role head; its labels and sizes go into the config."""
        self.config.role_labels = list(labels)
        self.config.role_aux_dim = aux_dim
        self.role_head = RoleHead(self.config.hidden_size, aux_dim, len(labels))

    def encode(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, shape_ids: torch.Tensor
    ) -> torch.Tensor:
        """Token states (batch, seq, hidden): the one pass both heads read."""
        embeds = self.bert.embeddings.word_embeddings(input_ids)
        embeds = embeds + self.shape_embeddings(shape_ids)
        return self.bert(
            inputs_embeds=embeds,
            attention_mask=attention_mask,
            token_type_ids=torch.zeros_like(input_ids),
        ).last_hidden_state

    def ner_logits(self, hidden: torch.Tensor, shape_ids: torch.Tensor) -> torch.Tensor:
        """NER logits (batch, seq, num_labels) from token states."""
        feats = torch.cat([hidden, self.shape_head(shape_ids)], dim=-1)
        return self.classifier(self.dropout(feats))

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, shape_ids: torch.Tensor
    ) -> torch.Tensor:
        """Return NER logits of shape (batch, seq, num_labels)."""
        return self.ner_logits(self.encode(input_ids, attention_mask, shape_ids), shape_ids)

    def head_parameter_names(self) -> set[str]:
        """Names of the freshly initialised parameters (trained with a higher lr)."""
        return {n for n, _ in self.named_parameters() if not n.startswith("bert.")}

    @classmethod
    def from_base(
        cls, base_dir: str | Path, labels: list[str], shape_head_dim: int = 32
    ) -> CasedBertTokenClassifier:
        """New classifier whose encoder is initialised from a pretrained BERT dir."""
        config = BertConfig.from_pretrained(str(base_dir), local_files_only=True)
        config.num_labels = len(labels)
        config.id2label = dict(enumerate(labels))
        config.label2id = {lab: i for i, lab in enumerate(labels)}
        config.num_shapes = len(SHAPES)
        config.shape_head_dim = shape_head_dim
        config.architectures = [ARCHITECTURE]
        model = cls(config)
        base = BertModel.from_pretrained(str(base_dir), local_files_only=True)
        missing, _ = model.bert.load_state_dict(base.state_dict(), strict=False)
        if missing:
            raise RuntimeError(f"base encoder lacks weights: {missing[:5]}")
        return model

    def save(self, out_dir: str | Path, tokenizer: Any, extra: dict | None = None) -> None:
        """Write config, fp16 safetensors, tokenizer and the opwatch marker."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        self.config.save_pretrained(str(out))
        state = {k: v.detach().to(torch.float16).contiguous() for k, v in self.state_dict().items()}
        save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})
        tokenizer.save_pretrained(str(out))
        marker = {
            "format": "opwatch-ner/1",
            "architecture": ARCHITECTURE,
            "labels": [self.config.id2label[i] for i in range(self.config.num_labels)],
            "tag_scheme": "IOB2",
            "casing_feature": {
                "shapes": list(SHAPES),
                "added_to_input_embeddings": True,
                "head_dim": getattr(self.config, "shape_head_dim", 32),
            },
            "weights_dtype": "float16",
        }
        if self.role_head is not None:
            marker["role_head"] = {
                "labels": list(self.config.role_labels),
                "aux_dim": int(self.config.role_aux_dim),
                "features": "mean(number sub-tokens), previous and next sub-token, aux",
            }
        marker.update(extra or {})
        (out / MARKER).write_text(json.dumps(marker, indent=2) + "\n")

    @classmethod
    def load(cls, model_dir: str | Path) -> CasedBertTokenClassifier:
        """Load a directory written by :meth:`save` as an fp32 model in eval mode."""
        model_dir = Path(model_dir)
        config = BertConfig.from_pretrained(str(model_dir), local_files_only=True)
        model = cls(config)
        state = {k: v.float() for k, v in load_file(str(model_dir / "model.safetensors")).items()}
        model.load_state_dict(state, strict=True)
        return model.eval()


class RoleHead(nn.Module):
    """Figure-role classifier over one number's token states and its aux features.

    Input per number: the mean state of its sub-tokens, the state of the sub-token
    before and of the one after it (the counted noun or the verb, most often), and
    ``aux`` (unit kind, qualifier, the rules' vote): 3 * hidden + aux_dim.
    """

    def __init__(self, hidden: int, aux_dim: int, n_labels: int, width: int = 256) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Dropout(0.1),
            nn.Linear(3 * hidden + aux_dim, width),
            nn.GELU(),
            nn.Dropout(0.1),
            nn.Linear(width, n_labels),
        )

    def forward(self, states: torch.Tensor, aux: torch.Tensor) -> torch.Tensor:
        """Logits (n, labels) from states (n, 3, hidden) and aux (n, aux_dim)."""
        return self.net(torch.cat([states.flatten(1), aux], dim=-1))


def number_states(hidden: torch.Tensor, first: int, last: int, n_tokens: int) -> torch.Tensor:
    """(3, hidden): mean over sub-tokens first..last, the one before and the one after.

    ``hidden`` is one sequence's states (seq, hidden) including [CLS] at 0; positions
    are sequence positions; neighbours fall back to [CLS] / the last real token.
    """
    prev = first - 1 if first > 0 else 0
    nxt = last + 1 if last + 1 < n_tokens else n_tokens - 1
    return torch.stack([hidden[first : last + 1].mean(0), hidden[prev], hidden[nxt]])
