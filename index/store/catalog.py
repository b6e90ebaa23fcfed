"""The catalog: a SQLite file that is the source of truth for what the index holds.

Chroma holds vectors, the keyword index holds BM25 postings; both are derived from the
catalog and reconciled with it. A document is written ``pending`` first, its vectors
next, and only then marked ``done``; deletion marks ``deleting`` first. Whatever a crash
interrupts is therefore visible here and :func:`index.store.recovery.recover` finishes or
undoes it, so a killed run and a clean run end in the same state.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.store.catalog_versions import VERSIONS_SCHEMA, VersionsMixin
from index.store.damage import CATALOG, GuardedConnection, damaged
from index.types import Chunk, Document

SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    source_id TEXT NOT NULL,
    source_path TEXT NOT NULL,
    title TEXT NOT NULL,
    metadata TEXT NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'deleting')),
    n_chunks INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY,
    root TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    file_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sources_doc ON sources(doc_id);
CREATE INDEX IF NOT EXISTS sources_root ON sources(root);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    section_path TEXT NOT NULL,
    tokens TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, position);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
    + VERSIONS_SCHEMA
)


@dataclass
class DocumentRow:
    """A document as listed by the catalog."""

    doc_id: str
    source_id: str
    source_path: str
    title: str
    metadata: dict[str, Any]
    status: str
    n_chunks: int


@dataclass
class ChunkRow:
    """A chunk as stored in the catalog (display text plus keyword tokens)."""

    chunk_id: str
    doc_id: str
    position: int
    text: str
    start: int
    end: int
    section_path: str
    tokens: list[str]


class Catalog(VersionsMixin):
    """Thin typed access to the SQLite catalog. One connection per instance."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(
            path,
            timeout=60,
            isolation_level=None,
            check_same_thread=False,
            factory=GuardedConnection,  # a damaged file: one IndexDamagedError line
        )
        self._db.damage_path = path
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
            self._check_size()
        except BaseException:
            self._db.close()
            raise

    def _check_size(self) -> None:
        """A file shorter than its own header says was truncated (cheap: no page is read).

        Only judged with no write-ahead log pending: pages may then live in the log instead.
        """
        wal = self.path.with_name(self.path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            return
        pages = self._db.execute("PRAGMA page_count").fetchone()[0]
        size = self._db.execute("PRAGMA page_size").fetchone()[0]
        actual = self.path.stat().st_size
        if actual < pages * size:
            raise damaged(CATALOG, self.path, f"已截断（{actual} 字节，应有 {pages * size} 字节）")

    def integrity_problem(self) -> str | None:
        """SQLite's full integrity check (reads every page); ``None`` when the file is sound."""
        rows = [r[0] for r in self._db.execute("PRAGMA integrity_check(5)")]
        return None if rows == ["ok"] else "; ".join(rows)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back if the block raises."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- meta
    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # -- documents
    def add_pending(
        self, doc: Document, source_id: str, chunks: list[Chunk], tokens: list[list[str]]
    ) -> None:
        """Record a document and its chunks as ``pending`` in one transaction."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,'pending',?)",
                (
                    doc.doc_id,
                    doc.content_hash,
                    source_id,
                    doc.source_path,
                    doc.title,
                    json.dumps(doc.metadata, ensure_ascii=False, sort_keys=True),
                    doc.text,
                    len(chunks),
                ),
            )
            db.executemany(
                "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?)",
                [
                    (
                        c.chunk_id,
                        c.doc_id,
                        c.position,
                        c.text,
                        c.start,
                        c.end,
                        c.section_path,
                        " ".join(t),
                    )
                    for c, t in zip(chunks, tokens, strict=True)
                ],
            )

    def set_status(self, doc_id: str, status: str) -> None:
        self._db.execute("UPDATE documents SET status=? WHERE doc_id=?", (status, doc_id))

    def mark_deleting(self, doc_ids: Iterable[str]) -> None:
        """Mark documents ``deleting`` and record the batch, in one transaction.

        After a crash, :meth:`delete_batch` still names every document of the batch (with
        its source id) even when some are already gone, so re-running the same delete
        finishes it instead of failing on ids it had removed.
        """
        ids = list(doc_ids)
        with self.transaction() as db:
            db.executemany(
                "UPDATE documents SET status='deleting' WHERE doc_id=?", [(d,) for d in ids]
            )
            batch = [[d, self._source_id(d)] for d in ids]
            db.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('delete_batch', ?)",
                (json.dumps(batch),),
            )

    def delete_batch(self) -> dict[str, str]:
        """Ids (internal and source ids) of the last unfinished delete → internal doc id."""
        out: dict[str, str] = {}
        for doc_id, source_id in json.loads(self.get_meta("delete_batch") or "[]"):
            out[doc_id] = doc_id
            out.setdefault(source_id, doc_id)
        return out

    def clear_delete_batch(self) -> None:
        self._db.execute("DELETE FROM meta WHERE key='delete_batch'")

    def _source_id(self, doc_id: str) -> str:
        row = self._db.execute(
            "SELECT source_id FROM documents WHERE doc_id=?", (doc_id,)
        ).fetchone()
        return row[0] if row else doc_id

    def doc_status(self, doc_id: str) -> str | None:
        row = self._db.execute("SELECT status FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def unfinished(self) -> list[str]:
        """Documents a crash left half-written or half-deleted."""
        rows = self._db.execute(
            "SELECT doc_id FROM documents WHERE status != 'done' ORDER BY doc_id"
        )
        return [r[0] for r in rows]

    def remove_document(self, doc_id: str) -> None:
        """Drop a document's rows (its vectors must already be gone from Chroma)."""
        with self.transaction() as db:
            db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
            db.execute("DELETE FROM sources WHERE doc_id=?", (doc_id,))
            db.execute("DELETE FROM signatures WHERE doc_id=?", (doc_id,))
            db.execute("DELETE FROM versions WHERE doc_id=?", (doc_id,))
            db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))

    def update_document(self, doc_id: str, title: str, metadata: dict[str, Any]) -> None:
        """A document's title and metadata after a librarian's edit."""
        self._db.execute(
            "UPDATE documents SET title=?, metadata=? WHERE doc_id=?",
            (title, json.dumps(metadata, ensure_ascii=False, sort_keys=True), doc_id),
        )

    def documents(self, status: str = "done") -> list[DocumentRow]:
        rows = self._db.execute(
            "SELECT doc_id, source_id, source_path, title, metadata, status, n_chunks "
            "FROM documents WHERE status=? ORDER BY source_path, doc_id",
            (status,),
        )
        return [DocumentRow(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6]) for r in rows]

    def document(self, doc_id: str) -> DocumentRow | None:
        r = self._db.execute(
            "SELECT doc_id, source_id, source_path, title, metadata, status, n_chunks FROM documents WHERE doc_id=?",
            (doc_id,),
        ).fetchone()
        return DocumentRow(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6]) if r else None

    def document_text(self, doc_id: str) -> str | None:
        row = self._db.execute("SELECT text FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def done_ids(self, doc_ids: Iterable[str]) -> set[str]:
        """Which of ``doc_ids`` are completely written (readers show only these)."""
        ids = list(set(doc_ids))
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(
            f"SELECT doc_id FROM documents WHERE status='done' AND doc_id IN ({marks})", ids
        )
        return {r[0] for r in rows}

    # -- sources (file path -> document)
    def source(self, path: str) -> tuple[str, str] | None:
        """(doc_id, file_hash) recorded for a path, if any."""
        row = self._db.execute(
            "SELECT doc_id, file_hash FROM sources WHERE path=?", (path,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def set_source(self, path: str, root: str, doc_id: str, file_hash: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO sources(path, root, doc_id, file_hash) VALUES (?,?,?,?)",
            (path, root, doc_id, file_hash),
        )

    def drop_source(self, path: str) -> None:
        self._db.execute("DELETE FROM sources WHERE path=?", (path,))

    def sources_under(self, root: str) -> list[str]:
        rows = self._db.execute("SELECT path FROM sources WHERE root=? ORDER BY path", (root,))
        return [r[0] for r in rows]

    def paths_of(self, doc_id: str) -> list[str]:
        rows = self._db.execute("SELECT path FROM sources WHERE doc_id=? ORDER BY path", (doc_id,))
        return [r[0] for r in rows]

    # -- chunks
    def chunks_of(self, doc_id: str) -> list[ChunkRow]:
        rows = self._db.execute(
            'SELECT chunk_id, doc_id, position, text, start, "end", section_path, tokens '
            "FROM chunks WHERE doc_id=? ORDER BY position",
            (doc_id,),
        )
        return [_chunk_row(r) for r in rows]

    def section_paths(self, doc_id: str) -> list[str]:
        """A document's distinct chunk section paths in reading order (its outline)."""
        rows = self._db.execute(
            "SELECT section_path FROM chunks WHERE doc_id=? ORDER BY position", (doc_id,)
        )
        return list(dict.fromkeys(r[0] for r in rows))

    def chunk_rows(self, chunk_ids: Iterable[str]) -> dict[str, ChunkRow]:
        ids = list(chunk_ids)
        out: dict[str, ChunkRow] = {}
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                'SELECT chunk_id, doc_id, position, text, start, "end", section_path, tokens '
                f"FROM chunks WHERE chunk_id IN ({marks})",
                part,
            )
            out.update({r[0]: _chunk_row(r) for r in rows})
        return out

    def done_chunk_tokens(self) -> Iterator[tuple[str, str, list[str]]]:
        """(chunk_id, doc_id, tokens) of every finished document, in a stable order."""
        rows = self._db.execute(
            "SELECT c.chunk_id, c.doc_id, c.tokens FROM chunks c JOIN documents d USING(doc_id) "
            "WHERE d.status='done' ORDER BY c.doc_id, c.position"
        )
        for r in rows:
            yield r[0], r[1], r[2].split(" ") if r[2] else []

    def done_chunk_ids(self) -> set[str]:
        """Ids of every chunk of a finished document."""
        rows = self._db.execute(
            "SELECT c.chunk_id FROM chunks c JOIN documents d USING(doc_id) WHERE d.status='done'"
        )
        return {r[0] for r in rows}

    def all_chunk_ids(self) -> set[str]:
        """Ids of every chunk the catalog knows, finished or not."""
        return {r[0] for r in self._db.execute("SELECT chunk_id FROM chunks")}

    def chunk_total(self) -> int:
        """How many chunks the catalog knows, finished or not."""
        return self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]

    def counts(self) -> dict[str, int]:
        docs = self._db.execute("SELECT COUNT(*) FROM documents WHERE status='done'").fetchone()[0]
        chunks = self._db.execute(
            "SELECT COUNT(*) FROM chunks c JOIN documents d USING(doc_id) WHERE d.status='done'"
        ).fetchone()[0]
        return {"documents": docs, "chunks": chunks}


def _chunk_row(r: tuple) -> ChunkRow:
    return ChunkRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7].split(" ") if r[7] else [])
