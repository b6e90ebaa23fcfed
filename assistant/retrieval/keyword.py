"""Keyword retrieval: BM25 over jieba words of the normalised text."""

from __future__ import annotations

from typing import Any

from assistant.retrieval.base import Hit
from assistant.retrieval.reader import IndexReader


class BM25Retriever:
    """Best BM25 chunks; documents outside ``filters`` are masked out before ranking."""

    def __init__(self, reader: IndexReader):
        self.reader = reader

    def retrieve(self, query: str, k: int = 5, filters: dict[str, Any] | None = None) -> list[Hit]:
        allowed = self.reader.allowed_docs(filters)
        if allowed is not None and not allowed:
            return []
        return self.reader.hits(self.reader.keyword_search(query, k, allowed))[:k]
