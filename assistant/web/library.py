"""The 文档库 tab's handlers: upload and ingest with progress, list, edit cells, delete."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.export import file_name
from assistant.web.uploads import save_uploads
from index.ingest_report import STATUS_ZH
from index.store.catalog_versions import group_members

if TYPE_CHECKING:
    from assistant.web.app_context import AppContext
    from index.store.catalog import DocumentRow

OUTCOME_HEADERS = ["状态", "文件", "说明"]
DOC_HEADERS = ["编号", "标题", "单位", "日期", "年份", "文种", "段数", "文件", "版本"]
# The cells a librarian may correct (the others are the index's: id, year from the date, …).
EDITABLE = {"标题": "title", "单位": "org", "日期": "date", "文种": "genre"}
STATIC_COLUMNS = [i for i, h in enumerate(DOC_HEADERS) if h not in EDITABLE]
COLUMN_WIDTHS = ["9%", "24%", "15%", "8%", "5%", "7%", "5%", "16%", "11%"]
SHORT_ID = 12

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


def document_rows(docs: list[DocumentRow], groups: dict[str, str] | None = None) -> list[list[str]]:
    """Rows for the document table (see ``DOC_HEADERS``); ``groups``: doc id → version group."""
    groups = groups or {}
    members = group_members(groups)
    labels = {
        g: f"版本组 {n}（共 {len(m)} 份）" for n, (g, m) in enumerate(sorted(members.items()), 1)
    }
    return [
        [
            short_id(d.doc_id),
            d.title,
            d.metadata.get("org") or "",
            d.metadata.get("date") or "",
            str(d.metadata.get("year") or ""),
            d.metadata.get("genre") or "",
            str(d.n_chunks),
            file_name(d.source_path),
            labels.get(groups.get(d.doc_id, ""), ""),
        ]
        for d in docs
    ]


def short_id(doc_id: str) -> str:
    """The id the table shows: enough of it to be unique in any library a team keeps."""
    return doc_id[:SHORT_ID]


def version_groups(ctx: AppContext) -> dict[str, str]:
    """doc id → version group for documents kept in more than one version."""
    from index.store import index_exists, open_store

    if not index_exists(ctx.settings):
        return {}
    store = open_store(ctx.settings)
    try:
        return store.catalog.version_groups()
    finally:
        store.close()


def edit_cells(ctx: AppContext, rows: list[list[str]]) -> list[str]:
    """Apply the cells a librarian changed in the table (rows as the page sends them back);
    returns one line per document corrected. Raises ConfigError for a bad value."""
    from index.store.edits import edit_document

    docs = documents(ctx)
    ids = {short_id(d.doc_id): d.doc_id for d in docs}
    current = {r[0]: r for r in document_rows(docs)}
    done = []
    for row in rows:
        before = current.get(str(row[0]))
        if before is None:
            continue
        fields = {
            EDITABLE[h]: str(row[i]).strip()
            for i, h in enumerate(DOC_HEADERS)
            if h in EDITABLE and str(row[i]).strip() != before[i]
        }
        if fields:
            edited = edit_document(ctx.settings, ids[before[0]], fields)
            done.append(f"已修改《{edited.title}》：{'、'.join(_FIELD_ZH[k] for k in fields)}")
    if done:
        ctx.index_changed()
    return done


_FIELD_ZH = {"title": "标题", "org": "单位", "date": "日期", "genre": "文种"}


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
            if o.other:  # the other file by its name, as the table shows files
                reason = reason.replace(o.other, file_name(o.other))
            if o.warnings:
                reason = "；".join([reason, *o.warnings]) if reason else "；".join(o.warnings)
            rows.append([STATUS_ZH.get(o.status, o.status), file_name(o.key), reason])
    return rows


def delete(ctx: AppContext, doc_ids: list[str]) -> list[str]:
    """Delete documents from the index and their uploaded copies; returns the files deleted."""
    from index.store import delete_documents, open_store

    if not doc_ids:
        return 0
    uploads = ctx.settings.uploads_dir.resolve()
    store = open_store(ctx.settings)
    try:
        paths = [Path(p) for d in doc_ids for p in store.catalog.paths_of(d)]
    finally:
        store.close()
    delete_documents(doc_ids, ctx.settings)
    ctx.index_changed()
    for p in paths:
        if p.resolve().parent == uploads:
            p.unlink(missing_ok=True)
    return [file_name(str(p)) for p in paths] or list(doc_ids)
