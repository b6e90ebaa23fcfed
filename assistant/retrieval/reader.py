"""Read-only access to the index for the retrievers: query embedding, hits with provenance."""

from __future__ import annotations

from typing import Any

import numpy as np

from assistant.retrieval.base import Hit
from core.errors import ConfigError
from core.settings import Settings
from index.embedders.base import Embedder
from index.store import IndexStore

FILTER_KEYS = ("org", "year", "genre", "doc_id")


class IndexReader:
    """The opened index plus the embedder its vectors came from."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        from index.embedders import make_embedder
        from index.pipeline import open_store

        self.settings = settings
        self.embedder = embedder or make_embedder(settings)
        self.store: IndexStore = open_store(settings, self.embedder, create=False)
        self._query_cache: dict[str, np.ndarray] = {}

    def close(self) -> None:
        self.store.close()

    def embed_query(self, query: str) -> np.ndarray:
        vec = self._query_cache.get(query)
        if vec is None:
            vec = self.embedder.embed([query], query=True)[0]
            if len(self._query_cache) > 256:
                self._query_cache.clear()
            self._query_cache[query] = vec
        return vec

    def allowed_docs(self, filters: dict[str, Any] | None) -> set[str] | None:
        """Finished documents matching ``filters`` (``None`` = no filter)."""
        if not filters:
            return None
        unknown = set(filters) - set(FILTER_KEYS)
        if unknown:
            raise ConfigError(f"unknown filter(s) {sorted(unknown)}; use {list(FILTER_KEYS)}")
        out = set()
        for d in self.store.catalog.documents():
            fields = {**d.metadata, "doc_id": d.doc_id}
            if all(
                _matches(fields.get(k), v, d.source_id if k == "doc_id" else None)
                for k, v in filters.items()
            ):
                out.add(d.doc_id)
        return out

    def hits(self, scored: list[tuple[str, float]]) -> list[Hit]:
        """Hits for (chunk_id, score) pairs, dropping chunks of unfinished documents."""
        catalog = self.store.catalog
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


def _matches(value: Any, wanted: Any, alias: str | None) -> bool:
    options = wanted if isinstance(wanted, list | tuple | set) else [wanted]
    return any(str(value) == str(o) or (alias is not None and alias == str(o)) for o in options)
