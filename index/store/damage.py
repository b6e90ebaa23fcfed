"""Damage to the index, named by part: one line saying what broke and which command repairs it.

The catalog (SQLite) is the source of truth; Chroma and the BM25 index are derived from it and
can be rebuilt from it (``assistant index repair``). A catalog that SQLite cannot read takes the
record of the source files with it, so its repair is a rebuild from the files themselves.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import IndexDamagedError

CATALOG, CHROMA, BM25 = "catalog", "chroma", "bm25"
PART_NAMES = {CATALOG: "目录库 catalog", CHROMA: "向量库 Chroma", BM25: "关键词索引 BM25"}
REPAIR = "`assistant index repair`"
REBUILD = "`assistant ingest --rebuild PATH…`"

# SQLite's primary result codes for a damaged file: SQLITE_IOERR (a short read of a truncated
# file), SQLITE_CORRUPT ("database disk image is malformed"), SQLITE_NOTADB ("file is not a
# database"). Busy, locked or read-only databases are not damage and pass through unchanged.
_DAMAGE_CODES = {10, 11, 26}


def damaged(part: str, where: str | Path, problem: str) -> IndexDamagedError:
    """The one-line error for a damaged ``part`` at ``where``, naming the repair command."""
    if part == CATALOG:
        return IndexDamagedError(
            part,
            f"{PART_NAMES[part]}（{where}）{problem}，已无法得知入库过哪些文件；"
            f"请运行 {REBUILD}（PATH 为原来入库的文件或文件夹）重建索引",
        )
    return IndexDamagedError(part, f"{PART_NAMES[part]}（{where}）{problem}；请运行 {REPAIR} 修复")


def is_sqlite_damage(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite failed because the file itself is damaged (not busy, locked, read-only)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        text = str(exc)
        return "malformed" in text or "not a database" in text
    return code & 0xFF in _DAMAGE_CODES


@contextmanager
def sqlite_guard(path: Path) -> Iterator[None]:
    """A damaged-file failure of SQLite becomes the catalog's one-line error."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        if not is_sqlite_damage(exc):
            raise
        raise damaged(CATALOG, path, f"已损坏（{exc}）") from exc


class GuardedCursor(sqlite3.Cursor):
    """A cursor whose every step turns file damage into :class:`IndexDamagedError`."""

    def execute(self, sql, parameters=(), /):
        with sqlite_guard(self.connection.damage_path):
            return super().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters, /):
        with sqlite_guard(self.connection.damage_path):
            return super().executemany(sql, seq_of_parameters)

    def executescript(self, sql_script, /):
        with sqlite_guard(self.connection.damage_path):
            return super().executescript(sql_script)

    def fetchone(self):
        with sqlite_guard(self.connection.damage_path):
            return super().fetchone()

    def fetchmany(self, size=1):
        with sqlite_guard(self.connection.damage_path):
            return super().fetchmany(size)

    def fetchall(self):
        with sqlite_guard(self.connection.damage_path):
            return super().fetchall()

    def __next__(self):
        with sqlite_guard(self.connection.damage_path):
            return super().__next__()


class GuardedConnection(sqlite3.Connection):
    """``sqlite3.connect(..., factory=GuardedConnection)``: statements run on guarded cursors."""

    damage_path: Path = Path("?")

    def cursor(self, factory=GuardedCursor):
        return super().cursor(factory)

    def execute(self, sql, parameters=(), /):
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters, /):
        return self.cursor().executemany(sql, seq_of_parameters)

    def executescript(self, sql_script, /):
        return self.cursor().executescript(sql_script)
