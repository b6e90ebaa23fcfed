"""Where chunks live: the SQLite catalog, Chroma vectors and the BM25 keyword index."""

from index.store.index_store import IndexStore

__all__ = ["IndexStore"]
