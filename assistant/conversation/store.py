"""Conversations kept per login in one SQLite file under the data dir.

Writer-safe by construction: every call opens its own connection (the web app's handlers run
on many threads; ``assistant chat`` may run beside ``serve``), the file is in WAL mode so
readers never block the writer, and each write is one ``BEGIN IMMEDIATE`` transaction that
waits (``busy_timeout``) for another writer instead of failing. Every query names the user:
no call can read or change another user's conversation.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.conversation.types import Conversation, Turn
from core.errors import InputError, NotFoundError, StoreError
from core.settings import Settings

FILE_NAME = "conversations.sqlite3"
LOCAL_USER = "本机"  # the web app without a login (127.0.0.1) and the terminal
TITLE_CHARS = 30
BUSY_MS = 30_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    title TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_by_user ON conversations (user, updated);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    record TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (conversation_id, position)
);
"""


def title_for(question: str) -> str:
    """A conversation's first title: its first question, shortened."""
    one_line = " ".join(question.split())
    return one_line if len(one_line) <= TITLE_CHARS else one_line[:TITLE_CHARS] + "…"


class ConversationStore:
    """Conversations and their turns, per user, in ``<data_dir>/conversations.sqlite3``."""

    def __init__(self, settings: Settings | None = None, *, path: Path | None = None):
        if path is None:
            if settings is None:
                raise ValueError("ConversationStore needs settings or a path")
            path = settings.data_dir / FILE_NAME
        self.path = Path(path)
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    @contextmanager
    def _connect(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"无法打开对话记录 {self.path}：{exc}") from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            if write:
                conn.execute("BEGIN IMMEDIATE")
            yield conn
            if write:
                conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(f"对话记录读写失败（{self.path}）：{exc}") from exc
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    # -- conversations -------------------------------------------------------------------
    def create(self, user: str, title: str = "新对话") -> Conversation:
        """A new empty conversation of ``user``."""
        now = time.time()
        conv = Conversation(uuid.uuid4().hex, user, title.strip() or "新对话", now)
        with self._connect(write=True) as conn:
            conn.execute(
                "INSERT INTO conversations VALUES (?, ?, ?, ?, ?)",
                (conv.id, user, conv.title, now, now),
            )
        return conv

    def list(self, user: str) -> list[Conversation]:
        """``user``'s conversations, the most recently changed first (turns not loaded)."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT id, title, updated FROM conversations WHERE user = ? "
                "ORDER BY updated DESC, rowid DESC",
                (user,),
            ).fetchall()
        return [Conversation(cid, user, title, updated) for cid, title, updated in rows]

    def get(self, user: str, conversation_id: str) -> Conversation:
        """One of ``user``'s conversations with its turns; NotFoundError for any other."""
        with self._connect() as conn:
            row = self._owned(conn, user, conversation_id)
            turns = conn.execute(
                "SELECT question, answer, record FROM turns WHERE conversation_id = ? "
                "ORDER BY position",
                (conversation_id,),
            ).fetchall()
        conv = Conversation(conversation_id, user, row[0], row[1])
        conv.turns = [Turn.from_record(q, a, json.loads(r)) for q, a, r in turns]
        return conv

    def last(self, user: str) -> Conversation | None:
        """``user``'s most recently changed conversation, or None."""
        found = self.list(user)
        return self.get(user, found[0].id) if found else None

    def rename(self, user: str, conversation_id: str, title: str) -> None:
        """Give one of ``user``'s conversations a new title."""
        title = " ".join(title.split())
        if not title:
            raise InputError("请先输入新的对话名称")
        with self._connect(write=True) as conn:
            self._owned(conn, user, conversation_id)
            conn.execute(
                "UPDATE conversations SET title = ? WHERE id = ? AND user = ?",
                (title, conversation_id, user),
            )

    def delete(self, user: str, conversation_id: str) -> None:
        """Delete one of ``user``'s conversations and its turns."""
        with self._connect(write=True) as conn:
            self._owned(conn, user, conversation_id)
            conn.execute(
                "DELETE FROM conversations WHERE id = ? AND user = ?", (conversation_id, user)
            )

    # -- turns ---------------------------------------------------------------------------
    def add_turn(self, user: str, conversation_id: str, turn: Turn) -> int:
        """Append ``turn``; returns its position (0-based). The first turn titles a 新对话."""
        now = time.time()
        with self._connect(write=True) as conn:
            title = self._owned(conn, user, conversation_id)[0]
            (position,) = conn.execute(
                "SELECT COUNT(*) FROM turns WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
            conn.execute(
                "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?)",
                (conversation_id, position, turn.question, turn.answer, _dump(turn), now),
            )
            if position == 0 and title == "新对话":
                title = title_for(turn.question)
            conn.execute(
                "UPDATE conversations SET updated = ?, title = ? WHERE id = ?",
                (now, title, conversation_id),
            )
        return position

    def replace_turn(self, user: str, conversation_id: str, position: int, turn: Turn) -> None:
        """Put ``turn`` in place of the one at ``position`` (重新生成)."""
        with self._connect(write=True) as conn:
            self._owned(conn, user, conversation_id)
            done = conn.execute(
                "UPDATE turns SET question = ?, answer = ?, record = ? "
                "WHERE conversation_id = ? AND position = ?",
                (turn.question, turn.answer, _dump(turn), conversation_id, position),
            )
            if done.rowcount != 1:
                raise NotFoundError(f"对话中没有第 {position + 1} 轮")
            conn.execute(
                "UPDATE conversations SET updated = ? WHERE id = ?", (time.time(), conversation_id)
            )

    @staticmethod
    def _owned(conn: sqlite3.Connection, user: str, conversation_id: str) -> tuple[str, float]:
        row = conn.execute(
            "SELECT title, updated FROM conversations WHERE id = ? AND user = ?",
            (conversation_id, user),
        ).fetchone()
        if row is None:  # another user's conversation reads exactly like a missing one
            raise NotFoundError("找不到这个对话（可能已被删除）")
        return row


def _dump(turn: Turn) -> str:
    return json.dumps(turn.to_record(), ensure_ascii=False)
