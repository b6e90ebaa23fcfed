"""The read path's first stage: find the passages that answer a query."""

from __future__ import annotations

from core.errors import ConfigError
from core.settings import Settings

PIPELINES = ("hybrid", "dense", "bm25")


def build_retriever(name: str, settings: Settings, *, reader=None, embedder=None):
    """A retriever over the configured index: ``hybrid`` (default), ``dense`` or ``bm25``."""
    from assistant.retrieval.dense import ChromaDenseRetriever
    from assistant.retrieval.hybrid import HybridRetriever
    from assistant.retrieval.keyword import BM25Retriever
    from assistant.retrieval.reader import IndexReader

    if name not in PIPELINES:
        raise ConfigError(f"unknown retrieval pipeline {name!r}; choose one of {', '.join(PIPELINES)}")
    reader = reader or IndexReader(settings, embedder)
    if name == "dense":
        return ChromaDenseRetriever(reader)
    if name == "bm25":
        return BM25Retriever(reader)
    return HybridRetriever.over(reader)
