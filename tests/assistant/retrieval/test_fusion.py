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


def _mmr_reference(fused, vectors, doc_of, k, lambda_, same_doc_penalty):
    """The plain loop the vectorised mmr() replaced."""
    top = fused[0][1] or 1.0
    rel = {cid: s / top for cid, s in fused}
    chosen, per_doc, pool = [], {}, [cid for cid, _ in fused]
    while pool and len(chosen) < k:
        best, best_val = None, -np.inf
        for cid in pool:
            sim = 0.0
            v = vectors.get(cid)
            if v is not None and chosen:
                sims = [float(v @ vectors[c]) for c, _ in chosen if c in vectors]
                sim = max(sims) if sims else 0.0
            val = (
                lambda_ * rel[cid]
                - (1 - lambda_) * sim
                - same_doc_penalty * per_doc.get(doc_of.get(cid, ""), 0)
            )
            if val > best_val:
                best, best_val = cid, val
        pool.remove(best)
        chosen.append((best, dict(fused)[best]))
        per_doc[doc_of.get(best, "")] = per_doc.get(doc_of.get(best, ""), 0) + 1
    return chosen


@pytest.mark.parametrize("seed", range(20))
def test_vectorised_mmr_picks_what_the_plain_loop_picks(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    fused = sorted(((f"c{i}", float(rng.random())) for i in range(n)), key=lambda t: -t[1])
    vectors = {}
    for cid, _ in fused:
        if rng.random() < 0.8:  # some candidates have no stored vector
            v = rng.normal(size=8)
            vectors[cid] = v / np.linalg.norm(v)
    doc_of = {cid: f"d{int(rng.integers(0, 4))}" for cid, _ in fused}
    k = int(rng.integers(1, n + 2))
    lam, pen = float(rng.uniform(0.3, 0.95)), float(rng.uniform(0, 0.2))
    assert mmr(fused, vectors, doc_of, k, lambda_=lam, same_doc_penalty=pen) == _mmr_reference(
        fused, vectors, doc_of, k, lam, pen
    )
