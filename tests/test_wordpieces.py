"""The onnx backend's tokenizer (the `tokenizers` library on the shipped tokenizer.json)
splits words exactly as the transformers tokenizer of the torch backends does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from opwatch.models.ner.tagger import SHIPPED_DIR, split_words
from opwatch.models.ner.wordpieces import WordPieces

TEXTS = [
    "Officers in Zürich and São Paulo seized 3,400 files; the suspect's phone was wiped.",
    "The NCA's unit (CEOP) said: 'twelve-year-old victims were safeguarded' on 4 May.",
    "Ünïcødé wörds, e-mail addresses like x@y.org, and ½ or 10% too",
    "",
]


def test_same_ids_and_word_indices_as_transformers() -> None:
    from transformers import AutoTokenizer

    reference = AutoTokenizer.from_pretrained(str(SHIPPED_DIR), local_files_only=True)
    pieces = WordPieces.from_dir(SHIPPED_DIR)
    assert (pieces.cls_id, pieces.sep_id, pieces.pad_id) == (
        reference.cls_token_id,
        reference.sep_token_id,
        reference.pad_token_id,
    )
    for text in TEXTS:
        words = [text[s:e] for s, e in split_words(text)]
        ids, word_of = pieces.encode_words(words)
        if not words:
            assert (ids, word_of) == ([], [])
            continue
        enc = reference(words, is_split_into_words=True, add_special_tokens=False)
        assert ids == list(enc["input_ids"])
        assert word_of == [w if w is not None else -1 for w in enc.word_ids()]
        assert len(ids) > len(words) // 2


def test_a_missing_special_token_is_a_clear_error(tmp_path: Path) -> None:
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (tmp_path / name).write_bytes((SHIPPED_DIR / name).read_bytes())
    config = json.loads((tmp_path / "tokenizer_config.json").read_text())
    config["cls_token"] = "[NOT-A-TOKEN]"
    (tmp_path / "tokenizer_config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="cls_token"):
        WordPieces.from_dir(tmp_path)
