"""The read path's first stage: find the passages that answer a query."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, get_args

from core.errors import ConfigError
from core.settings import Settings

if TYPE_CHECKING:
    from assistant.retrieval.base import Retriever
    from assistant.retrieval.reader import IndexReader
    from index.embedders.base import Embedder

PipelineName = Literal["hybrid", "dense", "bm25", "hybrid-notime"]
PIPELINES: tuple[str, ...] = get_args(PipelineName)


def build_retriever(
    name: str,
    settings: Settings,
    *,
    reader: IndexReader | None = None,
    embedder: Embedder | None = None,
) -> Retriever:
    """A retriever over the configured index.

    ``hybrid`` (default): dense + BM25 fused, then the time-aware stage (the asked period
    preferred, near copies across years collapsed); ``hybrid-notime``: the same without the
    time stage; ``dense``; ``bm25``. Each ends with the versions stage (one passage once
    across the versions of a report) and the outline stage (each hit returned carries the
    headings beside its own).
    """
    from assistant.retrieval.dense import ChromaDenseRetriever
    from assistant.retrieval.hybrid import HybridRetriever
    from assistant.retrieval.keyword import BM25Retriever
    from assistant.retrieval.outline import OutlineAwareRetriever
    from assistant.retrieval.reader import IndexReader
    from assistant.retrieval.time_aware import MIN_DATED_SHARE, TimeAwareRetriever
    from assistant.retrieval.versions import VersionAwareRetriever

    if name not in PIPELINES:
        raise ConfigError(
            f"unknown retrieval pipeline {name!r}; choose one of {', '.join(PIPELINES)}"
        )
    reader = reader or IndexReader(settings, embedder)
    inner: Retriever
    if name == "dense":
        inner = ChromaDenseRetriever(reader)
    elif name == "bm25":
        inner = BM25Retriever(reader)
    elif name == "hybrid-notime":
        inner = HybridRetriever.over(reader)
    else:
        inner = TimeAwareRetriever(
            HybridRetriever.over(reader),
            reference_date=settings.reference_date,
            prefer_recent=settings.prefer_recent,
            dated_archive=reader.dated_share() >= MIN_DATED_SHARE,
        )
    # Versions of one report (grouped at ingest) never show the same passage twice; then the
    # hits kept learn the headings beside their own.
    return OutlineAwareRetriever(VersionAwareRetriever(inner, reader.version_groups), reader)
