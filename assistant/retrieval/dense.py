"""Dense retrieval: the query's e5 vector against Chroma."""

from __future__ import annotations

from typing import Any

from assistant.retrieval.base import Hit
from assistant.retrieval.reader import IndexReader


class ChromaDenseRetriever:
    """Nearest chunks by cosine similarity; filters applied inside Chroma."""

    def __init__(self, reader: IndexReader, candidates: int = 50):
        self.reader = reader
        self.candidates = candidates

    def scored(self, query: str, n: int, filters: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        allowed = self.reader.allowed_docs(filters)
        if allowed is not None and not allowed:
            return []
        where = None
        if allowed is not None:
            where = {"doc_id": {"$in": sorted(allowed)}}
        found = self.reader.store.vectors.query(self.reader.embed_query(query), n, where)
        return [(cid, sim) for cid, sim, _ in found]

    def retrieve(self, query: str, k: int = 5, filters: dict[str, Any] | None = None) -> list[Hit]:
        return self.reader.hits(self.scored(query, k, filters))[:k]
