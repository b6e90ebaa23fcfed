"""The last stage: each passage returned knows the headings beside its own.

A 「存在哪些问题？」 answer is often the headings of one part of a report, and retrieval seldom
brings a passage of each (``assistant.generation.evidence`` shows them to the model, the
verifier checks against them). The headings are read here, for the ``k`` hits a retrieval
returns, not in the reader for every candidate the retrievers fuse.
"""

from __future__ import annotations

from typing import Any

from assistant.retrieval.base import Hit, Retriever
from assistant.retrieval.reader import IndexReader


class OutlineAwareRetriever:
    """``inner``'s hits, each with ``metadata["sibling_sections"]``
    (``IndexReader.with_sibling_sections``)."""

    def __init__(self, inner: Retriever, reader: IndexReader):
        self.inner = inner
        self.reader = reader

    def retrieve(self, query: str, k: int = 5, filters: dict[str, Any] | None = None) -> list[Hit]:
        return self.reader.with_sibling_sections(self.inner.retrieve(query, k, filters))
