"""Undo two of onnxruntime's BERT fusions whose CPU kernels are slower than the ops they replace.

- ``SkipLayerNormalization`` (residual add, bias and LayerNorm in one kernel) runs its float
  loop one element at a time, dividing each one: in onnxruntime's profile of the e5 graph it
  took 3-4x the time of an ``Add`` followed by onnxruntime's own ``LayerNormalization``
  (benchmarks/RESULTS.md, "Less work per token").
- ``BiasGelu`` is slower than ``Add`` + ``Gelu`` (same values, bit for bit). In the int8 graph
  the split does more: onnxruntime folds a bias ``Add`` that follows a quantised matmul into
  that matmul (``DynamicQuantizeMatMul``'s bias input), so only a bare ``Gelu`` is left.

``split`` rewrites a fused graph so. Sessions must be opened with ``SLOW_FUSIONS`` disabled
(``index.embedders.e5_onnx.open_session``), or onnxruntime fuses the pieces back at load.
"""

from __future__ import annotations

from collections import Counter

from core.errors import EmbeddingError

# onnxruntime's graph transformers that would rebuild the fused nodes at session load
SLOW_FUSIONS = ("SkipLayerNormFusion", "BiasGeluFusion")
MS_DOMAIN = "com.microsoft"


def split(model) -> Counter[str]:
    """Rewrite ``model`` (an ``onnx.ModelProto``) in place; returns how many nodes were split.

    ``SkipLayerNormalization(x, skip, gamma, beta, bias)`` becomes ``Add(x, bias)``,
    ``Add(·, skip)``, ``LayerNormalization(·, gamma, beta)``; ``BiasGelu(x, bias)`` becomes
    ``Add(x, bias)``, ``Gelu(·)``. Output names are kept, so tensors other steps name (the
    matmul inputs SmoothQuant calibrates on) are the same tensors.
    """
    from onnx import helper

    done: Counter[str] = Counter()
    nodes = []
    for node in model.graph.node:
        if node.domain == MS_DOMAIN and node.op_type == "SkipLayerNormalization":
            nodes += _split_skip_layer_norm(node, helper)
        elif node.domain == MS_DOMAIN and node.op_type == "BiasGelu":
            x, bias = node.input
            biased = f"{node.name}_biased"
            nodes += [
                helper.make_node("Add", [x, bias], [biased], name=f"{node.name}_bias"),
                helper.make_node("Gelu", [biased], [node.output[0]], name=f"{node.name}_gelu",
                                 domain=MS_DOMAIN),
            ]  # fmt: skip
        else:
            nodes.append(node)
            continue
        done[node.op_type] += 1
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    if done["BiasGelu"] and not any(o.domain == MS_DOMAIN for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    return done


def _split_skip_layer_norm(node, helper) -> list:
    x, skip, gamma, beta = node.input[:4]
    bias = node.input[4] if len(node.input) > 4 else ""
    if not beta or any(node.output[1:]):
        # no e5 graph has these; the split below would drop the extra outputs or the beta
        raise EmbeddingError(
            f"{node.name}: SkipLayerNormalization without beta or with extra outputs"
        )
    epsilon = next((a.f for a in node.attribute if a.name == "epsilon"), 1e-12)
    out = []
    if bias:
        out.append(helper.make_node("Add", [x, bias], [f"{node.name}_biased"],
                                    name=f"{node.name}_bias"))  # fmt: skip
        x = f"{node.name}_biased"
    total = f"{node.name}_sum"
    out.append(helper.make_node("Add", [x, skip], [total], name=f"{node.name}_add"))
    out.append(helper.make_node("LayerNormalization", [total, gamma, beta], [node.output[0]],
                                name=f"{node.name}_norm", axis=-1, epsilon=epsilon))  # fmt: skip
    return out
