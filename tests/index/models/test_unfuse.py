"""The slow fusions split again: same outputs, and the embedder's sessions do not refuse them."""

from __future__ import annotations

import collections

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

from core.errors import EmbeddingError
from index.embedders.e5_onnx import open_session, session_options
from index.models import unfuse

HIDDEN, FFN = 8, 16


def _graph(extra_output: bool = False):
    """MatMul → SkipLayerNormalization → MatMul → BiasGelu, as the fused e5 graph has them."""
    rng = np.random.default_rng(0)
    inits = [
        numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)
        for name, shape in (("w1", (HIDDEN, HIDDEN)), ("gamma", (HIDDEN,)), ("beta", (HIDDEN,)),
                            ("b1", (HIDDEN,)), ("w2", (HIDDEN, FFN)), ("b2", (FFN,)))
    ]  # fmt: skip
    skip_outputs = ["h", "", "", "sum"] if extra_output else ["h"]
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["m"]),
        helper.make_node("SkipLayerNormalization", ["m", "x", "gamma", "beta", "b1"],
                         skip_outputs, name="sln", domain="com.microsoft", epsilon=1e-12),
        helper.make_node("MatMul", ["h", "w2"], ["f"]),
        helper.make_node("BiasGelu", ["f", "b2"], ["y"], name="gelu", domain="com.microsoft"),
    ]  # fmt: skip
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 5, HIDDEN])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 5, FFN])
    graph = helper.make_graph(nodes, "g", [x], [y], inits)
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(graph, opset_imports=opsets)


def _ops(model) -> collections.Counter:
    return collections.Counter(n.op_type for n in model.graph.node)


def _run(path, x):
    return open_session(path).run(["y"], {"x": x})[0]


def test_split_keeps_the_outputs(tmp_path):
    import onnx

    fused, split = _graph(), _graph()
    assert unfuse.split(split) == {"SkipLayerNormalization": 1, "BiasGelu": 1}
    assert _ops(split) == {"MatMul": 2, "Add": 3, "LayerNormalization": 1, "Gelu": 1}
    onnx.checker.check_model(split)
    onnx.save(fused, tmp_path / "fused.onnx")
    onnx.save(split, tmp_path / "split.onnx")
    x = np.random.default_rng(1).standard_normal((2, 5, HIDDEN)).astype(np.float32)
    np.testing.assert_allclose(
        _run(tmp_path / "split.onnx", x), _run(tmp_path / "fused.onnx", x), rtol=1e-5, atol=1e-5
    )


def test_the_embedder_s_sessions_do_not_fuse_them_back(tmp_path):
    import onnx

    split = _graph()
    unfuse.split(split)
    onnx.save(split, tmp_path / "split.onnx")
    options = session_options(1)
    options.optimized_model_filepath = str(tmp_path / "loaded.onnx")
    open_session(tmp_path / "split.onnx", options)
    loaded = _ops(onnx.load(str(tmp_path / "loaded.onnx")))
    assert loaded["LayerNormalization"] == 1
    assert loaded["Gelu"] == 1
    assert not loaded["SkipLayerNormalization"] and not loaded["BiasGelu"]


def test_a_skip_layer_norm_with_extra_outputs_is_refused():
    with pytest.raises(EmbeddingError, match="sln: SkipLayerNormalization without beta or with"):
        unfuse.split(_graph(extra_output=True))
