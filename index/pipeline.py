"""Ingest: files or records → documents → chunks → vectors + keyword index, incrementally.

One pass, three overlapping stages: the main thread hashes each input and skips the
unchanged ones; a worker process loads, cleans and chunks the rest under a watchdog
(:mod:`index.prepare_worker`); the main thread embeds chunks in batches and writes them. A document is written ``pending`` → vectors → ``done``
(see :mod:`index.store.catalog`), so a run killed anywhere and run again ends exactly
where a clean build ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from core.errors import ConfigError, LoadError, NoTextError
from core.settings import Settings
from index.embedders.base import Embedder
from index.ingest_report import FileOutcome, IngestReport
from index.placing import Placing, drop_if_orphan
from index.prepare import Prepared, chunk_metadata
from index.prepare_worker import prepared_items
from index.sources import Item, file_items, record_items
from index.store import IndexStore, open_store
from index.store.edits import Edits
from index.versions import Versions

FLUSH_CHUNKS = 256

Progress = Callable[[int, int, int], None]  # (items done, items total, chunks embedded)


class _Writer:
    """Accumulates chunks across documents and writes them in embedding batches."""

    def __init__(self, store: IndexStore, embedder: Embedder, report: IngestReport):
        self.store, self.embedder, self.report = store, embedder, report
        self.buffer: list[tuple[Prepared, int, str]] = []
        self.remaining: dict[str, int] = {}
        self.finish: dict[str, list[Callable[[], None]]] = {}
        self.embedded = 0

    def add(self, prep: Prepared, source_id: str, on_done: Callable[[], None]) -> None:
        doc_id = prep.doc.doc_id
        self.store.catalog.add_pending(prep.doc, source_id, prep.chunks, prep.tokens)
        self.remaining[doc_id] = len(prep.chunks)
        self.finish[doc_id] = [on_done]
        if not prep.chunks:
            self._complete(doc_id)
        self.buffer.extend((prep, i, source_id) for i in range(len(prep.chunks)))
        if len(self.buffer) >= FLUSH_CHUNKS:
            self.flush()

    def also_on_done(self, doc_id: str, fn: Callable[[], None]) -> None:
        """Run ``fn`` when a document still in flight is complete (a duplicate's source)."""
        self.finish[doc_id].append(fn)

    def in_flight(self, doc_id: str) -> bool:
        return doc_id in self.remaining

    def flush(self) -> None:
        if not self.buffer:
            return
        batch, self.buffer = self.buffer, []
        chunks = [prep.chunks[i] for prep, i, _ in batch]
        vectors = self.embedder.embed([c.embed_text for c in chunks])
        self.store.vectors.upsert(
            [c.chunk_id for c in chunks],
            vectors,
            [c.text for c in chunks],
            [chunk_metadata(prep.doc, prep.chunks[i], sid) for prep, i, sid in batch],
        )
        self.embedded += len(chunks)
        for c in chunks:
            self.remaining[c.doc_id] -= 1
            if self.remaining[c.doc_id] == 0:
                self._complete(c.doc_id)

    def _complete(self, doc_id: str) -> None:
        self.store.catalog.set_status(doc_id, "done")
        for fn in self.finish.pop(doc_id):
            fn()
        del self.remaining[doc_id]


def run_ingest(
    items: list[Item],
    store: IndexStore,
    embedder: Embedder,
    settings: Settings,
    *,
    prune_roots: Iterable[str] = (),
    progress: Progress | None = None,
    replace_versions: bool = False,
) -> IngestReport:
    """Write ``items`` into ``store``; the caller holds the write lock. With
    ``replace_versions``, a document found to be a version of one already stored keeps only
    the newer of the two."""
    report = IngestReport()
    report.recovered = store.recover()
    catalog = store.catalog
    _check_chunking(catalog, settings)
    writer = _Writer(store, embedder, report)
    placing = Placing(
        writer, store, report, Versions(catalog), Edits(settings.data_dir).all(), replace_versions
    )
    total, done = len(items), 0

    todo: list[Item] = []
    for item in items:
        known = catalog.source(item.key)
        if known and known[1] == item.file_hash and catalog.doc_status(known[0]) == "done":
            report.add(FileOutcome(item.key, "unchanged", doc_id=known[0]))
            done += 1
        else:
            todo.append(item)
    if progress:
        progress(done, total, 0)

    for item, result in prepared_items(todo, settings):
        done += 1
        if isinstance(result, LoadError):
            status = "skipped" if isinstance(result, NoTextError) else "failed"
            report.add(FileOutcome(item.key, status, reason=result.reason))
        else:
            placing.place(item, result)
        if progress:
            progress(done, total, writer.embedded)
    writer.flush()

    seen = {item.key for item in items}
    for root in prune_roots:
        for key in catalog.sources_under(root):
            if key not in seen:
                doc_id = catalog.source(key)[0]
                catalog.drop_source(key)
                drop_if_orphan(store, doc_id)
                report.add(
                    FileOutcome(
                        key, "removed", reason="文件已不在文件夹中，已从库中移除", doc_id=doc_id
                    )
                )
    store.refresh_keyword()
    report.chunks_embedded = writer.embedded
    if progress:
        progress(total, total, writer.embedded)
    return report


def chunking_config(settings: Settings) -> str:
    """The chunking recorded in the catalog (``Settings.chunking`` in words)."""
    tokens, overlap = settings.chunking
    return f"chunk_tokens={tokens}, overlap_sentences={overlap}"


def _check_chunking(catalog, settings: Settings) -> None:
    wanted = chunking_config(settings)
    recorded = catalog.get_meta("chunking")
    if recorded is None or catalog.counts()["documents"] == 0:
        catalog.set_meta("chunking", wanted)
    elif recorded != wanted:
        raise ConfigError(
            f"the index was chunked with {recorded} but the settings say {wanted}; "
            "re-index with `assistant ingest --rebuild PATH…` or restore the setting"
        )


def _default_embedder(settings: Settings) -> Embedder:
    from index.embedders import make_embedder

    return make_embedder(settings)


def _ingest(
    items: list[Item],
    prune_roots: list[str],
    settings: Settings,
    report: IngestReport,
    *,
    embedder: Embedder | None,
    rebuild: bool,
    progress: Progress | None,
    replace_versions: bool = False,
) -> IngestReport:
    from index.store.index_store import index_exists, remove_index_files, write_lock
    from index.store.repair import repair_before_ingest

    embedder = embedder or _default_embedder(settings)
    repaired = ""
    with write_lock(settings.index_dir):
        if rebuild:  # by path, unopened: works when SQLite cannot read the files
            remove_index_files(settings)
        elif index_exists(settings):  # lost vectors or BM25 files come back first
            fixed = repair_before_ingest(settings, embedder)
            repaired = fixed.summary() if fixed.changed else ""
        store = open_store(settings, embedder, create=True)
        try:
            if rebuild:  # a Chroma server's collection is dropped through the client
                store.wipe()
                store.open_vectors(embedder.model_id, embedder.dimension, create=True)
            run = run_ingest(
                items,
                store,
                embedder,
                settings,
                prune_roots=prune_roots,
                progress=progress,
                replace_versions=replace_versions,
            )
        finally:
            store.close()
    # Outcomes decided before loading (missing, unsupported, too large) come first.
    run.outcomes = report.outcomes + run.outcomes
    run.repaired = repaired
    return run


def ingest_paths(
    paths: Iterable[Path],
    settings: Settings,
    *,
    prune: bool = True,
    rebuild: bool = False,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    replace_versions: bool = False,
) -> IngestReport:
    """Ingest files and folders. With ``prune``, files gone from a folder ingested before are
    removed; with ``replace_versions``, of two versions of a report only the newer stays."""
    paths = list(paths)
    report = IngestReport()
    items, roots = file_items(paths, settings, report)
    return _ingest(
        items,
        roots if prune else [],
        settings,
        report,
        embedder=embedder,
        rebuild=rebuild,
        progress=progress,
        replace_versions=replace_versions,
    )


def ingest_records(
    records: Iterable[dict],
    settings: Settings,
    *,
    source_name: str,
    prune: bool = True,
    rebuild: bool = False,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest ``{id, title, text}`` records (a JSONL corpus); ``id`` becomes the source id."""
    items = record_items(records, source_name)
    roots = [f"jsonl:{source_name}"] if prune else []
    return _ingest(
        items,
        roots,
        settings,
        IngestReport(),
        embedder=embedder,
        rebuild=rebuild,
        progress=progress,
    )
