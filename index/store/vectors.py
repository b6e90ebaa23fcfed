"""Chroma as the vector store: embedded ``PersistentClient`` by default, a server when configured.

The collection records the embedding model id and dimension; opening it with another model
raises :class:`ModelMismatchError` naming the re-index command. Chroma's default embedding
function is never used: vectors always come from our own embedder.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from core.errors import ModelMismatchError, StoreError

UPSERT_BATCH = 1000


def _client(chroma_dir: Path, chroma_url: str | None):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if chroma_url:
        url = urlparse(chroma_url)
        try:
            client = chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
            client.heartbeat()
        except Exception as exc:  # chromadb raises assorted transport errors
            raise StoreError(
                f"Chroma server {chroma_url} is unreachable: {type(exc).__name__}"
            ) from exc
        return client
    chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(chroma_dir), settings=chroma_settings)


class ChromaVectorStore:
    """One Chroma collection of chunk vectors, tagged with the model that made them."""

    def __init__(self, chroma_dir: Path, collection: str, *, chroma_url: str | None = None):
        self.client = _client(chroma_dir, chroma_url)
        self.name = collection
        self.location = chroma_url or str(chroma_dir)
        self._col = None

    def open(self, model_id: str, dimension: int, *, create: bool) -> None:
        """Open (or create) the collection and check it was built with ``model_id``."""
        try:
            col = self.client.get_collection(self.name, embedding_function=None)
        except Exception:  # chromadb raises NotFoundError/ValueError depending on version
            if not create:
                raise StoreError(
                    f"no index at {self.location} (collection {self.name}); run `assistant ingest PATH` first"
                ) from None
            col = self.client.create_collection(
                self.name,
                metadata={"model_id": model_id, "dimension": dimension},
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
        meta = col.metadata or {}
        if meta.get("model_id") != model_id or int(meta.get("dimension", dimension)) != dimension:
            raise ModelMismatchError(
                f"the index was built with embedding model {meta.get('model_id')!r} "
                f"({meta.get('dimension')}-d) but {model_id!r} ({dimension}-d) is configured; "
                "re-index with `assistant ingest --rebuild PATH…`"
            )
        self._col = col

    @property
    def collection(self):
        if self._col is None:
            raise StoreError("vector store used before open()")
        return self._col

    def drop(self) -> None:
        """Delete the whole collection (``--rebuild``)."""
        try:
            self.client.delete_collection(self.name)
        except Exception:  # absent collection: nothing to drop
            pass
        self._col = None

    def upsert(
        self,
        ids: Sequence[str],
        vectors: np.ndarray,
        documents: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        for i in range(0, len(ids), UPSERT_BATCH):
            j = i + UPSERT_BATCH
            self.collection.upsert(
                ids=list(ids[i:j]),
                embeddings=vectors[i:j].astype(np.float32),
                documents=list(documents[i:j]),
                metadatas=[_clean_meta(m) for m in metadatas[i:j]],
            )

    def delete_doc(self, doc_id: str) -> None:
        self.collection.delete(where={"doc_id": doc_id})

    def ids(self) -> set[str]:
        return set(self.collection.get(include=[])["ids"])

    def count(self) -> int:
        return self.collection.count()

    def query(
        self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float, dict[str, Any]]]:
        """(chunk_id, cosine similarity, metadata) of the ``n`` nearest chunks."""
        total = self.count()
        if total == 0:
            return []
        res = self.collection.query(
            query_embeddings=[vector.astype(np.float32)],
            n_results=min(n, total),
            where=where or None,
            include=["distances", "metadatas"],
        )
        return [
            (cid, 1.0 - float(dist), meta or {})
            for cid, dist, meta in zip(
                res["ids"][0], res["distances"][0], res["metadatas"][0], strict=True
            )
        ]

    def vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not chunk_ids:
            return {}
        res = self.collection.get(ids=list(chunk_ids), include=["embeddings"])
        return {
            cid: np.asarray(v, dtype=np.float32)
            for cid, v in zip(res["ids"], res["embeddings"], strict=True)
        }


def _clean_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """Chroma accepts only str/int/float/bool values: drop ``None`` and stringify the rest."""
    out: dict[str, Any] = {}
    for k, v in meta.items():
        if v is None:
            continue
        out[k] = v if isinstance(v, str | int | float | bool) else str(v)
    return out
