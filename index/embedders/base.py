"""The embedding stage's contract."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, shape (len(texts), dimension).

    ``query=True`` embeds search queries (e5 prefixes "query: "), otherwise passages
    ("passage: "). ``model_id`` is recorded in the collection so that an index is never
    searched with vectors from another model.
    """

    model_id: str
    dimension: int

    def embed(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray: ...
