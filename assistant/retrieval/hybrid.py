"""Hybrid retrieval: any retrievers (dense + BM25 by default) fused by reciprocal rank, then
diversified with MMR.

1. Each retriever returns ``candidates`` chunks (filters applied inside each).
2. Reciprocal rank fusion: score = Σ weight / (rrf_k + rank), ranks from 1.
3. MMR over the fused list: relevance is the fused score divided by the best one, redundancy the
   cosine between chunk vectors, plus a penalty per chunk already taken from the same
   document, so one report does not fill every slot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from assistant.retrieval.base import Hit, Retriever, VectorSource
from assistant.retrieval.dense import ChromaDenseRetriever
from assistant.retrieval.keyword import BM25Retriever
from assistant.retrieval.reader import IndexReader
from core.errors import ConfigError


def reciprocal_rank_fusion(
    rankings: list[list[str]], weights: list[float] | None = None, rrf_k: int = 60
) -> list[tuple[str, float]]:
    """Fuse ranked id lists: Σ w / (rrf_k + rank); ties broken by first appearance order."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    order: dict[str, int] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        for rank, cid in enumerate(ranking, start=1):
            scores[cid] = scores.get(cid, 0.0) + w / (rrf_k + rank)
            order.setdefault(cid, len(order))
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))


def mmr(
    fused: list[tuple[str, float]],
    vectors: dict[str, np.ndarray],
    doc_of: dict[str, str],
    k: int,
    *,
    lambda_: float = 0.75,
    same_doc_penalty: float = 0.1,
) -> list[tuple[str, float]]:
    """Pick ``k`` items maximising λ·relevance − (1−λ)·max-similarity − penalty·same-doc count.

    Vectorised: each pick updates every candidate's largest similarity to the chosen ones
    with one matrix-vector product (an item without a vector has similarity 0).
    """
    if not fused:
        return []
    top = fused[0][1] or 1.0
    ids = [cid for cid, _ in fused]
    rel = np.array([s / top for _, s in fused])
    dim = next((len(v) for v in vectors.values()), 0)
    has = np.array([cid in vectors for cid in ids])
    mat = (
        np.stack([vectors[cid] if cid in vectors else np.zeros(dim) for cid in ids])
        if dim
        else None
    )
    max_sim = np.full(len(ids), -np.inf)  # -inf: no chosen item with a vector yet
    same_doc = np.zeros(len(ids))
    docs = [doc_of.get(cid, "") for cid in ids]
    free = np.ones(len(ids), dtype=bool)
    chosen: list[tuple[str, float]] = []
    while free.any() and len(chosen) < k:
        sim = np.where(has & np.isfinite(max_sim), max_sim, 0.0)
        val = lambda_ * rel - (1 - lambda_) * sim - same_doc_penalty * same_doc
        val[~free] = -np.inf
        best = int(np.argmax(val))  # first of equals, as the loop it replaces
        free[best] = False
        chosen.append((ids[best], fused[best][1]))
        if mat is not None and has[best]:
            max_sim = np.maximum(max_sim, mat @ mat[best])
        same_doc += np.array([d == docs[best] for d in docs], dtype=float)
    return chosen


class HybridRetriever:
    """Several retrievers, RRF-fused and MMR-diversified (the way haystack joins retrievers).

    ``vectors`` gives the stored vectors MMR compares; without it diversity is by document only.
    """

    def __init__(
        self,
        retrievers: Sequence[Retriever],
        *,
        weights: Sequence[float] | None = None,
        vectors: VectorSource | None = None,
        candidates: int = 40,
        rrf_k: int = 60,
        mmr_lambda: float = 0.85,
        same_doc_penalty: float = 0.05,
    ):
        self.retrievers = list(retrievers)
        self.weights = list(weights) if weights is not None else [1.0] * len(self.retrievers)
        if len(self.weights) != len(self.retrievers):
            raise ConfigError("HybridRetriever needs one weight per retriever")
        self.vector_source = vectors
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.mmr_lambda = mmr_lambda
        self.same_doc_penalty = same_doc_penalty

    @classmethod
    def over(cls, reader: IndexReader, **options: Any) -> HybridRetriever:
        """Dense + BM25 over one index (equal weights unless ``weights`` is given)."""
        return cls([ChromaDenseRetriever(reader), BM25Retriever(reader)], vectors=reader, **options)

    def retrieve(self, query: str, k: int = 5, filters: dict[str, Any] | None = None) -> list[Hit]:
        n = max(self.candidates, 4 * k)
        hits: dict[str, Hit] = {}
        rankings = []
        for retriever in self.retrievers:
            found = retriever.retrieve(query, n, filters)
            rankings.append([h.chunk_id for h in found])
            for h in found:
                hits.setdefault(h.chunk_id, h)
        fused = reciprocal_rank_fusion(rankings, self.weights, self.rrf_k)[: max(2 * k, 20)]
        vectors = (
            self.vector_source.vectors([cid for cid, _ in fused]) if self.vector_source else {}
        )
        picked = mmr(
            fused,
            vectors,
            {cid: h.doc_id for cid, h in hits.items()},
            k,
            lambda_=self.mmr_lambda,
            same_doc_penalty=self.same_doc_penalty,
        )
        out = []
        for cid, score in picked:
            hit = hits[cid]
            hit.score = score
            out.append(hit)
        return out
