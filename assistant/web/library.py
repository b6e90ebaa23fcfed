"""The 文档库 tab's handlers: upload and ingest with progress, list, delete."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.export import file_name
from assistant.web.uploads import save_uploads
from index.ingest_report import STATUS_ZH

if TYPE_CHECKING:
    from assistant.web.app_context import AppContext
    from index.store.catalog import DocumentRow

OUTCOME_HEADERS = ["状态", "文件", "说明"]
DOC_HEADERS = ["标题", "单位", "年份", "文种", "段数", "文件"]

Progress = Callable[[int, int, int], None]


def documents(ctx: AppContext) -> list[DocumentRow]:
    """Finished documents in the catalog; none when there is no index yet."""
    from index.store import index_exists, open_store

    if not index_exists(ctx.settings):
        return []
    store = open_store(ctx.settings)  # the catalog only: no embedding model needed
    try:
        return sorted(store.catalog.documents(), key=lambda d: (d.title, d.doc_id))
    finally:
        store.close()


def document_rows(docs: list[DocumentRow]) -> list[list[str]]:
    """Rows for the document table (see ``DOC_HEADERS``)."""
    return [
        [
            d.title,
            d.metadata.get("org") or "",
            str(d.metadata.get("year") or ""),
            d.metadata.get("genre") or "",
            str(d.n_chunks),
            file_name(d.source_path),
        ]
        for d in docs
    ]


def document_choices(docs: list[DocumentRow]) -> list[tuple[str, str]]:
    """(label, doc id) pairs for the delete selector."""
    return [(f"{d.title}（{file_name(d.source_path)}）", d.doc_id) for d in docs]


def filter_choices(docs: list[DocumentRow]) -> dict[str, list[str]]:
    """Distinct organisations, years (newest first) and genres present in the library."""

    def distinct(key: str) -> set[str]:
        return {str(d.metadata[key]) for d in docs if d.metadata.get(key)}

    return {
        "org": sorted(distinct("org")),
        "year": sorted(distinct("year"), reverse=True),
        "genre": sorted(distinct("genre")),
    }


def ingest_uploads(
    ctx: AppContext, files: list[str | Path], progress: Progress | None = None
) -> list[list[str]]:
    """Save the uploads, ingest them (no pruning) and return the outcome table."""
    from index.pipeline import ingest_paths

    saved, rejected = save_uploads(files, ctx.settings)
    rows = [[STATUS_ZH["failed"], r.name, r.reason] for r in rejected]
    if saved:
        report = ingest_paths(
            saved, ctx.settings, prune=False, embedder=ctx.embedder(), progress=progress
        )
        ctx.index_changed()
        for o in report.outcomes:
            reason = o.reason or (f"{o.n_chunks} 段" if o.n_chunks else "")
            if o.warnings:
                reason = "；".join([reason, *o.warnings]) if reason else "；".join(o.warnings)
            rows.append([STATUS_ZH.get(o.status, o.status), file_name(o.key), reason])
    return rows


def delete(ctx: AppContext, doc_ids: list[str]) -> int:
    """Delete documents from the index and their uploaded copies; returns how many."""
    from index.store import delete_documents, open_store

    if not doc_ids:
        return 0
    uploads = ctx.settings.uploads_dir.resolve()
    store = open_store(ctx.settings)
    try:
        paths = [Path(p) for d in doc_ids for p in store.catalog.paths_of(d)]
    finally:
        store.close()
    deleted = delete_documents(doc_ids, ctx.settings)
    ctx.index_changed()
    for p in paths:
        if p.resolve().parent == uploads:
            p.unlink(missing_ok=True)
    return len(deleted)
