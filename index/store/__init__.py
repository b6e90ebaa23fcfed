"""Where chunks live: the SQLite catalog, Chroma vectors and the BM25 keyword index."""

from index.store.delete import delete_documents
from index.store.index_store import CATALOG_FILE, IndexStore, index_exists, open_store

__all__ = ["CATALOG_FILE", "IndexStore", "delete_documents", "index_exists", "open_store"]
