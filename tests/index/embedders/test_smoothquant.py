"""SmoothQuant int8: the smoothing is exact in fp32, and the int8 graph keeps cosine 0.995."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import EmbeddingError
from index.models import smoothquant
from tests.index.embedders.test_e5_onnx import QUESTIONS


def test_committed_statistics_cover_every_layer():
    stats = smoothquant.load_stats()
    assert len(stats) == 48
    for layer in range(12):
        for role, width in (("qkv", 384), ("attn_out", 384), ("ffn1", 384), ("ffn2", 1536)):
            assert stats[f"{layer}.{role}"].shape == (width,)
            assert np.all(stats[f"{layer}.{role}"] > 0)
    # why smoothing is needed: a few channels are far larger than the typical one
    ffn2 = stats["0.ffn2"]
    assert ffn2.max() > 5 * np.median(ffn2)


def test_unreadable_statistics_are_named(tmp_path):
    bad = tmp_path / "stats.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(EmbeddingError, match=r"stats.npz: cannot read the SmoothQuant statistics"):
        smoothquant.load_stats(bad)


def _graph(shapes: list[tuple[int, int]]):
    """A chain of MatMuls with initializer weights of ``shapes`` (never run, only inspected)."""
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits, prev = [], [], "x"
    for k, shape in enumerate(shapes):
        inits.append(numpy_helper.from_array(np.zeros(shape, np.float32), f"w{k}"))
        nodes.append(helper.make_node("MatMul", [prev, f"w{k}"], [f"y{k}"], name=f"mm{k}"))
        prev = f"y{k}"
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, None)
    y = helper.make_tensor_value_info(prev, TensorProto.FLOAT, None)
    return helper.make_model(helper.make_graph(nodes, "g", [x], [y], inits))


def test_a_graph_of_another_shape_is_refused():
    # the unfused export has separate Q, K and V matmuls: 72 weight matmuls, not 48
    with pytest.raises(EmbeddingError, match="has 72 weight matmuls, expected 48"):
        smoothquant.matmul_roles(_graph([(384, 384)] * 72))
    # 48 matmuls, but the first is no fused QKV Attention
    with pytest.raises(EmbeddingError, match=r"mm0 has weight \(384, 384\), expected qkv"):
        smoothquant.matmul_roles(_graph([(384, 384)] * 48))


@pytest.mark.integration
def test_smoothing_alone_changes_nothing_in_fp32(tmp_path, onnx_fused, seed_chunks):
    """X/s · (s·W) = X·W: the smoothed fp32 graph gives the fused graph's vectors."""
    from index.embedders.e5_onnx import E5OnnxEmbedder

    dest = tmp_path / "model-smoothed.onnx"
    smoothquant.smooth(onnx_fused.path, dest, smoothquant.load_stats())
    (tmp_path / "tokenizer.json").write_bytes(
        (onnx_fused.path.parent / "tokenizer.json").read_bytes()
    )
    smoothed = E5OnnxEmbedder(dest, num_threads=2)
    texts = [t for _, t in seed_chunks[:20]] + [q for q, _ in QUESTIONS]
    cos = np.sum(onnx_fused.embed(texts) * smoothed.embed(texts), axis=1)
    assert cos.min() > 0.99999


@pytest.mark.integration
def test_calibration_reproduces_the_committed_statistics_shape(onnx_fused, seed_chunks):
    stats = smoothquant.calibrate(
        onnx_fused.path,
        smoothquant.calibration_feeds(onnx_fused, [t for _, t in seed_chunks], [], batch=8),
    )
    committed = smoothquant.load_stats()
    assert set(stats) == set(committed)
    for role, peak in stats.items():
        assert peak.shape == committed[role].shape
    # the seed reports and the calibration news articles share the same outlier channels
    for role in ("0.ffn2", "6.qkv", "11.ffn1"):
        assert np.argmax(stats[role]) == np.argmax(committed[role]), role


@pytest.mark.integration
def test_int8_smooth_keeps_cosine_0995(
    seed_chunks, seed_passages, e5_embedder, onnx_int8, onnx_int8_smooth
):
    texts = [t for _, t in seed_chunks] + [p for _, p in seed_passages]
    questions = [q for q, _ in QUESTIONS]
    ref, ref_q = e5_embedder.embed(texts), e5_embedder.embed(questions, query=True)
    cos = np.sum(ref * onnx_int8_smooth.embed(texts), axis=1)
    cos_q = np.sum(ref_q * onnx_int8_smooth.embed(questions, query=True), axis=1)
    plain_q = np.sum(ref_q * onnx_int8.embed(questions, query=True), axis=1)
    print(f"int8-smooth vs torch: chunks min {cos.min():.5f} mean {cos.mean():.5f}, "
          f"queries min {cos_q.min():.5f}; plain int8 queries min {plain_q.min():.5f}")  # fmt: skip
    assert cos.min() >= 0.995
    assert cos_q.min() >= 0.995
    assert cos.mean() >= 0.998
    assert cos_q.min() > plain_q.min()
