"""SmoothQuant for the fused e5 graph: move activation outliers into the weights before int8.

onnxruntime's dynamic int8 quantises each matmul's *input* with one scale per tensor. A few
channels of BERT's hidden states are far larger than the rest, so that one scale leaves the
ordinary channels only a handful of levels (cosine to fp32 falls to 0.988 on short queries).
SmoothQuant (Xiao et al., 2023) divides input channel j by ``s_j`` and multiplies row j of the
weight by ``s_j``: ``X·W`` is unchanged in exact arithmetic, but the input's range is even and
the weights, quantised per output channel, absorb the difference.

    s_j = max|X_j| ** alpha / max|W_j| ** (1 - alpha)

``max|X_j|`` comes from calibration text run through the fp32 graph. The statistics for the
default model are committed beside this module (``e5_smooth_stats.npz``, 48 vectors, from
scale-corpus articles 1000-1099 - not the articles the benchmark or evals use); regenerate with

    .venv/bin/python benchmarks/smooth_stats.py

The division is a ``Mul`` on the matmul's input edge only: the same tensor also feeds the
residual path, so it cannot be folded into the LayerNorm before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from core.errors import EmbeddingError
from index.embedders.e5 import WINDOW, WindowedE5

ALPHA = (
    0.7  # chosen on seed chunks and queries: 0.5 -> min cosine 0.992, 0.7 -> 0.998, 0.9 -> 0.996
)
STATS_FILE = Path(__file__).with_name("e5_smooth_stats.npz")
ROLES = ("qkv", "attn_out", "ffn1", "ffn2")  # the quantised weights of one layer, in graph order
_SHAPES = {"qkv": (384, 1152), "attn_out": (384, 384), "ffn1": (384, 1536), "ffn2": (1536, 384)}
LAYERS = 12


def matmul_roles(model) -> dict[str, object]:
    """``{"3.ffn2": node, ...}``: every weight-bearing Attention/MatMul of the fused graph.

    Roles follow graph (topological) order - per layer the fused QKV Attention, the attention
    output projection, FFN up, FFN down - and each weight's shape is checked, so a graph of
    another shape raises EmbeddingError instead of being smoothed wrongly.
    """
    inits = {i.name: i for i in model.graph.initializer}
    nodes = [
        n for n in model.graph.node if n.op_type in ("Attention", "MatMul") and n.input[1] in inits
    ]
    if len(nodes) != LAYERS * len(ROLES):
        raise EmbeddingError(
            f"fused e5 graph has {len(nodes)} weight matmuls, expected {LAYERS * len(ROLES)}"
        )
    roles = {}
    for k, node in enumerate(nodes):
        role = ROLES[k % len(ROLES)]
        shape = tuple(inits[node.input[1]].dims)
        if shape != _SHAPES[role] or (role == "qkv") != (node.op_type == "Attention"):
            raise EmbeddingError(
                f"fused e5 graph: {node.name} has weight {shape}, expected {role} {_SHAPES[role]}"
            )
        roles[f"{k // len(ROLES)}.{role}"] = node
    return roles


def calibrate(fused_path: Path, batches: Iterable[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Per input channel, the largest |activation| each weight matmul sees on real tokens.

    ``batches``: feeds of ``input_ids``/``attention_mask`` (padding is left out of the max).
    """
    import onnx
    import onnxruntime as ort
    from onnx import helper

    model = onnx.load(str(fused_path))
    roles = matmul_roles(model)
    tensors = {role: node.input[0] for role, node in roles.items()}
    names = sorted(set(tensors.values()))
    for name in names:
        model.graph.output.append(helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    options = ort.SessionOptions()
    # the graph's own tensors must survive: no further fusion
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    maxima: dict[str, np.ndarray] = {}
    for feed in batches:
        real = feed["attention_mask"].astype(bool)
        for name, value in zip(names, session.run(names, feed), strict=True):
            peak = np.abs(value[real]).max(axis=0)
            maxima[name] = peak if name not in maxima else np.maximum(maxima[name], peak)
    if not maxima:
        raise EmbeddingError("calibration needs at least one batch of text")
    return {role: maxima[name].astype(np.float32) for role, name in tensors.items()}


def smooth(src: Path, dest: Path, stats: dict[str, np.ndarray], alpha: float = ALPHA) -> None:
    """Write ``src`` (fused fp32) to ``dest`` with every weight matmul smoothed; fp32, same outputs."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(src))
    inits = {i.name: i for i in model.graph.initializer}
    roles = matmul_roles(model)
    missing = sorted(set(roles) - set(stats), key=_role_order)
    if missing:
        raise EmbeddingError(f"smoothing statistics lack {', '.join(missing[:3])} …")
    muls = {}
    for role, node in roles.items():
        weight = numpy_helper.to_array(inits[node.input[1]]).astype(np.float32)
        act = np.asarray(stats[role], dtype=np.float32)
        if act.shape != (weight.shape[0],):
            raise EmbeddingError(f"smoothing statistics for {role}: shape {act.shape}")
        scale = np.maximum(act, 1e-5) ** alpha / np.maximum(np.abs(weight).max(1), 1e-5) ** (
            1 - alpha
        )
        scale = np.clip(scale, 1e-2, 1e2).astype(np.float32)
        inits[node.input[1]].CopyFrom(
            numpy_helper.from_array(weight * scale[:, None], node.input[1])
        )
        inverse, smoothed = f"smooth_{role}_inverse", f"smooth_{role}_input"
        model.graph.initializer.append(numpy_helper.from_array(1.0 / scale, inverse))
        muls[id(node)] = helper.make_node(
            "Mul", [node.input[0], inverse], [smoothed], name=f"smooth_{role}"
        )
        node.input[0] = smoothed
    ordered = []
    for node in model.graph.node:
        if id(node) in muls:
            ordered.append(muls[id(node)])
        ordered.append(node)
    del model.graph.node[:]
    model.graph.node.extend(ordered)
    onnx.save(model, str(dest))


def load_stats(path: Path = STATS_FILE) -> dict[str, np.ndarray]:
    """The committed calibration maxima, ``{"0.qkv": float32[384], ...}``."""
    try:
        with np.load(path) as data:
            return {key: data[key] for key in data.files}
    except (OSError, ValueError) as exc:
        raise EmbeddingError(f"{path}: cannot read the SmoothQuant statistics ({exc})") from exc


def _role_order(role: str) -> tuple[int, int]:
    layer, name = role.split(".")
    return int(layer), ROLES.index(name)


def calibration_feeds(
    embedder: WindowedE5, passages: list[str], queries: list[str], batch: int = 16
) -> Iterator[dict[str, np.ndarray]]:
    """Feeds for ``calibrate``: the texts tokenised as ``embedder`` does (first window of each
    passage, prefixes, ``<s>``/``</s>``), sorted by length and padded in batches."""
    windows = [ids[:WINDOW] for ids in embedder.token_ids(passages)]
    windows += embedder.token_ids(queries, query=True)
    windows.sort(key=len)
    for a in range(0, len(windows), batch):
        ids, mask = WindowedE5.padded(windows[a : a + batch])
        yield {"input_ids": ids, "attention_mask": mask}
