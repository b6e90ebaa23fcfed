"""Dense retrieval: the query's e5 vector against Chroma."""

from __future__ import annotations

from typing import Any

from assistant.retrieval.base import Hit
from assistant.retrieval.reader import IndexReader


class ChromaDenseRetriever:
    """Nearest chunks by cosine similarity; filters applied inside Chroma."""

    def __init__(self, reader: IndexReader):
        self.reader = reader

    def retrieve(self, query: str, k: int = 5, filters: dict[str, Any] | None = None) -> list[Hit]:
        allowed = self.reader.allowed_docs(filters)
        if allowed is not None and not allowed:
            return []
        found = self.reader.nearest(self.reader.embed_query(query), k, allowed)
        return self.reader.hits(found)[:k]
