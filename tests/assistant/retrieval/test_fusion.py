"""RRF and MMR on hand-made inputs."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.retrieval.hybrid import mmr, reciprocal_rank_fusion


def test_rrf_hand_computed():
    fused = dict(reciprocal_rank_fusion([["a", "b", "c"], ["c", "a"]], rrf_k=60))
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert fused["b"] == pytest.approx(1 / 62)
    assert fused["c"] == pytest.approx(1 / 63 + 1 / 61)
    order = [cid for cid, _ in reciprocal_rank_fusion([["a", "b", "c"], ["c", "a"]], rrf_k=60)]
    assert order == ["a", "c", "b"]


def test_rrf_weights_change_the_winner():
    order = [c for c, _ in reciprocal_rank_fusion([["x", "y"], ["y", "x"]], weights=[1.0, 2.0])]
    assert order == ["y", "x"]


def test_mmr_prefers_a_second_document_over_a_near_copy():
    e1 = np.array([1.0, 0.0, 0.0])
    near = np.array([0.99, 0.141, 0.0])
    other = np.array([0.0, 0.0, 1.0])
    fused = [("a1", 0.030), ("a2", 0.029), ("b1", 0.028)]
    vectors = {"a1": e1, "a2": near / np.linalg.norm(near), "b1": other}
    docs = {"a1": "A", "a2": "A", "b1": "B"}
    picked = [c for c, _ in mmr(fused, vectors, docs, 2)]
    assert picked == ["a1", "b1"]
    # With λ = 1 relevance alone decides.
    assert [c for c, _ in mmr(fused, vectors, docs, 2, lambda_=1.0, same_doc_penalty=0.0)] == [
        "a1",
        "a2",
    ]


def test_mmr_empty_and_k_larger_than_pool():
    assert mmr([], {}, {}, 3) == []
    assert [c for c, _ in mmr([("x", 1.0)], {}, {}, 5)] == ["x"]
