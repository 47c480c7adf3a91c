"""Words -> sub-token ids with the `tokenizers` library alone (no transformers, no torch).

The onnx backend loads the shipped `tokenizer.json` straight into a
`tokenizers.Tokenizer`; the torch backends wrap the same Rust tokenizer that their
transformers fast tokenizer holds, so every backend splits words identically.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class WordPieces:
    """Sub-token ids of pre-split words, plus the special ids a window needs."""

    def __init__(self, backend: Any, cls_id: int, sep_id: int, pad_id: int) -> None:
        self.backend = backend  # a tokenizers.Tokenizer
        self.cls_id, self.sep_id, self.pad_id = cls_id, sep_id, pad_id

    @classmethod
    def from_dir(cls, model_dir: Path) -> WordPieces:
        """From a model folder's tokenizer.json (and the special tokens its
        tokenizer_config.json names; BERT's by default)."""
        from tokenizers import Tokenizer

        backend = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        backend.no_truncation()  # windows are cut by the tagger, never by the tokenizer
        backend.no_padding()
        config_file = model_dir / "tokenizer_config.json"
        config = json.loads(config_file.read_text()) if config_file.is_file() else {}
        ids = []
        for key, default in (
            ("cls_token", "[CLS]"),
            ("sep_token", "[SEP]"),
            ("pad_token", "[PAD]"),
        ):
            token = config.get(key) or default
            token = token.get("content", default) if isinstance(token, dict) else token
            found = backend.token_to_id(token)
            if found is None:
                raise ValueError(f"{token!r} ({key}) is not in {model_dir / 'tokenizer.json'}")
            ids.append(found)
        return cls(backend, *ids)

    @classmethod
    def from_transformers(cls, tokenizer: Any) -> WordPieces:
        """The Rust tokenizer inside a transformers fast tokenizer."""
        return cls(
            tokenizer.backend_tokenizer,
            tokenizer.cls_token_id,
            tokenizer.sep_token_id,
            tokenizer.pad_token_id or 0,
        )

    def encode_words(self, words: list[str]) -> tuple[list[int], list[int]]:
        """(sub-token ids, word index of each sub-token) for words already split."""
        if not words:
            return [], []
        enc = self.backend.encode(words, is_pretokenized=True, add_special_tokens=False)
        return enc.ids, [w if w is not None else -1 for w in enc.word_ids]
