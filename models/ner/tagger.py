"""NER inference over whole articles with exact character offsets.

Text is split into words by a regex over the original string (punctuation apart), the
words are sub-tokenised, cut into overlapping windows that fit the model, and each
sub-token keeps the prediction of the window where it sits most centrally. Labels are
decided per word (first sub-token), so spans never cut through a word.
"""

from __future__ import annotations

import json
import re
import warnings
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from opwatch.models.ner.shapes import word_shape
from opwatch.models.ner.windows import (
    WINDOW_OVERLAP,
    _sentence_starts,
    _softmax,
    _viterbi,
    _windows,
)
from opwatch.models.ner.wordpieces import WordPieces

SHIPPED_DIR = Path(__file__).resolve().parent / "weights"
BACKENDS = ("torch", "int8", "onnx")
# Windows encoded per forward pass. Measured on 2 cores (400 synthetic articles): 8 is as
# fast as 32 on torch and 9% faster on ONNX Runtime, and the extraction's memory on top of
# the loaded model is 150 MB instead of 350 MB (torch) and 90 instead of 240 (onnx): big
# short-lived activation buffers fragment the heap and grow the arena.
WINDOWS_PER_BATCH = 8
# Dotted abbreviations and initials (U.S., e.g., J.), words with inner . & - or
# apostrophes (but not a trailing possessive 's), the possessive itself, or any other
# single character. Close to CoNLL-2003's own tokenisation.
WORD_RE = re.compile(
    r"(?:[^\W\d_]\.){2,}|[A-ZÀ-Þ]\.|\w+(?:[.&-]\w+|['’](?!s\b)\w+)*|['’]s\b|[^\w\s]"
)
_TYPE_ALIASES = {
    "PER": "PER",
    "PERSON": "PER",
    "ORG": "ORG",
    "ORGANIZATION": "ORG",
    "ORGANISATION": "ORG",
    "LOC": "LOC",
    "LOCATION": "LOC",
    "GPE": "LOC",
    "MISC": "MISC",
    "MISCELLANEOUS": "MISC",
}


class NerModelError(RuntimeError):
    """The NER model cannot be found or loaded (see OPWATCH_NER_MODEL / _BACKEND)."""


@dataclass(frozen=True)
class NerSpan:
    label: str  # PER | ORG | LOC | MISC
    start: int
    end: int
    text: str
    score: float


@dataclass
class Analysis:
    """One article after the shared encoder's pass: entity spans plus the token states
    (one row per sub-token, from the window where it sits most centrally) that the
    figure-role head reads. ``states`` is None when the model has no role head."""

    spans: list[NerSpan]
    words: list[tuple[int, int]]
    word_of: list[int]  # word index of each sub-token
    states: Any  # numpy float32 (n_subtokens, hidden), or None
    model: Any = None  # the shared model whose role head reads `states`
    # the same sub-tokens' states from the window where each sits second most centrally
    # (windows overlap by half, so most sub-tokens are read twice); the role head
    # averages its probabilities over both readings. None when not kept.
    alt_states: Any = None

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        """First and last sub-token of the words overlapping text[start:end]
        (binary search: words and their sub-tokens are in text order)."""
        lo = bisect_right(self.words, start, key=lambda w: w[1])  # first word ending after
        hi = bisect_left(self.words, end, key=lambda w: w[0])  # first word starting at/after end
        if lo >= hi:
            return None
        first = bisect_left(self.word_of, lo, key=lambda w: w if w >= 0 else -1)
        last = bisect_right(self.word_of, hi - 1, key=lambda w: w if w >= 0 else -1) - 1
        return (first, last) if first <= last else None


def split_words(text: str) -> list[tuple[int, int]]:
    """Character (start, end) of each word; punctuation marks are words of their own."""
    return [m.span() for m in WORD_RE.finditer(text)]


def _normalise_label(label: str) -> tuple[str, str]:
    """('B'|'I'|'O', TYPE) for IOB2, IOB1 or plain labels; unknown types become O."""
    prefix, sep, typ = label.partition("-")
    if not sep or prefix.upper() not in ("B", "I", "E", "S", "L", "U"):
        prefix, typ = "I", label  # plain label: neighbours of one type join
    typ = _TYPE_ALIASES.get(typ.upper(), "")
    if not typ:
        return "O", ""
    return ("B" if prefix.upper() in ("B", "S", "U") else "I"), typ


class NerTagger:
    """Load once, then call :meth:`tag` on any number of texts of any length."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        labels: list[str],
        *,
        cased: bool,
        window: int,
        backend: str,
        source: str,
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer  # a transformers fast tokenizer, or WordPieces
        self.pieces = (
            tokenizer
            if isinstance(tokenizer, WordPieces)
            else WordPieces.from_transformers(tokenizer)
        )
        self.labels = labels
        self.cased = cased  # opwatch casing model (takes shape ids)
        self.window = window  # sub-tokens per window, specials included
        self.backend = backend
        self.source = source
        self.batch_size = WINDOWS_PER_BATCH
        self.overlap = WINDOW_OVERLAP  # share of a window the next one sees again
        self._norm = [_normalise_label(lab) for lab in labels]
        self._constrained = cased  # our model is IOB2: decode under IOB2 constraints

    # ---------------------------------------------------------------- loading
    @classmethod
    def load(
        cls, name_or_path: str | None = None, backend: str = "torch", threads: int = 0
    ) -> NerTagger:
        """`threads`: intra-op threads of the onnx backend (0: every core available)."""
        if backend not in BACKENDS:
            raise NerModelError(
                f"unknown NER backend {backend!r}: set OPWATCH_NER_BACKEND "
                f"to one of {', '.join(BACKENDS)}"
            )
        source = str(name_or_path) if name_or_path else str(SHIPPED_DIR)
        path = Path(source).expanduser()
        looks_local = path.exists() or source.startswith((".", "/", "~")) or name_or_path is None
        if looks_local and not path.is_dir():
            raise NerModelError(
                f"NER model directory not found: {source}; set "
                "OPWATCH_NER_MODEL to a model directory or a hub id"
            )
        if backend == "onnx":  # tokenizers + onnxruntime + numpy: no torch, no transformers
            return cls._load_onnx(path, source, name_or_path is None, threads)
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer
        from transformers.utils import logging as hf_logging

        # Articles are windowed here, so the tokenizer's length warning is noise, and
        # so are the per-load progress bars in a pipeline's output.
        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        try:
            if (path / "opwatch_ner.json").is_file():
                from opwatch.models.ner.modeling import CasedBertTokenClassifier

                marker = json.loads((path / "opwatch_ner.json").read_text())
                model = CasedBertTokenClassifier.load(path)
                tok = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
                labels = list(marker["labels"])
                cased, window = True, int(marker.get("max_length", 128))
            else:
                kw = {"local_files_only": True} if looks_local else {}
                ref = str(path) if looks_local else source
                model = AutoModelForTokenClassification.from_pretrained(ref, **kw).eval()
                tok = AutoTokenizer.from_pretrained(ref, **kw)
                n = model.config.num_labels
                labels = [model.config.id2label[i] for i in range(n)]
                limit = min(getattr(model.config, "max_position_embeddings", 512), 512)
                cased, window = False, min(256, limit)
        except NerModelError:
            raise
        except Exception as exc:  # any load failure is reported as a setting problem
            raise NerModelError(
                f"cannot load NER model {source!r} ({exc.__class__.__name__}: "
                f"{str(exc)[:300]}); set OPWATCH_NER_MODEL to a valid "
                "token-classification model directory or hub id"
            ) from exc
        if not getattr(tok, "is_fast", False):
            raise NerModelError(
                f"NER model {source!r} has no fast tokenizer; set "
                "OPWATCH_NER_MODEL to a model that ships tokenizer.json"
            )
        if backend == "int8":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = torch.ao.quantization.quantize_dynamic(
                    model, {torch.nn.Linear}, dtype=torch.qint8
                )
        return cls(
            model.eval(), tok, labels, cased=cased, window=window, backend=backend, source=source
        )

    @classmethod
    def _load_onnx(cls, path: Path, source: str, shipped: bool, threads: int) -> NerTagger:
        from opwatch.models.ner.onnx_backend import ENCODER_FILE, OnnxSharedModel, onnx_dir

        files = onnx_dir(path, shipped)
        if not (path / "opwatch_ner.json").is_file() or not (files / ENCODER_FILE).is_file():
            raise NerModelError(
                f"no ONNX export of {source!r} in {files}: run `make export-onnx` "
                "(opwatch models only), or set OPWATCH_NER_BACKEND=torch"
            )
        try:
            marker = json.loads((path / "opwatch_ner.json").read_text())
            model = OnnxSharedModel(path, files, threads)
            tok = WordPieces.from_dir(path)
        except ImportError as exc:
            raise NerModelError(
                f"the onnx backend needs onnxruntime ({exc}); install it or set "
                "OPWATCH_NER_BACKEND=torch"
            ) from exc
        except Exception as exc:
            raise NerModelError(
                f"cannot load the ONNX model in {files} ({exc.__class__.__name__}: "
                f"{str(exc)[:300]}); rebuild it with `make export-onnx`"
            ) from exc
        window = int(marker.get("max_length", 128))
        labels = list(marker["labels"])
        return cls(model, tok, labels, cased=True, window=window, backend="onnx", source=source)

    @property
    def role_labels(self) -> list[str] | None:
        """Labels of the shared figure-role head, or None when this model has none."""
        head = getattr(self.model, "role_head", None)
        return list(self.model.config.role_labels) if head is not None else None

    # -------------------------------------------------------------- inference
    def tag(self, texts: list[str]) -> list[list[NerSpan]]:
        """Entity spans for each text, with exact character offsets into it."""
        return [a.spans for a in self.analyse(texts)]

    def analyse(self, texts: list[str]) -> list[Analysis]:
        """One encoder pass per window: entity spans and token states for each text."""
        docs = [self.prepare(t) for t in texts]
        windows = [(d, s, e) for d, doc in enumerate(docs) for s, e in doc["windows"]]
        self._run(docs, windows)
        out = []
        with_roles = self.role_labels is not None
        for text, doc in zip(texts, docs, strict=True):
            states = doc["states"] if with_roles and len(doc["ids"]) else None
            alt = None
            if states is not None:  # a sub-token read in one window only: its one state
                alt = np.where((doc["alt_centrality"] >= 0)[:, None], doc["alt"], states)
            spans = self._decode(text, doc)
            model = self.model if states is not None else None
            out.append(Analysis(spans, doc["words"], doc["word_of"], states, model, alt))
        return out

    def prepare(self, text: str) -> dict[str, Any]:
        """Words, sub-tokens, shapes and windows of one text (also what training windows)."""
        words = split_words(text)
        strings = [text[s:e] for s, e in words]
        ids, word_of = self.pieces.encode_words(strings)
        word_shapes = [word_shape(w) for w in strings]
        shapes = [word_shapes[w] if w >= 0 else 0 for w in word_of]
        starts = _sentence_starts(text, words, word_of)
        spans = _windows(len(ids), starts, self.window - 2, self.overlap)
        return {
            "words": words,
            "ids": ids,
            "word_of": word_of,
            "shapes": shapes,
            "windows": spans,
            "probs": None,  # float32 (n, labels), filled by _run
            "states": None,  # float32 (n, hidden), filled by _run when there are states
            "centrality": np.full(len(ids), -1, dtype=np.int64),
            "alt": None,  # float32 (n, hidden): states from the second most central window
            "alt_centrality": np.full(len(ids), -1, dtype=np.int64),
        }

    def _run(self, docs: list[dict[str, Any]], windows: list[tuple[int, int, int]]) -> None:
        """Encode the windows in batches of similar length; each sub-token keeps the
        outputs of the window where it sits most centrally."""
        pieces = self.pieces
        windows = sorted(windows, key=lambda w: w[2] - w[1])
        arrays = {
            d: (np.asarray(docs[d]["ids"]), np.asarray(docs[d]["shapes"])) for d, _, _ in windows
        }
        for i in range(0, len(windows), self.batch_size):
            batch = windows[i : i + self.batch_size]
            width = max(e - s for _, s, e in batch) + 2
            ids = np.full((len(batch), width), pieces.pad_id, dtype=np.int64)
            shapes = np.zeros_like(ids)
            mask = np.zeros_like(ids)
            for row, (d, s, e) in enumerate(batch):
                n = e - s
                ids[row, 0], ids[row, n + 1] = pieces.cls_id, pieces.sep_id
                ids[row, 1 : n + 1] = arrays[d][0][s:e]
                shapes[row, 1 : n + 1] = arrays[d][1][s:e]
                mask[row, : n + 2] = 1
            hidden, logits = self._forward(ids, mask, shapes)
            probs = _softmax(logits)
            for row, (d, s, e) in enumerate(batch):
                doc, n = docs[d], e - s
                if doc["probs"] is None:
                    doc["probs"] = np.zeros((len(doc["ids"]), probs.shape[-1]), np.float32)
                    if hidden is not None:
                        doc["states"] = np.zeros((len(doc["ids"]), hidden.shape[-1]), np.float32)
                        doc["alt"] = np.zeros_like(doc["states"])
                k = np.arange(n)
                central = np.minimum(k, n - 1 - k)
                current = doc["centrality"][s:e].copy()
                better = np.flatnonzero(central > current)
                second = np.flatnonzero(
                    (central <= current) & (central > doc["alt_centrality"][s:e])
                )
                doc["centrality"][s + better] = central[better]
                doc["probs"][s + better] = probs[row, better + 1]
                if hidden is not None:
                    # the window read so far becomes the second reading
                    doc["alt"][s + better] = doc["states"][s + better]
                    doc["alt_centrality"][s + better] = current[better]
                    doc["states"][s + better] = hidden[row, better + 1]
                    doc["alt"][s + second] = hidden[row, second + 1]
                    doc["alt_centrality"][s + second] = central[second]

    def _forward(self, ids: Any, mask: Any, shapes: Any) -> tuple[Any, Any]:
        """(token states or None, NER logits) as numpy arrays for a batch of windows
        (int64 numpy arrays in)."""
        if self.backend == "onnx":
            return self.model.encode_and_tag(ids, mask, shapes)
        import torch

        ids, mask, shapes = (torch.from_numpy(a) for a in (ids, mask, shapes))
        with torch.inference_mode():
            if self.cased:
                hidden = self.model.encode(ids, mask, shapes)
                return hidden.numpy(), self.model.ner_logits(hidden, shapes).numpy()
            kwargs = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in getattr(self.tokenizer, "model_input_names", []):
                kwargs["token_type_ids"] = ids.new_zeros(ids.shape)
            return None, self.model(**kwargs).logits.numpy()

    def _decode(self, text: str, doc: dict[str, Any]) -> list[NerSpan]:
        words = doc["words"]
        first: dict[int, int] = {}
        for p, w in enumerate(doc["word_of"]):
            if w >= 0 and w not in first:
                first[w] = p
        if not first:
            return []
        order = sorted(first)
        probs = doc["probs"][[first[w] for w in order]]
        if self._constrained:
            best = _viterbi(np.log(np.maximum(probs, 1e-9)), self._transition_mask())
        else:
            best = probs.argmax(-1).tolist()
        tags = ["O"] * len(words)
        conf = [0.0] * len(words)
        for j, w in enumerate(order):
            prefix, typ = self._norm[best[j]]
            tags[w] = "O" if prefix == "O" else f"{prefix}-{typ}"
            conf[w] = float(probs[j, best[j]])
        return self._spans(text, words, tags, conf)

    @staticmethod
    def _spans(
        text: str, words: list[tuple[int, int]], tags: list[str], conf: list[float]
    ) -> list[NerSpan]:
        out: list[NerSpan] = []
        cur: list[int] = []
        cur_type = ""
        for i, tag in enumerate(tags + ["O"]):
            prefix, _, typ = tag.partition("-")
            if cur and (prefix in ("O", "B") or typ != cur_type):
                # quotes or brackets at a span's edge are not part of the name
                while cur and not any(c.isalnum() for c in text[slice(*words[cur[-1]])]):
                    cur.pop()
                while cur and not any(c.isalnum() for c in text[slice(*words[cur[0]])]):
                    cur.pop(0)
                if cur:
                    s, e = words[cur[0]][0], words[cur[-1]][1]
                    score = sum(conf[k] for k in cur) / len(cur)
                    out.append(NerSpan(cur_type, s, e, text[s:e], round(score, 4)))
                cur, cur_type = [], ""
            if prefix in ("B", "I"):
                cur.append(i)
                cur_type = typ
        return out

    def _transition_mask(self) -> tuple[Any, Any]:
        """(allowed previous x current labels, allowed first labels) under IOB2."""
        n = len(self.labels)
        ok = np.ones((n, n), dtype=bool)
        for i, (pi, ti) in enumerate(self._norm):
            for j, (pj, tj) in enumerate(self._norm):
                if pj == "I" and (pi == "O" or ti != tj):
                    ok[i, j] = False
        start = np.array([p != "I" for p, _ in self._norm])
        return ok, start


@lru_cache(maxsize=4)
def get_tagger(
    name_or_path: str | None = None, backend: str = "torch", threads: int = 0
) -> NerTagger:
    """Process-wide cached tagger. None means the shipped weights; callers pass the values
    of opwatch.settings (OPWATCH_NER_MODEL / _BACKEND / _THREADS), read in one place."""
    return NerTagger.load(name_or_path, backend, threads)
