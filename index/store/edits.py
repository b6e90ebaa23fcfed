"""Metadata a librarian corrected by hand, kept apart from what extraction found.

The edits live in their own SQLite file beside the index folder (``<data dir>/edits.sqlite3``),
so ``ingest --rebuild`` (which wipes the index) and re-ingest keep them. They are keyed by
document id, which comes from the normalised content: the same report ingested again, from any
path, gets its corrections back; a changed report is a new document and starts from what
extraction finds.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

from core.errors import ConfigError, NotFoundError
from index.metadata import GENRES
from index.types import Document

EDITS_FILE = "edits.sqlite3"
FIELDS = ("title", "org", "date", "genre")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS edits (
    doc_id TEXT PRIMARY KEY,
    fields TEXT NOT NULL,
    edited_at TEXT NOT NULL
);
"""


def check_edit(fields: dict[str, str | None]) -> dict[str, str | None]:
    """The edit with values checked and trimmed; ``""`` clears a field back to empty.

    Raises ConfigError naming the field and what is allowed."""
    clean: dict[str, str | None] = {}
    for key, value in fields.items():
        if key not in FIELDS:
            raise ConfigError(f"不能修改的字段 {key}（可改：{'、'.join(FIELDS)}）")
        if value is None:
            continue
        value = " ".join(str(value).split())
        if key == "title" and not value:
            raise ConfigError("标题不能为空")
        if key == "date" and value:
            try:
                value = dt.date.fromisoformat(value).isoformat()
            except ValueError as exc:
                raise ConfigError(f"日期 {value!r} 无效，请写成 2024-03-05 的形式") from exc
        if key == "genre" and value and value not in GENRES:
            raise ConfigError(f"文种 {value!r} 无效（可选：{'、'.join(GENRES)}）")
        clean[key] = value
    return clean


def edited(title: str, metadata: dict, fields: dict[str, str | None]) -> tuple[str, dict]:
    """(title, metadata) with the corrected fields; the year follows a corrected date."""
    if not fields:
        return title, metadata
    metadata = dict(metadata)
    for key in ("org", "date", "genre"):
        if key in fields:
            metadata[key] = fields[key] or None
    if fields.get("date"):
        metadata["year"] = int(fields["date"][:4])
    metadata["edited"] = sorted(set(metadata.get("edited") or ()) | set(fields))
    return fields.get("title") or title, metadata


def apply_edit(doc: Document, fields: dict[str, str | None]) -> Document:
    """``doc`` with its stored corrections (what ingest does before writing a document)."""
    if not fields:
        return doc
    title, metadata = edited(doc.title, doc.metadata, fields)
    return replace(doc, title=title, metadata=metadata)


class Edits:
    """The edits file. One short connection per call: edits are rare and small."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / EDITS_FILE

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.executescript(_SCHEMA)
        return db

    def get(self, doc_id: str) -> dict[str, str | None]:
        """The stored corrections of one document (``{}`` when none)."""
        if not self.path.exists():
            return {}
        db = self._connect()
        try:
            row = db.execute("SELECT fields FROM edits WHERE doc_id=?", (doc_id,)).fetchone()
        finally:
            db.close()
        return json.loads(row[0]) if row else {}

    def all(self) -> dict[str, dict[str, str | None]]:
        """Every document's corrections, read at once (an ingest run looks each document up)."""
        if not self.path.exists():
            return {}
        db = self._connect()
        try:
            rows = db.execute("SELECT doc_id, fields FROM edits").fetchall()
        finally:
            db.close()
        return {doc_id: json.loads(fields) for doc_id, fields in rows}

    def set(self, doc_id: str, fields: dict[str, str | None]) -> dict[str, str | None]:
        """Merge ``fields`` into the document's corrections; returns all of them."""
        merged = {**self.get(doc_id), **fields}
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        db = self._connect()
        try:
            db.execute(
                "INSERT OR REPLACE INTO edits(doc_id, fields, edited_at) VALUES (?, ?, ?)",
                (doc_id, json.dumps(merged, ensure_ascii=False), now),
            )
        finally:
            db.close()
        return merged


def edit_document(settings, ident: str, fields: dict[str, str | None]) -> DocumentEdit:
    """Correct a document's title/org/date/genre (by id or file stem) at once everywhere:
    the catalog (filters, citations, the time stage read it), Chroma's copy of the chunk
    metadata, and the edits file that re-ingest and ``--rebuild`` apply again.

    Raises NotFoundError for an unknown document, ConfigError for a bad value."""
    from index.store.index_store import open_store

    fields = check_edit(fields)
    if not fields:
        raise ConfigError("没有要修改的字段：请给出 --title、--org、--date 或 --genre")
    store = open_store(settings)
    try:
        with store.write_lock():
            doc_id = _resolve(store.catalog, ident)
            row = store.catalog.document(doc_id)
            title, metadata = edited(row.title, row.metadata, fields)
            Edits(settings.data_dir).set(doc_id, fields)
            store.catalog.update_document(doc_id, title, metadata)
            store.vectors.update_metadata(
                [c.chunk_id for c in store.catalog.chunks_of(doc_id)],
                {"title": title, **{k: metadata.get(k) for k in ("org", "year", "genre")}},
            )
            return DocumentEdit(doc_id, title, metadata)
    finally:
        store.close()


@dataclass
class DocumentEdit:
    """A document after an edit."""

    doc_id: str
    title: str
    metadata: dict


def _resolve(catalog, ident: str) -> str:
    if catalog.document(ident) is not None:
        return ident
    matches = [d.doc_id for d in catalog.documents() if d.source_id == ident]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ConfigError(f"文件名 {ident!r} 对应多篇文档，请用 `assistant docs list` 中的编号")
    raise NotFoundError(f"库中没有文档 {ident!r}（编号或文件名见 `assistant docs list`）")
