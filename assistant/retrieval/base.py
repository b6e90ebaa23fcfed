"""The retrieval stage's contract."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np


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

    def retrieve(
        self, query: str, k: int = 5, filters: dict[str, Any] | None = None
    ) -> list[Hit]: ...


class VectorSource(Protocol):
    """Stored chunk vectors by id (for diversity: how alike two passages are)."""

    def vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]: ...
