"""Copy an embedded Chroma index to a Chroma server without re-embedding anything.

Vectors, chunk texts and metadata move as stored; the collection keeps the embedding
model tag, so the server answers exactly what the embedded store answered. The SQLite
catalog and the keyword index stay where they are (the data dir): after migrating, point
``ASSISTANT_CHROMA_URL`` at the server and keep using the same data dir.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.errors import StoreError
from core.settings import Settings
from index.store import IndexStore, index_exists
from index.store.vectors import ChromaVectorStore


@dataclass(frozen=True)
class MigrationReport:
    """What :func:`migrate_to_chroma` copied."""

    url: str
    collection: str
    model_id: str
    dimension: int
    copied: int


def migrate_to_chroma(
    settings: Settings, url: str, *, replace: bool = False, batch: int = 1000
) -> MigrationReport:
    """Copy the embedded collection of ``settings`` to the Chroma server at ``url``.

    Takes the index's write lock (no ingest runs meanwhile) and first finishes what an
    interrupted writer left. Re-running after an interruption resumes (rows are upserted);
    ``replace`` drops a collection of the same name on the server first. Raises StoreError
    when the server ends up holding other rows than the embedded store.
    """
    # 1. the source: the embedded collection and the model that filled it
    local = ChromaVectorStore(settings.index_dir / "chroma", settings.collection)
    if not index_exists(settings):
        raise StoreError(f"no index in {settings.index_dir}; run `assistant ingest PATH` first")
    model_id, dimension = _stored_model(local, settings)
    store = IndexStore(settings.index_dir, settings.collection)
    store.open_vectors(model_id, dimension)
    try:
        with store.write_lock():
            store.recover()
            # 2. the destination: same name, same model tag, on the server
            remote = ChromaVectorStore(
                settings.index_dir / "chroma", settings.collection, chroma_url=url
            )
            if replace:
                remote.drop()
            remote.open(model_id, dimension, create=True)
            # 3. copy page by page, vectors exactly as stored
            copied = 0
            for page in store.vectors.export(batch):
                remote.upsert(
                    page["ids"],
                    np.asarray(page["embeddings"], dtype=np.float32),
                    page["documents"],
                    page["metadatas"],
                )
                copied += len(page["ids"])
            # 4. verify: the server holds exactly the embedded store's rows
            wanted, got = store.vectors.ids(), remote.ids()
            if wanted != got:
                raise StoreError(
                    f"after copying, {url} holds {len(got - wanted)} rows the local index lacks "
                    f"and lacks {len(wanted - got)} it has; re-run with --replace"
                )
    finally:
        store.close()
    return MigrationReport(url, settings.collection, model_id, dimension, copied)


def _stored_model(local: ChromaVectorStore, settings: Settings) -> tuple[str, int]:
    """The (model_id, dimension) the embedded collection was built with."""
    from chromadb.errors import NotFoundError

    try:
        col = local.client.get_collection(settings.collection, embedding_function=None)
    except NotFoundError:
        raise StoreError(
            f"no embedded Chroma collection {settings.collection!r} in {settings.index_dir}; "
            "nothing to migrate"
        ) from None
    meta = col.metadata or {}
    if "model_id" not in meta or "dimension" not in meta:
        raise StoreError(f"collection {settings.collection!r} carries no embedding model tag")
    return str(meta["model_id"]), int(meta["dimension"])
