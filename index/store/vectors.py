"""Chroma as the vector store: embedded ``PersistentClient`` by default, a server when configured.

The collection records the embedding model id and dimension; opening it with another model
raises :class:`ModelMismatchError` naming the re-index command. Chroma's default embedding
function is never used: vectors always come from our own embedder.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from core.errors import ModelMismatchError, StoreError
from index.store.damage import CHROMA, damaged

UPSERT_BATCH = 1000


def _failures() -> tuple[type[Exception], ...]:
    """What a Chroma call raises when the store fails: transport errors or Chroma's own."""
    import httpx
    from chromadb.errors import ChromaError

    return (httpx.HTTPError, ChromaError)


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
    try:
        return chromadb.PersistentClient(path=str(chroma_dir), settings=chroma_settings)
    except _failures() as exc:  # its SQLite file truncated or overwritten
        # Chroma caches a system per folder before starting it and keeps a failed one, so a
        # repaired folder would be opened through the broken system: forget it (never started).
        forget_folder(chroma_dir, stop=False)
        raise damaged(CHROMA, chroma_dir, f"无法打开（{exc}）") from exc


def forget_folder(chroma_dir: Path, *, stop: bool = True) -> None:
    """Stop and drop the system Chroma caches per embedded folder (one per process, shared by
    every client of that folder), so files removed by path are opened afresh, not through it."""
    from chromadb.api.shared_system_client import SharedSystemClient

    key = str(chroma_dir)
    SharedSystemClient._identifier_to_refcount.pop(key, None)
    system = SharedSystemClient._identifier_to_system.pop(key, None)
    if system is not None and stop:
        system.stop()


class CollectionMissingError(StoreError):
    """The Chroma collection does not exist (never built, or its files were deleted)."""


class ChromaVectorStore:
    """One Chroma collection of chunk vectors, tagged with the model that made them."""

    def __init__(self, chroma_dir: Path, collection: str, *, chroma_url: str | None = None):
        self.client = _client(chroma_dir, chroma_url)
        self.name = collection
        self.location = chroma_url or str(chroma_dir)
        self.remote = bool(chroma_url)
        self._col = None

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn a failed Chroma call into one StoreError line naming the server and the action."""
        try:
            yield
        except _failures() as exc:
            raise self._failed(action, exc) from exc

    def _failed(self, action: str, exc: Exception) -> StoreError:
        if self.remote:
            return StoreError(
                f"Chroma server {self.location} failed during {action} "
                f"({type(exc).__name__}); check that it is running. "
                "The local catalog and keyword index were not changed by this failure"
            )
        return StoreError(f"Chroma store {self.location} failed during {action}: {exc}")

    @property
    def is_open(self) -> bool:
        return self._col is not None

    def open(self, model_id: str | None, dimension: int | None, *, create: bool) -> None:
        """Open (or create) the collection and check it was built with ``model_id``
        (``None``: no check, for work that needs no embedding model, such as deletes)."""
        from chromadb.errors import NotFoundError

        with self._guard("open"):
            try:
                col = self.client.get_collection(self.name, embedding_function=None)
            except NotFoundError:
                if not create or model_id is None or dimension is None:
                    raise CollectionMissingError(
                        f"no index at {self.location} (collection {self.name}); "
                        "run `assistant ingest PATH` first"
                    ) from None
                col = self.create_collection(model_id, dimension)
        meta = col.metadata or {}
        if model_id is None or dimension is None:
            self._col = col
            return
        if meta.get("model_id") != model_id or int(meta.get("dimension", dimension)) != dimension:
            raise ModelMismatchError(
                f"the index was built with embedding model {meta.get('model_id')!r} "
                f"({meta.get('dimension')}-d) but {model_id!r} ({dimension}-d) is configured; "
                "re-index with `assistant ingest --rebuild PATH…`"
            )
        self._col = col

    def create_collection(self, model_id: str, dimension: int):
        """A new cosine collection tagged with the embedding model that fills it."""
        return self.client.create_collection(
            self.name,
            metadata={"model_id": model_id, "dimension": dimension},
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
        )

    @property
    def collection(self):
        if self._col is None:
            raise StoreError("vector store used before open()")
        return self._col

    def drop(self) -> None:
        """Delete the whole collection (``--rebuild``)."""
        from chromadb.errors import NotFoundError

        with self._guard("drop"):
            try:
                self.client.delete_collection(self.name)
            except NotFoundError:  # absent collection: nothing to drop
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
            with self._guard("upsert"):
                self.collection.upsert(
                    ids=list(ids[i:j]),
                    embeddings=vectors[i:j].astype(np.float32),
                    documents=list(documents[i:j]),
                    metadatas=[_clean_meta(m) for m in metadatas[i:j]],
                )

    def update_metadata(self, chunk_ids: Sequence[str], fields: dict[str, Any]) -> None:
        """Set ``fields`` in the stored metadata of ``chunk_ids`` (an edited title or unit);
        Chroma merges them into what is there, and a field set to ``None`` is removed."""
        sent = {
            k: v if v is None or isinstance(v, str | int | float | bool) else str(v)
            for k, v in fields.items()
        }
        for i in range(0, len(chunk_ids), UPSERT_BATCH):
            ids = list(chunk_ids[i : i + UPSERT_BATCH])
            with self._guard("update"):
                self.collection.update(ids=ids, metadatas=[dict(sent) for _ in ids])

    def delete_doc(self, doc_id: str) -> None:
        with self._guard("delete"):
            self.collection.delete(where={"doc_id": doc_id})

    def delete_ids(self, chunk_ids: Sequence[str]) -> None:
        for i in range(0, len(chunk_ids), UPSERT_BATCH):
            with self._guard("delete"):
                self.collection.delete(ids=list(chunk_ids[i : i + UPSERT_BATCH]))

    def ids(self) -> set[str]:
        with self._guard("listing ids"):
            return set(self.collection.get(include=[])["ids"])

    def count(self) -> int:
        with self._guard("count"):
            return self.collection.count()

    def export(self, batch: int = UPSERT_BATCH) -> Iterator[dict[str, Any]]:
        """Every stored row in pages of ``batch``: ids, embeddings, documents, metadatas."""
        offset = 0
        while True:
            with self._guard("export"):
                page = self.collection.get(
                    limit=batch,
                    offset=offset,
                    include=["embeddings", "documents", "metadatas"],
                )
            if not page["ids"]:
                return
            yield page
            offset += len(page["ids"])

    def query(
        self,
        vector: np.ndarray,
        n: int,
        where: dict[str, Any] | None = None,
        *,
        with_metadata: bool = False,
    ) -> list[tuple[str, float, dict[str, Any]]]:
        """(chunk_id, cosine similarity, metadata) of the ``n`` nearest chunks.

        No ``count()`` first: Chroma returns fewer results when it holds fewer (and none when
        empty), and that call alone cost 9 ms a query at 100k chunks. Metadata (another 7 ms
        there) only when asked: the retrievers read chunks from the catalog.
        """
        include = ["distances", "metadatas"] if with_metadata else ["distances"]
        with self._guard("query"):
            res = self.collection.query(
                query_embeddings=[vector.astype(np.float32)],
                n_results=max(1, n),
                where=where or None,
                include=include,
            )
        metas = res["metadatas"][0] if with_metadata else [None] * len(res["ids"][0])
        return [
            (cid, 1.0 - float(dist), meta or {})
            for cid, dist, meta in zip(res["ids"][0], res["distances"][0], metas, strict=True)
        ]

    def vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not chunk_ids:
            return {}
        with self._guard("fetching vectors"):
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
