"""Any local sentence-transformers model folder (bge-small-zh, bge-m3, ...)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from core.errors import EmbeddingError


class SentenceTransformersEmbedder:
    """A sentence-transformers folder on disk, run on CPU; ``model_id`` is the folder's name.

    Queries use the folder's ``query`` prompt when its config defines one.
    """

    def __init__(self, path: Path, batch_size: int = 32):
        """Load the folder at ``path``; EmbeddingError if it is missing or not a model."""
        path = Path(path).expanduser()
        if not path.is_dir():
            raise EmbeddingError(f"{path}: sentence-transformers model folder not found")
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise EmbeddingError(
                f"{path}: not a sentence-transformers model folder (no modules.json or config.json)"
            )
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - any load failure means "not a usable model"
            raise EmbeddingError(
                f"{path}: cannot load as a sentence-transformers model ({exc})"
            ) from exc
        dimension = self._model.get_sentence_embedding_dimension()
        if not dimension:
            raise EmbeddingError(f"{path}: the model does not declare its embedding dimension")
        self.dimension = int(dimension)
        self.model_id = path.resolve().name
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        """L2-normalised float32 vectors, shape (len(texts), dimension)."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        prompt_name = "query" if query and "query" in (self._model.prompts or {}) else None
        vectors = self._model.encode(
            texts,
            prompt_name=prompt_name,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)
