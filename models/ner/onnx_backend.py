"""The shared model on ONNX Runtime, int8: export, quantise, load and run.

`make export-onnx` (``python -m opwatch.models.ner.onnx_backend``) exports two graphs from the
torch model (fp32, the reference): the encoder with the NER head (ids, mask, shapes ->
token states, NER logits; batch and sequence axes dynamic) and the figure-role head
(number states, aux -> role logits). After ONNX Runtime's BERT graph fusions, both are
quantised to int8 weights with its dynamic quantisation (per channel; matrix products
and the fused attention; embeddings stay fp32). The legacy TorchScript exporter is used
(``dynamo=False``): torch 2.13's default dynamo exporter needs onnxscript and takes
``dynamic_shapes`` rather than ``dynamic_axes``.

At run time (``OPWATCH_NER_BACKEND=onnx``) only the tokenizer (the `tokenizers`
library), the config (plain JSON) and the two ONNX sessions are loaded: numpy does the
small array work around them, and neither torch nor transformers is imported.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

SHIPPED_ONNX_DIR = Path(__file__).resolve().parent / "onnx"
ENCODER_FILE = "encoder_ner.int8.onnx"
# the role head (0.3M parameters, a small share of the time) stays fp32: int8 cost it
# accuracy for no measurable speed
ROLE_FILE = "role_head.fp32.onnx"
OPSET = 17
# Fused-graph nodes kept fp32: the attention blocks (QKV projections). All-int8 cost 1.8
# points of real-dev figures F1 against torch; this keeps 0.4 for about 13% more time.
FP32_PARTS: tuple[str, ...] = ("Attention_",)


def onnx_dir(model_dir: Path, shipped: bool) -> Path:
    """Where the ONNX files of a model directory live (built by `make export-onnx`)."""
    return SHIPPED_ONNX_DIR if shipped else model_dir / "onnx"


def default_threads() -> int:
    """Intra-op threads: OMP_NUM_THREADS when set (Dask's nannies set it to 1 for each
    worker process, as torch reads it), else the cores this process may run on."""
    omp = os.environ.get("OMP_NUM_THREADS", "")
    if omp.isdigit() and int(omp) > 0:
        return int(omp)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class _EncoderNer:
    """torch module with the exported signature: (ids, mask, shapes) -> (states, logits)."""

    def __new__(cls, model: Any) -> Any:
        import torch

        class Wrapped(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.model = model

            def forward(self, ids: Any, mask: Any, shapes: Any) -> tuple[Any, Any]:
                hidden = self.model.encode(ids, mask, shapes)
                return hidden, self.model.ner_logits(hidden, shapes)

        return Wrapped().eval()


def export(
    model_dir: Path,
    out_dir: Path,
    per_channel: bool = True,
    fp32_parts: tuple[str, ...] = FP32_PARTS,
) -> list[Path]:
    """Export and int8-quantise the model in `model_dir` into `out_dir`; graph nodes whose
    name contains one of `fp32_parts` (e.g. "layer.5/") keep fp32 weights."""
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from opwatch.models.ner.modeling import CasedBertTokenClassifier

    model = CasedBertTokenClassifier.load(model_dir)
    model.config._attn_implementation = "eager"  # traceable attention
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ids = torch.randint(1000, 2000, (2, 16))
        mask = torch.ones_like(ids)
        shapes = torch.ones_like(ids)
        fp32 = Path(tmp) / "encoder_ner.onnx"
        torch.onnx.export(
            _EncoderNer(model),
            (ids, mask, shapes),
            str(fp32),
            input_names=["input_ids", "attention_mask", "shape_ids"],
            output_names=["hidden", "ner_logits"],
            dynamic_axes={
                name: {0: "batch", 1: "seq"}
                for name in ("input_ids", "attention_mask", "shape_ids", "hidden", "ner_logits")
            },
            opset_version=OPSET,
            dynamo=False,
        )
        jobs = [(fp32, out_dir / ENCODER_FILE)]
        if model.role_head is not None:
            aux_dim = int(model.config.role_aux_dim)
            role32 = Path(tmp) / "role_head.onnx"
            torch.onnx.export(
                model.role_head.eval(),
                (torch.zeros(3, 3, model.config.hidden_size), torch.zeros(3, aux_dim)),
                str(role32),
                input_names=["states", "aux"],
                output_names=["role_logits"],
                dynamic_axes={"states": {0: "n"}, "aux": {0: "n"}, "role_logits": {0: "n"}},
                opset_version=OPSET,
                dynamo=False,
            )
            shutil.copyfile(role32, out_dir / ROLE_FILE)
            written.append(out_dir / ROLE_FILE)
        jobs[0] = (_fuse_bert(fp32, model.config), jobs[0][1])
        for src, dst in jobs:
            graph = onnx.load(str(src), load_external_data=False).graph
            keep = [n.name for n in graph.node if any(p in n.name for p in fp32_parts)]
            quantize_dynamic(
                str(src),
                str(dst),
                weight_type=QuantType.QInt8,
                per_channel=per_channel,  # closer to fp32 than one scale per tensor
                op_types_to_quantize=["MatMul", "Attention"],  # embeddings stay fp32
                nodes_to_exclude=keep,
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
            )
            written.append(dst)
    return written


def _fuse_bert(path: Path, config: Any) -> Path:
    """ONNX Runtime's BERT graph fusions (attention, skip layer norm, bias GELU): about
    1.3x faster once quantised, with the same outputs."""
    from onnxruntime.transformers import optimizer

    fused = optimizer.optimize_model(
        str(path),
        model_type="bert",
        num_heads=config.num_attention_heads,
        hidden_size=config.hidden_size,
    )
    out = path.with_name(path.stem + ".fused.onnx")
    fused.save_model_to_file(str(out))
    return out


class OnnxSharedModel:
    """The shared model on ONNX Runtime, with the attributes the tagger and the role
    classifier read from the torch model (`config`, `role_head`, `encode_and_tag`)."""

    def __init__(self, model_dir: Path, files_dir: Path, threads: int = 0) -> None:
        import onnxruntime as ort

        # the fields read at run time (hidden_size, role_labels, role_temperature...)
        self.config = SimpleNamespace(**json.loads((model_dir / "config.json").read_text()))
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or default_threads()
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        providers = ["CPUExecutionProvider"]
        self.encoder = ort.InferenceSession(
            str(files_dir / ENCODER_FILE), options, providers=providers
        )
        self.role_head = None
        if getattr(self.config, "role_labels", None) and (files_dir / ROLE_FILE).is_file():
            session = ort.InferenceSession(str(files_dir / ROLE_FILE), options, providers=providers)
            self.role_head = OnnxRoleHead(session)

    def encode_and_tag(self, ids: Any, mask: Any, shapes: Any) -> tuple[Any, Any]:
        """(token states, NER logits) as numpy arrays for a batch of windows (int64
        numpy arrays of ids, attention mask and word shapes)."""
        hidden, logits = self.encoder.run(
            None, {"input_ids": ids, "attention_mask": mask, "shape_ids": shapes}
        )
        return hidden, logits

    def eval(self) -> OnnxSharedModel:
        return self


class OnnxRoleHead:
    """The role head on ONNX Runtime: numpy (n, 3, hidden) states and (n, aux) features
    in, numpy logits out."""

    takes_numpy = True

    def __init__(self, session: Any) -> None:
        self.session = session

    def __call__(self, states: Any, aux: Any) -> Any:
        import numpy as np

        feed = {"states": np.asarray(states, np.float32), "aux": np.asarray(aux, np.float32)}
        (logits,) = self.session.run(None, feed)
        return logits


def main() -> None:
    from opwatch.models.ner.tagger import SHIPPED_DIR

    parser = argparse.ArgumentParser(description="Export the shared model to int8 ONNX.")
    parser.add_argument("--model", type=Path, default=SHIPPED_DIR)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--fp32", nargs="*", default=list(FP32_PARTS), help="graph node name parts kept fp32"
    )
    args = parser.parse_args()
    shipped = args.model.resolve() == SHIPPED_DIR.resolve()
    out = args.out or onnx_dir(args.model, shipped)
    if out.exists():
        shutil.rmtree(out)
    for path in export(args.model, out, fp32_parts=tuple(args.fp32)):
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
