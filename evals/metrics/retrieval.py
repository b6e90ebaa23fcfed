"""Retrieval metrics at document level with binary relevance.

A passage is relevant when the eval doc id of its source is listed as relevant. Several
passages of one document can be retrieved; every metric here first turns the passage
ranking into a *document ranking* by keeping each document at its first (best)
occurrence and dropping its later passages (the usual max-passage aggregation). So
``top-k docs`` means the first ``k`` distinct documents, and a document's rank for MRR and
nDCG is the position of its first passage among distinct documents.

``fact_recall_at_k`` is the exception: it looks at the top-``k`` *passages* (the text a
generator would actually see), not documents.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

from core.normalize import normalize

Fact = str | Sequence[str]
"""One fact: a string, or a list of alternative spellings of which any one counts."""


def dedupe_ranking(doc_ids: Sequence[str]) -> list[str]:
    """The document ranking: ``doc_ids`` with later repeats of a document removed."""
    seen: set[str] = set()
    ranking: list[str] = []
    for doc_id in doc_ids:
        if doc_id not in seen:
            seen.add(doc_id)
            ranking.append(doc_id)
    return ranking


def hit_at_k(doc_ids: Sequence[str], relevant: Collection[str], k: int) -> float:
    """1.0 if any of the first ``k`` distinct documents is relevant, else 0.0."""
    return 1.0 if any(d in relevant for d in dedupe_ranking(doc_ids)[:k]) else 0.0


def recall_at_k(doc_ids: Sequence[str], relevant: Collection[str], k: int) -> float:
    """|relevant ∩ first ``k`` distinct documents| / |relevant| (0.0 when nothing is relevant)."""
    if not relevant:
        return 0.0
    found = set(dedupe_ranking(doc_ids)[:k]) & set(relevant)
    return len(found) / len(set(relevant))


def reciprocal_rank(doc_ids: Sequence[str], relevant: Collection[str], k: int = 10) -> float:
    """1 / rank of the first relevant document among the first ``k`` distinct ones, else 0.0.

    The mean of this over a set is MRR@k.
    """
    for rank, doc_id in enumerate(dedupe_ranking(doc_ids)[:k], start=1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(doc_ids: Sequence[str], relevant: Collection[str], k: int = 10) -> float:
    """Binary nDCG@k over the distinct-document ranking.

    DCG = Σ_{rank ≤ k, doc relevant} 1 / log2(rank + 1); the ideal DCG puts all
    ``min(|relevant|, k)`` relevant documents first. 0.0 when nothing is relevant.
    """
    n_ideal = min(len(set(relevant)), k)
    if n_ideal == 0:
        return 0.0
    dcg = sum(
        1.0 / math.log2(rank + 1)
        for rank, doc_id in enumerate(dedupe_ranking(doc_ids)[:k], start=1)
        if doc_id in relevant
    )
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, n_ideal + 1))
    return dcg / ideal


def fact_alternatives(fact: Fact) -> list[str]:
    """The normalised, non-empty spellings of one fact."""
    options = [fact] if isinstance(fact, str) else list(fact)
    return [n for n in (normalize(o).strip() for o in options) if n]


def fact_present(fact: Fact, normalised_text: str) -> bool:
    """Whether any spelling of ``fact`` (normalised) occurs in already-normalised text."""
    return any(alt in normalised_text for alt in fact_alternatives(fact))


def fact_recall_at_k(passages: Sequence[str], facts: Sequence[Fact], k: int) -> float:
    """Share of ``facts`` found in the normalised concatenation of the top-``k`` passages.

    Passages are joined with a newline, so a fact never matches across a passage
    boundary. Matching is substring matching after ``core.normalize.normalize``.
    0.0 when ``facts`` is empty.
    """
    if not facts:
        return 0.0
    text = normalize("\n".join(passages[:k]))
    return sum(fact_present(f, text) for f in facts) / len(facts)
