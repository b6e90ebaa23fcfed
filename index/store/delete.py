"""Deleting documents by id or file stem: the one entry point for the CLI and the web library."""

from __future__ import annotations

from collections.abc import Iterable

from core.errors import NotFoundError
from core.settings import Settings
from index.store.index_store import open_store


def delete_documents(doc_ids: Iterable[str], settings: Settings) -> list[str]:
    """Delete documents by id (or source id); returns the internal ids deleted.

    Needs no embedding model: vectors are removed by ``doc_id``. Raises NotFoundError for an
    id the index does not know.
    """
    store = open_store(settings)
    try:
        with store.write_lock():
            # Chroma first: an unreachable server fails here, before the catalog changes.
            store.vectors  # noqa: B018 - opens the collection
            # Re-running a delete that was killed finishes it: the documents of its batch
            # are removed by recover() (or already were) and count as deleted, not unknown.
            finished = store.catalog.delete_batch()
            if store.recover():
                store.refresh_keyword()
            by_source = {d.source_id: d.doc_id for d in store.catalog.documents()}
            resolved, todo = [], []
            for d in doc_ids:
                doc_id = d if store.catalog.document(d) else by_source.get(d)
                if doc_id is not None:
                    todo.append(doc_id)
                elif d in finished:
                    doc_id = finished[d]
                else:
                    raise NotFoundError(f"no document {d!r} in the index")
                if doc_id not in resolved:
                    resolved.append(doc_id)
            store.delete_documents(list(dict.fromkeys(todo)))  # refreshes the keyword index
            return resolved
    finally:
        store.close()
