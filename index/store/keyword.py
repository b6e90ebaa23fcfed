"""The Chinese keyword index: BM25 (bm25s) over jieba words of the normalised text.

Derived from the catalog's finished chunks and stamped with a *generation* (a hash of the
chunk ids it covers). The catalog records the generation it expects; a stale or missing
index is rebuilt from the catalog's stored tokens (no re-tokenising), so the keyword index
and Chroma never disagree about which chunks exist.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.errors import IndexDamagedError
from core.normalize import normalize
from index.store.damage import BM25, damaged

_PUNCT_RE = re.compile(r"^[\W_]+$", re.UNICODE)
# Function words that carry no topic; kept small on purpose (BM25's idf does the rest).
STOPWORDS = frozenset(
    "的 了 和 与 及 在 是 为 对 等 把 被 将 从 向 以 于 之 也 都 而 并 或 其 这 那 中 上 下 "
    "一 个 我 我们 你 他 她 它 有 要 就 不 又 还 着 过 得 地 所 让 使 给".split()
)


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def keyword_tokens(text: str, *, normalized: bool = False) -> list[str]:
    """BM25 tokens: jieba search-mode words of the normalised, lower-cased text, minus stopwords."""
    norm = (text if normalized else normalize(text)).lower()
    return [
        t
        for t in _jieba().lcut_for_search(norm)
        if t.strip() and t not in STOPWORDS and not _PUNCT_RE.match(t)
    ]


def generation_of(chunk_ids: Iterable[str]) -> str:
    """A stamp that changes whenever the set of indexed chunks changes."""
    h = hashlib.sha256()
    for cid in sorted(chunk_ids):
        h.update(cid.encode())
        h.update(b"\n")
    return h.hexdigest()[:24]


class KeywordIndex:
    """A loaded BM25 index plus the chunk ids of its rows."""

    def __init__(self, bm25, chunk_ids: list[str], doc_ids: list[str], generation: str):
        self.bm25 = bm25
        self.chunk_ids = chunk_ids
        self.doc_ids = np.asarray(doc_ids)
        self.generation = generation
        self._row = {cid: i for i, cid in enumerate(chunk_ids)}

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def search(
        self, query: str, n: int, allowed_docs: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, BM25 score) of the ``n`` best chunks with a positive score."""
        if not self.chunk_ids:
            return []
        tokens = keyword_tokens(query)
        if not tokens:
            return []
        scores = self.bm25.get_scores(tokens)
        if allowed_docs is not None:
            scores = np.where(np.isin(self.doc_ids, list(allowed_docs)), scores, 0.0)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        # Stable order: score descending, then row (catalog order) ascending.
        top = sorted(top, key=lambda i: (-scores[i], i))
        return [(self.chunk_ids[i], float(scores[i])) for i in top if scores[i] > 0]


def build(rows: Iterable[tuple[str, str, list[str]]], root: Path) -> str:
    """Build the index from (chunk_id, doc_id, tokens) rows under ``root``; returns its generation.

    Written to a fresh folder and switched over with an atomic rename of the ``CURRENT``
    pointer, so a reader (or a crash) sees either the old index or the new one.
    """
    import bm25s

    rows = list(rows)
    chunk_ids = [r[0] for r in rows]
    gen = generation_of(chunk_ids)
    target = root / gen
    if not (target / "ids.json").exists():
        tmp = root / f".tmp-{gen}-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if rows:
            bm25 = bm25s.BM25()
            bm25.index([r[2] or [""] for r in rows], show_progress=False)
            bm25.save(str(tmp), show_progress=False)
        manifest = {
            "chunk_ids": chunk_ids,
            "doc_ids": [r[1] for r in rows],
            "files": {f.name: [f.stat().st_size, _sha256(f)] for f in sorted(tmp.iterdir())},
        }
        (tmp / "ids.json").write_text(json.dumps(manifest), encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp, target)
    pointer = root / "CURRENT"
    tmp_pointer = root / f".CURRENT-{os.getpid()}"
    tmp_pointer.write_text(gen, encoding="utf-8")
    os.replace(tmp_pointer, pointer)
    for old in root.iterdir():
        if old.name not in (gen, "CURRENT") and not old.name.startswith(".CURRENT"):
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    return gen


def load(root: Path) -> KeywordIndex | None:
    """The current index under ``root``, or ``None`` when none was built yet.

    Raises IndexDamagedError when its files are missing, cut short or unreadable. A writer
    switches ``CURRENT`` and then removes the old folder, so a folder gone under a reader is
    looked for once more under the new pointer before it counts as damage.
    """
    try:
        return _load(root)
    except IndexDamagedError:
        return _load(root)


def _load(root: Path) -> KeywordIndex | None:
    import bm25s

    pointer = root / "CURRENT"
    if not pointer.exists():
        return None
    gen = pointer.read_text(encoding="utf-8").strip()
    folder = root / gen
    ids = _manifest(folder)
    for name, (size, _) in ids.get("files", {}).items():
        f = folder / name
        if not f.is_file() or f.stat().st_size != size:
            raise damaged(BM25, root, f"的文件 {name} 缺失或长度不对")
    try:
        bm25 = bm25s.BM25.load(str(folder), show_progress=False) if ids["chunk_ids"] else None
    except (OSError, ValueError, EOFError, KeyError, IndexError) as exc:
        raise damaged(BM25, root, f"无法读取（{type(exc).__name__}: {exc}）") from exc
    return KeywordIndex(bm25, ids["chunk_ids"], ids["doc_ids"], gen)


def verify(root: Path) -> str | None:
    """Every file of the current index checked against its recorded SHA-256 (a full read);
    the problem in words, or ``None``. Indexes built before hashes were recorded pass."""
    pointer = root / "CURRENT"
    if not pointer.exists():
        return "缺失"
    folder = root / pointer.read_text(encoding="utf-8").strip()
    try:
        files = _manifest(folder).get("files", {})
    except IndexDamagedError:
        return "缺失或无法读取"
    for name, (size, digest) in files.items():
        f = folder / name
        if not f.is_file() or f.stat().st_size != size or _sha256(f) != digest:
            return f"的文件 {name} 已损坏"
    return None


def _manifest(folder: Path) -> dict:
    try:
        ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise damaged(BM25, folder.parent, "缺失（文件夹或 ids.json 不见了）") from None
    except (OSError, ValueError) as exc:
        raise damaged(BM25, folder.parent, f"的 ids.json 无法读取（{exc}）") from exc
    if not isinstance(ids, dict) or not {"chunk_ids", "doc_ids"} <= ids.keys():
        raise damaged(BM25, folder.parent, "的 ids.json 内容不完整")
    return ids


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
