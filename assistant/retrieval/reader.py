"""Read-only access to the index for the retrievers: query embedding, search, hits with provenance.

The catalog is opened at once; the embedding model and the Chroma collection only when a
query is first embedded or vectors are first read, so a keyword search, the review terms or
the document list never load a model.

A long-lived reader beside writers in other processes (the web app while `assistant ingest`
runs) is opened as a ``snapshot``: the keyword index it searches is the one published when it
opened, and its Chroma store is read afresh from disk (see ``_forget_embedded_chroma``), so
every chunk id it finds has its vector. ``stale()`` says when a writer has published since;
the holder then opens a new reader.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from assistant.retrieval.base import Hit
from core.errors import ConfigError
from core.settings import Settings
from index.embedders.base import Embedder
from index.store import IndexStore, open_store
from index.store.catalog import ChunkRow, DocumentRow
from index.store.keyword import KeywordIndex

FILTER_KEYS = ("org", "year", "genre", "doc_id")
QUERY_CACHE_SIZE = 256
# Set by every writer (ingest, delete) as its last step: what the finished documents are.
PUBLISHED = "keyword_generation"


class IndexReader:
    """The opened index plus the embedder its vectors came from (loaded on first use)."""

    def __init__(
        self, settings: Settings, embedder: Embedder | None = None, *, snapshot: bool = False
    ):
        self.settings = settings
        self._embedder = embedder
        self.snapshot = snapshot
        self._keyword: KeywordIndex | None = None  # a snapshot's; a live reader asks the store
        self.generation: str | None = None  # what was published when a snapshot opened
        self._store: IndexStore = open_store(settings, None if snapshot else embedder)
        if snapshot:
            # Stamp first, keyword index next, vectors last: each is at least as new as the
            # one before, so a keyword hit always finds its vector.
            try:
                self.generation = self._store.catalog.get_meta(PUBLISHED)
                self._keyword = self._store.keyword_index()
                _forget_embedded_chroma(settings)
                if embedder is not None:
                    self._store.open_vectors(embedder.model_id, embedder.dimension)
            except BaseException:
                self._store.close()
                raise
        self._vectors_checked = embedder is not None
        self._query_cache: dict[str, np.ndarray] = {}

    def close(self) -> None:
        self._store.close()

    def stale(self) -> bool:
        """Whether a writer (in any process) has published a change since this snapshot opened
        (always ``False`` for a live reader)."""
        return self.snapshot and self._store.catalog.get_meta(PUBLISHED) != self.generation

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from index.embedders import make_embedder

            self._embedder = make_embedder(self.settings)
        return self._embedder

    def _vectors(self):
        if not self._vectors_checked:
            if self.snapshot:
                _forget_embedded_chroma(self.settings)
            self._store.open_vectors(self.embedder.model_id, self.embedder.dimension)
            self._vectors_checked = True
        return self._store.vectors

    # -- searching
    def embed_query(self, query: str) -> np.ndarray:
        vec = self._query_cache.get(query)
        if vec is None:
            vec = self.embedder.embed([query], query=True)[0]
            if len(self._query_cache) >= QUERY_CACHE_SIZE:
                self._query_cache.clear()
            self._query_cache[query] = vec
        return vec

    def clear_query_cache(self) -> None:
        """Forget cached query vectors (benchmarks time the embedding too)."""
        self._query_cache.clear()

    def nearest(
        self, vector: np.ndarray, n: int, allowed: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine) of the ``n`` nearest chunks, within ``allowed`` documents."""
        where = {"doc_id": {"$in": sorted(allowed)}} if allowed is not None else None
        return [(cid, sim) for cid, sim, _ in self._vectors().query(vector, n, where)]

    def keyword_search(
        self, query: str, n: int, allowed: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, BM25 score) of the ``n`` best chunks, within ``allowed`` documents."""
        index = self._keyword if self.snapshot else self._store.keyword_index()
        return index.search(query, n, allowed)

    def vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of ``chunk_ids`` (those the store holds)."""
        return self._vectors().vectors(chunk_ids)

    # -- the catalog
    def documents(self) -> list[DocumentRow]:
        """Finished documents."""
        return self._store.catalog.documents()

    def dated_share(self) -> float:
        """The share of finished documents with a date or a year (0.0 for an empty index)."""
        docs = self.documents()
        dated = sum(1 for d in docs if d.metadata.get("date") or d.metadata.get("year"))
        return dated / len(docs) if docs else 0.0

    def version_groups(self) -> dict[str, str]:
        """doc_id → version group, for documents the library keeps more than one version of."""
        return self._store.catalog.version_groups()

    def document_text(self, doc_id: str) -> str | None:
        """The whole cleaned text of a document."""
        return self._store.catalog.document_text(doc_id)

    def chunks_of(self, doc_id: str) -> list[ChunkRow]:
        """A document's chunks in reading order."""
        return self._store.catalog.chunks_of(doc_id)

    def allowed_docs(self, filters: dict[str, Any] | None) -> set[str] | None:
        """Finished documents matching ``filters`` (``None`` = no filter)."""
        if not filters:
            return None
        unknown = set(filters) - set(FILTER_KEYS)
        if unknown:
            raise ConfigError(f"unknown filter(s) {sorted(unknown)}; use {list(FILTER_KEYS)}")
        out = set()
        for d in self.documents():
            fields = {**d.metadata, "doc_id": d.doc_id}
            if all(
                _matches(fields.get(k), v, d.source_id if k == "doc_id" else None)
                for k, v in filters.items()
            ):
                out.add(d.doc_id)
        return out

    def hits(self, scored: list[tuple[str, float]]) -> list[Hit]:
        """Hits for (chunk_id, score) pairs, dropping chunks of unfinished documents."""
        catalog = self._store.catalog
        rows = catalog.chunk_rows(cid for cid, _ in scored)
        done = catalog.done_ids(r.doc_id for r in rows.values())
        docs = {d: catalog.document(d) for d in done}
        out = []
        for cid, score in scored:
            row = rows.get(cid)
            if row is None or row.doc_id not in done:
                continue
            doc = docs[row.doc_id]
            out.append(
                Hit(
                    chunk_id=cid,
                    doc_id=row.doc_id,
                    text=row.text,
                    score=score,
                    title=doc.title,
                    section_path=row.section_path,
                    source_path=doc.source_path,
                    metadata={
                        **doc.metadata,
                        "source_id": doc.source_id,
                        "position": row.position,
                        "start": row.start,
                        "end": row.end,
                    },
                )
            )
        return out

    def with_sibling_sections(self, hits: list[Hit]) -> list[Hit]:
        """``hits``, each with ``metadata["sibling_sections"]`` (``sibling_sections`` over its
        document's outline). Read for the few hits a retrieval returns, not for every
        candidate: a document's outline costs a query over all its chunks."""
        catalog = self._store.catalog
        outlines = {d: catalog.section_paths(d) for d in dict.fromkeys(h.doc_id for h in hits)}
        return [
            replace(
                h,
                metadata={
                    **h.metadata,
                    "sibling_sections": sibling_sections(h.section_path, outlines[h.doc_id]),
                },
            )
            for h in hits
        ]


def sibling_sections(path: str, outline: list[str]) -> tuple[str, ...]:
    """The headings at ``path``'s level under ``path``'s parent, in reading order, ``path``'s
    own included (「(一)…」「(二)…」「(三)…」 of one 「二、存在的问题」); the parent heading first,
    "" for a top-level path. Empty for a passage outside any section."""
    parts = [p.strip() for p in path.split(">")] if path.strip() else []
    if not parts:
        return ()
    parent, level = parts[:-1], len(parts) - 1
    heads: dict[str, None] = {}
    for other in outline:
        o = [p.strip() for p in other.split(">")] if other.strip() else []
        if len(o) > level and o[:level] == parent:
            heads[o[level]] = None
    return (" > ".join(parent), *heads)


def _forget_embedded_chroma(settings: Settings) -> None:
    """Make the next embedded Chroma client of this process read the store from disk.

    chromadb keeps one client system per store path and process, with the HNSW index it
    loaded; vectors another process added since are missing from it, and fetching them fails
    with "Error finding id". Dropping that system from chromadb's registry makes the next
    client start a new one; clients already open keep theirs, so an answer still running
    finishes on its own snapshot. Reference counts are left alone: closing an old client
    still balances them. A Chroma server (``chroma_url``) needs none of this.
    """
    if settings.chroma_url:
        return
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(settings.index_dir / "chroma"), None)


def _matches(value: Any, wanted: Any, alias: str | None) -> bool:
    options = wanted if isinstance(wanted, list | tuple | set) else [wanted]
    return any(str(value) == str(o) or (alias is not None and alias == str(o)) for o in options)
