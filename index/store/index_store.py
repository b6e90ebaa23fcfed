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

from core.errors import IndexDamagedError, StoreError
from core.settings import Settings
from index.embedders.base import Embedder
from index.store import keyword
from index.store.catalog import Catalog
from index.store.damage import BM25, CHROMA, damaged
from index.store.vectors import ChromaVectorStore, CollectionMissingError, forget_folder

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

    def release_vectors(self) -> None:
        """Let go of the embedded Chroma folder before its files are removed by path."""
        self._vectors = None
        if not self.chroma_url:
            forget_folder(self.index_dir / "chroma")

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
            self._open(vectors, None, None, create=False)
        return vectors

    def open_vectors(
        self, model_id: str, dimension: int, *, create: bool = False
    ) -> ChromaVectorStore:
        """Open (or create) the collection and check it was built with ``model_id``.

        Raises ModelMismatchError naming the re-index command when it was not.
        """
        vectors = self._client()
        self._open(vectors, model_id, dimension, create=create)
        if not create:
            self.check_vector_count()
        return vectors

    def _open(
        self,
        vectors: ChromaVectorStore,
        model_id: str | None,
        dimension: int | None,
        *,
        create: bool,
    ) -> None:
        try:
            vectors.open(model_id, dimension, create=create)
        except CollectionMissingError:
            if self.catalog.chunk_total() == 0:
                raise
            raise damaged(
                CHROMA, vectors.location, f"的集合 {self.collection_name} 不见了（文件被删除？）"
            ) from None

    def check_vector_count(self) -> None:
        """The quick check at open: Chroma holds a vector for every finished chunk and none the
        catalog does not know (two counts, no scan). Raises IndexDamagedError when not.

        A writer changes both sides in turn, so while one holds the lock a mismatch is left to
        it; otherwise the counts are taken again under the lock before they count as damage.
        """
        if self.vector_count_problem() is None:
            return
        with try_write_lock(self.index_dir) as locked:
            problem = self.vector_count_problem() if locked else None
        if problem is not None:
            raise damaged(CHROMA, self._client().location, problem)

    def vector_count_problem(self) -> str | None:
        """What the two counts say is wrong with Chroma, or ``None`` (see check_vector_count)."""
        done = self.catalog.counts()["chunks"]
        total = self.catalog.chunk_total()
        have = self.vectors.count()
        if have < done:
            return f"缺少 {done - have} 个段落的向量（目录库有 {done} 段，Chroma 只有 {have} 个）"
        if have > total:
            return f"多出 {have - total} 个目录库没有的向量"
        return None

    # -- writers
    def write_lock(self, wait: float = LOCK_WAIT_SECONDS):
        """Exclusive across processes; waits up to ``wait`` seconds for another writer."""
        return write_lock(self.index_dir, wait)

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
        try:
            current = keyword.load(self.keyword_root)
        except IndexDamagedError:  # derived: a damaged one is simply built again
            current = None
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
                if expected is not None:  # built once, its files gone since
                    raise damaged(BM25, self.keyword_root, "缺失（文件夹被删除？）")
                loaded = keyword.KeywordIndex(None, [], [], "")
            self._keyword = loaded
        return self._keyword


@contextmanager
def write_lock(index_dir: Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """The index's writer lock: exclusive across processes, waits up to ``wait`` seconds."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / "write.lock", os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"another ingest or delete is still running on {index_dir}"
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextmanager
def try_write_lock(index_dir: Path) -> Iterator[bool]:
    """The writer lock if it is free right now (yields True), else yields False at once."""
    try:
        fd = os.open(index_dir / "write.lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # a read-only data dir: no writer can be running there either
        yield True
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def remove_index_files(settings: Settings) -> None:
    """Delete the catalog, the keyword index and the embedded Chroma folder by path.

    Nothing is opened first, so this works on files SQLite cannot read (``--rebuild`` of a
    damaged index). The caller holds the write lock; a Chroma server's collection is not
    touched here (drop it through the client, :meth:`IndexStore.wipe`), but the server is
    reached first: one that is down fails here with nothing removed.
    """
    index_dir = settings.index_dir
    if settings.chroma_url:
        ChromaVectorStore(index_dir / "chroma", settings.collection, chroma_url=settings.chroma_url)
    for suffix in ("", "-wal", "-shm", "-journal"):
        (index_dir / (CATALOG_FILE + suffix)).unlink(missing_ok=True)
    shutil.rmtree(index_dir / "keyword" / settings.collection, ignore_errors=True)
    if not settings.chroma_url:
        forget_folder(index_dir / "chroma")
        shutil.rmtree(index_dir / "chroma", ignore_errors=True)


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
