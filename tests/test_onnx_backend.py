"""The int8 ONNX Runtime backend gives what the torch fp32 reference gives.

Uses the export that `make install` / `make export-onnx` builds (models/ner/onnx), or
exports into a temporary folder when it is absent. Skipped without onnxruntime.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("onnxruntime", reason="the onnx backend needs onnxruntime")
pytest.importorskip("onnx", reason="exporting needs the onnx package")

import numpy as np  # noqa: E402

from opwatch.models.ner.onnx_backend import ENCODER_FILE, SHIPPED_ONNX_DIR, OnnxSharedModel, export  # noqa: E402
from opwatch.models.ner.tagger import SHIPPED_DIR, NerTagger, get_tagger  # noqa: E402

SENTENCES = [
    "Police in Spain arrested 14 men after a joint operation with Europol, officers said.",
    "The National Crime Agency said 9 children were safeguarded and 3 websites were closed.",
    "Judge Maria Keller sentenced the 41-year-old man from Leeds to six years in prison.",
]


@pytest.fixture(scope="module")
def onnx_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if (SHIPPED_ONNX_DIR / ENCODER_FILE).is_file():
        return SHIPPED_ONNX_DIR
    out = tmp_path_factory.mktemp("onnx")
    export(SHIPPED_DIR, out)
    return out


@pytest.fixture(scope="module")
def taggers(onnx_files: Path) -> tuple[NerTagger, NerTagger]:
    reference = get_tagger(None, "torch")
    model = OnnxSharedModel(SHIPPED_DIR, onnx_files, threads=1)
    onnx = NerTagger(
        model,
        reference.tokenizer,
        reference.labels,
        cased=True,
        window=reference.window,
        backend="onnx",
        source=str(SHIPPED_DIR),
    )
    return reference, onnx


def test_token_states_and_ner_logits_are_close(taggers: tuple[NerTagger, NerTagger]) -> None:
    reference, onnx = taggers
    docs = [reference.prepare(s) for s in SENTENCES]
    width = max(len(d["ids"]) for d in docs) + 2
    ids = np.zeros((len(docs), width), dtype=np.int64)
    shapes, mask = np.zeros_like(ids), np.zeros_like(ids)
    for row, doc in enumerate(docs):
        n = len(doc["ids"])
        ids[row, 0], ids[row, n + 1] = reference.pieces.cls_id, reference.pieces.sep_id
        ids[row, 1 : n + 1] = doc["ids"]
        shapes[row, 1 : n + 1] = doc["shapes"]
        mask[row, : n + 2] = 1
    ref_states, ref_logits = reference._forward(ids, mask, shapes)
    states, logits = onnx._forward(ids, mask, shapes)
    real = mask.astype(bool)
    a, b = states[real], ref_states[real]
    cosine = (a * b).sum(-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))
    assert float(cosine.mean()) > 0.97
    agree = (logits[real].argmax(-1) == ref_logits[real].argmax(-1)).mean()
    assert float(agree) > 0.95


def test_same_entities_and_figure_roles(taggers: tuple[NerTagger, NerTagger]) -> None:
    from opwatch.models.figures.extract import extract_figures

    reference, onnx = taggers
    same_spans, n_spans = 0, 0
    for text, ref, got in zip(
        SENTENCES, reference.analyse(SENTENCES), onnx.analyse(SENTENCES), strict=True
    ):
        want = {(s.label, s.text) for s in ref.spans}
        same_spans += len(want & {(s.label, s.text) for s in got.spans})
        n_spans += len(want)
        ref_roles = [(f.text, f.role) for f in extract_figures(text, "t", analysis=ref)]
        got_roles = [(f.text, f.role) for f in extract_figures(text, "t", analysis=got)]
        assert got_roles == ref_roles
    # int8 weights may move a span edge (0.1 CoNLL F1 apart: models/ner/MODEL_CARD.md)
    assert same_spans >= n_spans - 1, (same_spans, n_spans)


def test_missing_export_is_a_clear_error(tmp_path: Path) -> None:
    import shutil

    from opwatch.models.ner.tagger import NerModelError

    model_dir = tmp_path / "model"
    shutil.copytree(SHIPPED_DIR, model_dir)
    with pytest.raises(NerModelError, match="make export-onnx"):
        NerTagger.load(str(model_dir), "onnx")


def test_onnx_predict_imports_neither_torch_nor_transformers(
    onnx_files: Path, tmp_path: Path
) -> None:
    """`opwatch predict` with the onnx backend: the tokenizers library, ONNX Runtime and
    numpy only (a fresh process, so nothing else has imported torch before)."""
    import os
    import subprocess
    import sys

    if onnx_files != SHIPPED_ONNX_DIR:
        pytest.skip("needs the built export in models/ner/onnx (make export-onnx)")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "one.txt").write_text(SENTENCES[0] + "\n\n" + SENTENCES[1] + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    script = (
        "import sys\n"
        "from opwatch.flows.cli import app\n"
        "try:\n"
        f"    app(['predict', {str(docs)!r}, '--out', {str(out)!r}])\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n"
    )
    env = {**os.environ, "OPWATCH_NER_BACKEND": "onnx", "OPWATCH_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
    record = out.read_text(encoding="utf-8")
    assert "Europol" in record and '"arrests"' in record


def test_threads_follow_omp_num_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    # Dask's nannies give each worker OMP_NUM_THREADS=1: two workers on two cores must
    # not start two threads each
    from opwatch.models.ner.onnx_backend import default_threads

    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert default_threads() == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "not a number")
    assert default_threads() >= 1
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert default_threads() == max(1, len(__import__("os").sched_getaffinity(0)))
