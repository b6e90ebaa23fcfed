"""Our retrievers as a LangChain ``BaseRetriever``, for chains built with langchain_core."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.retrieval.base import Hit


def hit_to_document(hit: Hit) -> Document:
    """A LangChain ``Document``: the passage's display text, provenance in ``metadata``."""
    metadata = {
        **hit.metadata,
        "chunk_id": hit.chunk_id,
        "doc_id": hit.doc_id,
        "score": hit.score,
        "title": hit.title,
        "section_path": hit.section_path,
        "source_path": hit.source_path,
    }
    return Document(page_content=hit.text, metadata=metadata, id=hit.chunk_id)


class LangChainRetriever(BaseRetriever):
    """Wraps any of our retrievers (``.retrieve(query, k, filters)``).

    Example: ``LangChainRetriever(retriever=build_retriever("hybrid", settings), k=4).invoke("…")``
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any
    k: int = 5
    filters: dict[str, Any] | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits = self.retriever.retrieve(query, k=self.k, filters=self.filters)
        return [hit_to_document(h) for h in hits]
