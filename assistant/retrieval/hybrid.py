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
    """Pick ``k`` items maximising λ·relevance − (1−λ)·max-similarity − penalty·same-doc count."""
    if not fused:
        return []
    top = fused[0][1] or 1.0
    rel = {cid: s / top for cid, s in fused}
    chosen: list[tuple[str, float]] = []
    per_doc: dict[str, int] = {}
    pool = [cid for cid, _ in fused]
    while pool and len(chosen) < k:
        best, best_val = None, -np.inf
        for cid in pool:
            sim = 0.0
            v = vectors.get(cid)
            if v is not None and chosen:
                sims = [float(v @ vectors[c]) for c, _ in chosen if c in vectors]
                sim = max(sims) if sims else 0.0
            val = lambda_ * rel[cid] - (1 - lambda_) * sim - same_doc_penalty * per_doc.get(doc_of.get(cid, ""), 0)
            if val > best_val:
                best, best_val = cid, val
        pool.remove(best)
        chosen.append((best, dict(fused)[best]))
        per_doc[doc_of.get(best, "")] = per_doc.get(doc_of.get(best, ""), 0) + 1
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
        return cls(
            [ChromaDenseRetriever(reader), BM25Retriever(reader)], vectors=reader, **options
        )

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
