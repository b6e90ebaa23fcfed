"""The index as one object: catalog + Chroma vectors + keyword index, kept consistent.

Writers take an exclusive file lock (one writer at a time across processes), run
:meth:`IndexStore.recover` first, and refresh the keyword index last. Readers never take
the lock; they filter every hit through the catalog so a half-written document is never
shown.

Opening the store reads only the catalog: listing or deleting documents needs no embedding
model. Chroma is reached on first use of :attr:`IndexStore.vectors`; the embedding model is
checked (:meth:`IndexStore.open_vectors`) only where vectors are written or searched.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import StoreError
from core.settings import Settings
from index.embedders.base import Embedder
from index.store import keyword
from index.store.catalog import Catalog
from index.store.vectors import ChromaVectorStore

LOCK_WAIT_SECONDS = 600.0
CATALOG_FILE = "catalog.sqlite3"


class IndexStore:
    """Everything stored for one collection under ``index_dir``."""

    def __init__(
        self,
        index_dir: Path,
        collection: str,
        *,
        chroma_url: str | None = None,
        create: bool = False,
    ):
        self.index_dir = index_dir
        self.collection_name = collection
        self.chroma_url = chroma_url
        catalog_path = index_dir / CATALOG_FILE  # index_exists() asks the same
        if not create and not catalog_path.exists():
            raise StoreError(f"no index in {index_dir}; run `assistant ingest PATH` first")
        self._vectors: ChromaVectorStore | None = None
        if create:  # an unreachable Chroma server fails here, before a catalog is made
            self._client()
        self.catalog = Catalog(catalog_path)
        self.keyword_root = index_dir / "keyword" / collection
        self._keyword: keyword.KeywordIndex | None = None

    @classmethod
    def from_settings(cls, settings: Settings, *, create: bool = False) -> IndexStore:
        """The configured index (embedded Chroma, or the server at ``settings.chroma_url``)."""
        return cls(
            settings.index_dir,
            settings.collection,
            chroma_url=settings.chroma_url,
            create=create,
        )

    def close(self) -> None:
        self.catalog.close()

    # -- vectors
    def _client(self) -> ChromaVectorStore:
        if self._vectors is None:
            self._vectors = ChromaVectorStore(
                self.index_dir / "chroma", self.collection_name, chroma_url=self.chroma_url
            )
        return self._vectors

    @property
    def vectors(self) -> ChromaVectorStore:
        """The Chroma collection, opened on first use without checking the model (deletes,
        counts); searching or writing goes through :meth:`open_vectors` first."""
        vectors = self._client()
        if not vectors.is_open:
            vectors.open(None, None, create=False)
        return vectors

    def open_vectors(
        self, model_id: str, dimension: int, *, create: bool = False
    ) -> ChromaVectorStore:
        """Open (or create) the collection and check it was built with ``model_id``.

        Raises ModelMismatchError naming the re-index command when it was not.
        """
        vectors = self._client()
        vectors.open(model_id, dimension, create=create)
        return vectors

    # -- writers
    @contextmanager
    def write_lock(self, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
        """Exclusive across processes; waits up to ``wait`` seconds for another writer."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.index_dir / "write.lock", os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + wait
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreError(
                            f"another ingest or delete is still running on {self.index_dir}"
                        ) from None
                    time.sleep(0.2)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def recover(self) -> list[str]:
        """Undo what an interrupted writer left: pending or half-deleted documents go.

        Returns the ids removed. Chunks of a pending document may or may not have reached
        Chroma; deleting by ``doc_id`` covers both.
        """
        removed = self.catalog.unfinished()
        self._remove(removed)
        self.catalog.clear_delete_batch()
        return removed

    def delete_document(self, doc_id: str) -> None:
        """Remove a document everywhere: marked first, so a crash midway is finished by recover()."""
        self.catalog.set_status(doc_id, "deleting")
        self._remove([doc_id])

    def delete_documents(self, doc_ids: list[str]) -> None:
        """Remove several documents; after a crash anywhere, recover() deletes all of them.

        All are marked ``deleting`` in one transaction (with a record of the batch, see
        :meth:`Catalog.mark_deleting`) and the keyword index is refreshed (it covers ``done``
        documents only) before anything is removed.
        """
        self.catalog.mark_deleting(doc_ids)
        self.refresh_keyword()
        self._remove(doc_ids)
        self.catalog.clear_delete_batch()

    def _remove(self, doc_ids: list[str]) -> None:
        """Vectors first, then the catalog rows: a crash between leaves a ``deleting`` row."""
        for doc_id in doc_ids:
            self.vectors.delete_doc(doc_id)
            self.catalog.remove_document(doc_id)

    def refresh_keyword(self) -> str:
        """Rebuild the keyword index if it does not cover exactly the finished chunks."""
        rows = list(self.catalog.done_chunk_tokens())
        wanted = keyword.generation_of(r[0] for r in rows)
        current = keyword.load(self.keyword_root)
        if current is None or current.generation != wanted:
            keyword.build(rows, self.keyword_root)
        self.catalog.set_meta("keyword_generation", wanted)
        self._keyword = None
        return wanted

    def wipe(self) -> None:
        """Drop vectors, keyword index and catalog rows (``--rebuild``)."""
        self._client().drop()
        shutil.rmtree(self.keyword_root, ignore_errors=True)
        with self.catalog.transaction() as db:
            for table in ("chunks", "sources", "documents", "meta"):
                db.execute(f"DELETE FROM {table}")

    # -- readers
    def keyword_index(self) -> keyword.KeywordIndex:
        """The keyword index, reloaded when a writer has published a new generation."""
        expected = self.catalog.get_meta("keyword_generation")
        if self._keyword is None or self._keyword.generation != expected:
            loaded = keyword.load(self.keyword_root)
            if loaded is None:
                loaded = keyword.KeywordIndex(None, [], [], "")
            self._keyword = loaded
        return self._keyword


def index_exists(settings: Settings) -> bool:
    """Whether an index (its catalog) exists in the configured data dir."""
    return (settings.index_dir / CATALOG_FILE).exists()


def open_store(
    settings: Settings, embedder: Embedder | None = None, *, create: bool = False
) -> IndexStore:
    """The configured index; with ``embedder``, its vectors opened and checked against it.

    Without one only the catalog is read (listing, editing, deleting documents). Raises
    StoreError when there is no index (and ``create`` is false), ModelMismatchError when the
    vectors were made by another model.
    """
    store = IndexStore.from_settings(settings, create=create)
    if embedder is not None:
        try:
            store.open_vectors(embedder.model_id, embedder.dimension, create=create)
        except BaseException:
            store.close()
            raise
    return store
