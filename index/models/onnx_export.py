"""Build ONNX versions of the converted e5 model: fp32, ORT-fused, and int8 per-channel.

The graph takes ``input_ids`` and ``attention_mask`` (int64, [batch, length]) and returns
``mean`` (float32, [batch, 384]): the attention-masked mean of the last hidden states,
*before* L2 normalisation, so that the embedder can average long texts' windows
token-weighted exactly as ``E5Embedder`` does.

Variants, each one file in ``models_dir / "e5-small-onnx"``:

| variant | file | how |
|---|---|---|
| ``fp32`` | ``model-fp32.onnx`` | ``torch.onnx.export`` (TorchScript exporter, opset 17) |
| ``fused`` | ``model-fused.onnx`` | onnxruntime's BERT optimiser (Attention, EmbedLayerNorm), then its two slow fusions undone (``unfuse``) |
| ``int8`` | ``model-int8.onnx`` | ``quantize_dynamic`` of the fused graph, weights int8 per channel |
| ``int8-smooth`` | ``model-int8-smooth.onnx`` | the fused graph smoothed (``smoothquant``), then ``quantize_dynamic`` per channel: 8-bit weights on a VNNI CPU, 7-bit (``reduce_range``) elsewhere (``index.models.cpu``) |

``ensure_onnx`` builds what is missing once (torch is needed only then), writing each file
under a temporary name and renaming it into place, so a killed build leaves nothing half made.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from core.errors import EmbeddingError

FOLDER_NAME = "e5-small-onnx"
# Bump when a file's recipe changes, so that old builds are rebuilt.
# 2: SkipLayerNormalization and BiasGelu split again (``unfuse``), ~1.2x faster int8.
EXPORT_VERSION = 2
OPSET = 17
VARIANTS = ("fp32", "fused", "int8", "int8-smooth")
FILES = {v: f"model-{v}.onnx" for v in VARIANTS}
# int8: weights of these op types are quantised; Gather (the 250k-row word table) stays
# fp32 - quantising it saves disk, not time, and adds error to every token.
INT8_OP_TYPES = ["MatMul", "Attention"]


def export_fp32(converted_dir: Path, dest: Path) -> None:
    """Export the BertModel in ``converted_dir`` plus masked mean pooling to ``dest``."""
    import torch
    from transformers import BertModel

    model = BertModel.from_pretrained(
        str(converted_dir), add_pooling_layer=False, attn_implementation="eager"
    ).eval()

    class MeanPooled(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    ids = torch.tensor([[0, 1000, 2000, 2], [0, 3000, 2, 1]], dtype=torch.long)
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]], dtype=torch.long)
    axes = {0: "batch", 1: "length"}
    with torch.inference_mode():
        torch.onnx.export(
            MeanPooled(model),
            (ids, mask),
            str(dest),
            input_names=["input_ids", "attention_mask"],
            output_names=["mean"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "mean": {0: "batch"}},
            opset_version=OPSET,
            dynamo=False,
        )


def fuse(
    src: Path, dest: Path, *, heads: int = 12, hidden: int = 384, attention: bool = True
) -> None:
    """onnxruntime's offline BERT fusions (no hardware-specific kernels baked in), less the two
    whose CPU kernels are slower than the plain ops (``unfuse.split``).

    ``attention=False`` leaves the Q/K/V projections as plain MatMuls (for weight-only
    quantisers, which only rewrite MatMul nodes).
    """
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    from index.models import unfuse

    options = FusionOptions("bert")
    options.enable_attention = attention
    optimized = optimize_model(
        str(src), model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=1,
        optimization_options=options,
    )  # fmt: skip
    unfuse.split(optimized.model)
    optimized.save_model_to_file(str(dest))


def quantize_int8(
    src: Path, dest: Path, *, per_channel: bool = True, reduce_range: bool = False
) -> None:
    """Dynamic int8 quantisation: weights per output channel, activations per tensor at run time.

    ``per_channel=False`` (one scale per weight matrix) is only for the benchmark's comparison.
    ``reduce_range`` keeps weights to 7 bits: on CPUs without VNNI, onnxruntime multiplies
    u8 x s8 with ``vpmaddubsw``, whose 16-bit pair sums saturate with full 8-bit weights.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(src),
        str(dest),
        per_channel=per_channel,
        reduce_range=reduce_range,
        weight_type=QuantType.QInt8,
        op_types_to_quantize=INT8_OP_TYPES,
        # the fused graph's contrib ops have no type inference; without this the
        # quantiser cannot tell their outputs are float
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )


def quantize_q4(src: Path, dest: Path) -> None:
    """Weight-only 4-bit blocks of 32 (MatMulNBits, int8 activations per block at run time).

    The source weights *are* Q4_0 blocks of 32, so this is nearly lossless (cosine 0.9999);
    needs the ``onnx_ir`` package. Measured in the benchmark, not a default variant.
    """
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    quantizer = MatMulNBitsQuantizer(
        str(src), bits=4, block_size=32, is_symmetric=True, accuracy_level=4
    )
    quantizer.process()
    quantizer.model.save_model_to_file(str(dest))


def _stamp(converted_dir: Path) -> dict:
    try:
        conversion = json.loads((converted_dir / "conversion.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        conversion = None
    from index.models import smoothquant

    try:
        stats = hashlib.sha256(smoothquant.STATS_FILE.read_bytes()).hexdigest()[:16]
    except OSError:
        stats = None
    from index.models.cpu import int8_weight_bits

    return {
        "export_version": EXPORT_VERSION,
        "opset": OPSET,
        "conversion": conversion,
        "smoothquant": {"alpha": smoothquant.ALPHA, "stats_sha256": stats},
        # built for this CPU class: moved to another, the int8 graph is rebuilt (the index,
        # whose vectors stay within cosine 0.995 of fp32 either way, is not)
        "int8_weight_bits": int8_weight_bits(),
    }


def ensure_onnx(models_dir: Path, variant: str = "int8") -> Path:
    """The ``variant`` ONNX file under ``models_dir / "e5-small-onnx"``, built first if needed.

    Also makes sure the converted model (``e5_convert.ensure_converted``) exists, and copies
    its ``tokenizer.json`` beside the ONNX files.
    """
    if variant not in VARIANTS:
        raise EmbeddingError(
            f"unknown ONNX variant {variant!r}; choose one of: {', '.join(VARIANTS)}"
        )
    from index.models.e5_convert import ensure_converted

    models_dir = Path(models_dir)
    converted = ensure_converted(models_dir)
    folder = models_dir / FOLDER_NAME
    stamp = _stamp(converted)
    stamp_path = folder / "export.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if _read_json(stamp_path) != stamp:  # new or stale: start the folder over
            # (every graph, the benchmarks' extra ones too: they are made from these; not
            # the hidden files another process is building)
            graphs = [p for p in folder.glob("*.onnx") if not p.name.startswith(".")]
            for path in [*graphs, folder / "tokenizer.json", stamp_path]:
                path.unlink(missing_ok=True)
        if not (folder / "tokenizer.json").is_file():
            _atomic(folder / "tokenizer.json", lambda p: p.write_bytes(
                (converted / "tokenizer.json").read_bytes()))  # fmt: skip
        target = folder / FILES[variant]
        if not target.is_file():
            with tempfile.TemporaryDirectory(prefix=".e5-onnx-work-", dir=folder) as work:
                _atomic(target, lambda p: _build(variant, p, converted, folder, Path(work)))
        if _read_json(stamp_path) != stamp:
            _atomic(stamp_path, lambda p: p.write_text(json.dumps(stamp, indent=2) + "\n"))
    except OSError as exc:
        raise EmbeddingError(f"{folder}: cannot build the ONNX e5 model ({exc})") from exc
    return target


def _build(variant: str, dest: Path, converted: Path, folder: Path, work: Path) -> Path:
    """Write ``variant`` to ``dest``; the steps before it come from ``folder`` if already
    built there, otherwise they are made in ``work`` and thrown away (int8 alone keeps
    ~400 MB on disk instead of ~1.3 GB)."""
    if variant == "fp32":
        export_fp32(converted, dest)
        return dest
    before = "fp32" if variant == "fused" else "fused"
    src = folder / FILES[before]
    if not src.is_file():
        src = _build(before, work / FILES[before], converted, folder, work)
    if variant == "fused":
        fuse(src, dest)
    elif variant == "int8":
        quantize_int8(src, dest)
    else:
        from index.models import smoothquant

        smoothed = work / "model-smoothed.onnx"
        from index.models.cpu import int8_weight_bits

        smoothquant.smooth(src, smoothed, smoothquant.load_stats())
        quantize_int8(smoothed, dest, reduce_range=int8_weight_bits() == 7)
        smoothed.unlink()
    return dest


def _atomic(target: Path, build) -> None:
    """Run ``build(tmp)`` on a temporary path beside ``target``, then rename it into place."""
    fd, name = tempfile.mkstemp(
        prefix=f".{target.stem}.building-", suffix=target.suffix, dir=target.parent
    )
    os.close(fd)
    tmp = Path(name)
    try:
        build(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it owner-only
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        # quantize_dynamic / optimize_model may leave side files next to the temporary one
        for side in target.parent.glob(f"{tmp.stem}*"):
            side.unlink(missing_ok=True)


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
