"""``assistant index repair``: make Chroma and the BM25 index agree with the catalog again.

The catalog keeps every finished chunk's text, section path and document metadata, so what
the derived parts lost is rebuilt from it without reading the source files:

1. The catalog must open and pass SQLite's integrity check; a damaged one cannot be repaired
   from itself and raises IndexDamagedError naming ``assistant ingest --rebuild PATH…``.
2. Whatever an interrupted writer left is undone first (:meth:`IndexStore.recover`).
3. Chroma: files it cannot open or read are removed and the collection made anew; chunks it
   lacks are embedded again exactly as ingest embeds them (same text, same metadata), vectors
   the catalog does not know are deleted.
4. BM25: rebuilt from the catalog's stored tokens when damaged or not covering exactly the
   finished chunks.

``quick`` (what every ingest runs first) trusts the cheap signs (two counts, the BM25 files and
stamp) and does nothing more when they agree.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field

from core.errors import IndexDamagedError, StoreError
from core.settings import Settings
from index.embedders.base import Embedder
from index.store import keyword
from index.store.catalog import Catalog
from index.store.damage import CATALOG, damaged
from index.store.index_store import IndexStore, index_exists, write_lock
from index.types import Chunk, Document

EMBED_BATCH = 256

log = logging.getLogger(__name__)


@dataclass
class RepairReport:
    """What :func:`repair_index` changed."""

    recovered: list[str] = field(default_factory=list)  # unfinished documents undone
    chroma_recreated: bool = False  # Chroma's files were unreadable and were made anew
    reembedded: int = 0
    removed_vectors: int = 0
    keyword_rebuilt: bool = False

    @property
    def changed(self) -> bool:
        return bool(
            self.recovered
            or self.chroma_recreated
            or self.reembedded
            or self.removed_vectors
            or self.keyword_rebuilt
        )

    def summary(self) -> str:
        """One line in Chinese: what was repaired, or that nothing needed it."""
        done = []
        if self.recovered:
            done.append(f"清理 {len(self.recovered)} 篇上次中断的文档")
        if self.chroma_recreated:
            done.append("向量库 Chroma 文件无法读取，已重新建立")
        if self.reembedded:
            done.append(f"向量库 Chroma 补回 {self.reembedded} 个段落的向量")
        if self.removed_vectors:
            done.append(f"向量库 Chroma 删除 {self.removed_vectors} 个多余向量")
        if self.keyword_rebuilt:
            done.append("关键词索引 BM25 已从目录库重建")
        return "；".join(done) if done else "索引完好，无需修复"


def repair_index(settings: Settings, embedder: Embedder) -> RepairReport:
    """Repair the configured index under its writer lock (see the module doc)."""
    if not index_exists(settings):
        raise StoreError(f"no index in {settings.index_dir}; run `assistant ingest PATH` first")
    with write_lock(settings.index_dir):
        return repair_locked(settings, embedder)


def repair_before_ingest(settings: Settings, embedder: Embedder) -> RepairReport:
    """The quick repair every ingest runs under its lock; the ingest report carries what it
    changed (``IngestReport.repaired``), so a repaired index never passes as merely "unchanged"."""
    return repair_locked(settings, embedder, quick=True)


def repair_locked(settings: Settings, embedder: Embedder, *, quick: bool = False) -> RepairReport:
    """:func:`repair_index` for a caller that already holds the writer lock (ingest)."""
    report = RepairReport()
    # 1. the catalog, the source of truth
    store = IndexStore.from_settings(settings)
    try:
        if not quick:
            problem = store.catalog.integrity_problem()
            if problem is not None:
                raise damaged(CATALOG, store.catalog.path, f"已损坏（{problem}）")
        if quick and _looks_sound(store, embedder):
            return report
        # 2. interrupted writers
        report.recovered = _recover(store, embedder, report)
        # 3. Chroma
        have = _readable_ids(store, embedder, report)
        vectors = store.vectors
        done = store.catalog.done_chunk_ids()
        extra = sorted(have - done)
        if extra:
            vectors.delete_ids(extra)
            report.removed_vectors = len(extra)
        report.reembedded = reembed(store, embedder, sorted(done - have))
        # 4. BM25
        report.keyword_rebuilt = _rebuild_keyword(store, done)
    finally:
        store.close()
    return report


def _looks_sound(store: IndexStore, embedder: Embedder) -> bool:
    """The cheap signs: Chroma opens with a plausible count, BM25 loads with the right stamp."""
    try:
        # create: a missing collection is then simply short of every vector
        store.open_vectors(embedder.model_id, embedder.dimension, create=True)
        if store.vector_count_problem() is not None:
            return False
        loaded = keyword.load(store.keyword_root)
    except IndexDamagedError:
        return False
    expected = store.catalog.get_meta("keyword_generation")
    if loaded is None:
        return expected is None
    return loaded.generation == expected


def _recover(store: IndexStore, embedder: Embedder, report: RepairReport) -> list[str]:
    """Undo unfinished documents; their vector deletes need a readable Chroma first."""
    if not store.catalog.unfinished():
        return []
    _open_or_recreate(store, embedder, report)
    return store.recover()


def _open_or_recreate(store: IndexStore, embedder: Embedder, report: RepairReport) -> None:
    """Open (or create) the collection; a local one whose files cannot be opened is removed
    and made anew (its vectors come back from the catalog)."""
    try:
        store.open_vectors(embedder.model_id, embedder.dimension, create=True)
    except IndexDamagedError:
        _recreate(store, embedder, report)


def _readable_ids(store: IndexStore, embedder: Embedder, report: RepairReport) -> set[str]:
    """The chunk ids Chroma holds, after making it readable (recreated: none)."""
    _open_or_recreate(store, embedder, report)
    try:
        return store.vectors.ids()
    except StoreError:
        if store.chroma_url:  # a server that fails is not ours to wipe
            raise
        _recreate(store, embedder, report)
        return set()


def _recreate(store: IndexStore, embedder: Embedder, report: RepairReport) -> None:
    if store.chroma_url:
        raise StoreError(f"cannot repair the collection on the Chroma server {store.chroma_url}")
    store.release_vectors()
    shutil.rmtree(store.index_dir / "chroma", ignore_errors=True)
    store.open_vectors(embedder.model_id, embedder.dimension, create=True)
    report.chroma_recreated = True


def embed_inputs(
    catalog: Catalog, chunk_ids: list[str]
) -> tuple[list[str], list[str], list[str], list[dict]]:
    """(ids, texts to embed, display texts, Chroma metadata) of stored chunks, as ingest made them."""
    from index.prepare import chunk_metadata

    rows = catalog.chunk_rows(chunk_ids)
    docs = {}
    ids, embed_texts, texts, metas = [], [], [], []
    for cid in chunk_ids:
        row = rows[cid]
        if row.doc_id not in docs:
            d = catalog.document(row.doc_id)
            docs[row.doc_id] = (
                Document(d.doc_id, d.source_path, d.title, "", "", metadata=d.metadata),
                d.source_id,
            )
        doc, source_id = docs[row.doc_id]
        chunk = Chunk(
            chunk_id=cid,
            doc_id=row.doc_id,
            position=row.position,
            text=row.text,
            start=row.start,
            end=row.end,
            section_path=row.section_path,
            # what index.chunking gives the embedder: title, section path, text
            embed_text="\n".join(p for p in (doc.title, row.section_path, row.text) if p),
            norm_text="",
        )
        ids.append(cid)
        embed_texts.append(chunk.embed_text)
        texts.append(chunk.text)
        metas.append(chunk_metadata(doc, chunk, source_id))
    return ids, embed_texts, texts, metas


def reembed(store: IndexStore, embedder: Embedder, chunk_ids: list[str]) -> int:
    """Embed stored chunks again and upsert them into Chroma; returns how many."""
    for i in range(0, len(chunk_ids), EMBED_BATCH):
        ids, embed_texts, texts, metas = embed_inputs(store.catalog, chunk_ids[i : i + EMBED_BATCH])
        store.vectors.upsert(ids, embedder.embed(embed_texts), texts, metas)
    return len(chunk_ids)


def _rebuild_keyword(store: IndexStore, done: set[str]) -> bool:
    """Rebuild BM25 from the catalog unless it loads, passes its hashes and covers ``done``."""
    root = store.keyword_root
    try:
        loaded = keyword.load(root)
        sound = (
            loaded is not None and set(loaded.chunk_ids) == done and keyword.verify(root) is None
        )
    except IndexDamagedError:
        sound = False
    if sound:
        store.refresh_keyword()  # the stamp in the catalog
        return False
    shutil.rmtree(root, ignore_errors=True)  # build() keeps a folder that is already there
    store.refresh_keyword()
    return True
