"""The ``naive`` baseline: what a newcomer builds from the LangChain RAG tutorial.

``RecursiveCharacterTextSplitter()`` with its defaults (4,000 characters, 200 overlap),
dense-only search in an embedded Chroma collection, the project's embedding model (so
the comparison isolates chunking and retrieval, not the model). Vectors are computed by
our embedder and passed in; Chroma's default embedding function is never used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.retrieval.base import Hit
from core.errors import StoreError
from evals.corpus import CorpusDoc
from index.embedders.base import Embedder

COLLECTION = "naive"
_EMBED_BATCH = 64


def split_naive(docs: Sequence[CorpusDoc]) -> list[tuple[str, str, str]]:
    """``(chunk_id, eval_id, text)`` for every chunk of every document that has text."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter()
    chunks: list[tuple[str, str, str]] = []
    for doc in docs:
        if not doc.text or not doc.text.strip():
            continue
        for i, piece in enumerate(splitter.split_text(doc.text)):
            chunks.append((f"{doc.eval_id}:{i}", doc.eval_id, piece))
    return chunks


class NaiveChromaRetriever:
    """Dense-only search over default-split chunks in a local Chroma folder.

    Built once per corpus folder; reused when the stored model id and chunk count match.
    """

    def __init__(
        self,
        docs: Sequence[CorpusDoc],
        embedder: Embedder,
        persist_dir: Path,
        *,
        progress: Callable[[int, int], None] | None = None,
    ):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.embedder = embedder
        self.skipped = sum(1 for d in docs if d.text is None)
        self._titles = {d.eval_id: d.title for d in docs}
        persist_dir.mkdir(parents=True, exist_ok=True)
        self._client = chromadb.PersistentClient(
            path=str(persist_dir), settings=ChromaSettings(anonymized_telemetry=False)
        )
        chunks = split_naive(docs)
        self.n_chunks = len(chunks)
        self._collection = self._open(chunks, progress)

    def _open(
        self, chunks: list[tuple[str, str, str]], progress: Callable[[int, int], None] | None
    ):
        wanted = {"model_id": self.embedder.model_id, "n_chunks": len(chunks)}
        existing = {c.name for c in self._client.list_collections()}
        if COLLECTION in existing:
            col = self._client.get_collection(COLLECTION, embedding_function=None)
            meta = col.metadata or {}
            if all(meta.get(k) == v for k, v in wanted.items()) and col.count() == len(chunks):
                return col
            self._client.delete_collection(COLLECTION)
        col = self._client.create_collection(COLLECTION, embedding_function=None, metadata=wanted)
        batch = min(_EMBED_BATCH, self._client.get_max_batch_size())
        for start in range(0, len(chunks), batch):
            part = chunks[start : start + batch]
            vectors = self.embedder.embed([text for _, _, text in part])
            col.add(
                ids=[cid for cid, _, _ in part],
                documents=[text for _, _, text in part],
                embeddings=vectors,
                metadatas=[{"source_id": eid} for _, eid, _ in part],
            )
            if progress is not None:
                progress(min(start + batch, len(chunks)), len(chunks))
        return col

    def retrieve(self, query: str, k: int = 5, filters: dict[str, Any] | None = None) -> list[Hit]:
        """Top ``k`` chunks by L2 distance (Chroma's default); ties broken by chunk id.

        ``filters`` are ignored: the tutorial pipeline has no metadata to filter on.
        """
        if self.n_chunks == 0:
            return []
        vector = self.embedder.embed([query], query=True)
        try:
            res = self._collection.query(
                query_embeddings=vector,
                n_results=min(k, self.n_chunks),
                include=["documents", "metadatas", "distances"],
            )
        except ValueError as exc:  # chromadb reports dimension/shape problems this way
            raise StoreError(f"naive Chroma query failed: {exc}") from exc
        rows = sorted(
            zip(
                res["ids"][0],
                res["documents"][0],
                res["metadatas"][0],
                res["distances"][0],
                strict=True,
            ),
            key=lambda r: (r[3], r[0]),
        )
        return [
            Hit(
                chunk_id=cid,
                doc_id=meta["source_id"],
                text=text,
                score=-float(dist),
                title=self._titles.get(meta["source_id"], ""),
                metadata={"source_id": meta["source_id"]},
            )
            for cid, text, meta, dist in rows
        ]
