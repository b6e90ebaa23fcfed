"""A deterministic stand-in embedder for unit tests: no model, no network."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np


class HashEmbedder:
    """Vectors from SHA-256 of character bigrams, so texts sharing bigrams land close."""

    def __init__(self, dimension: int = 64):
        """``dimension`` is the vector length; ``model_id`` is ``hash-<dimension>``."""
        if dimension < 2:
            raise ValueError("dimension must be at least 2")
        self.dimension = dimension
        self.model_id = f"hash-{dimension}"

    def embed(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        """L2-normalised float32 vectors; ``query`` is ignored (queries and passages alike)."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            grams = [text[i : i + 2] for i in range(len(text) - 1)] or [text]
            for gram in grams:
                index, sign = _slot(gram, self.dimension)
                out[row, index] += sign
            norm = np.linalg.norm(out[row])
            if norm == 0:  # every gram cancelled out: fall back to the text's own slot
                index, _ = _slot("\0" + text, self.dimension)
                out[row, index] = 1.0
            else:
                out[row] /= norm
        return out


@lru_cache(maxsize=65536)
def _slot(gram: str, dimension: int) -> tuple[int, float]:
    digest = hashlib.sha256(gram.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:4], "little") % dimension, 1.0 if digest[4] & 1 else -1.0
