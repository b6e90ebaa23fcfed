"""The retrieval stage's contract."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class Hit:
    """One retrieved passage with its provenance."""

    chunk_id: str
    doc_id: str
    text: str  # display text of the chunk (not normalised)
    score: float
    title: str = ""
    section_path: str = ""
    source_path: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)


class Retriever(Protocol):
    """Returns the best ``k`` passages for ``query``; ``filters`` keys: org, year, genre, doc_id."""

    def retrieve(self, query: str, k: int = 5, filters: dict[str, Any] | None = None) -> list[Hit]: ...
