"""Eval corpora: a folder of documents or a JSONL of ``{id, title, text}``.

The eval doc id of a document is its file stem (folder) or its ``id`` field (JSONL); it
is what sets list in ``relevant_doc_ids`` and what retrievers report as
``metadata["source_id"]``. The corpus content hash decides which index an eval reuses.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from core.errors import LoadError

# Files the naive pipeline can read without the project's loaders (a tutorial's TextLoader).
PLAIN_TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})


@dataclass(frozen=True)
class CorpusDoc:
    """One document. ``text`` is None for a folder file that is not plain text."""

    eval_id: str
    title: str
    text: str | None
    path: Path | None = None


def is_jsonl(path: Path) -> bool:
    """Whether ``path`` is a JSONL corpus file (rather than a folder)."""
    return path.is_file() and path.suffix.lower() in {".jsonl", ".json"}


def corpus_files(folder: Path) -> list[Path]:
    """Regular, non-hidden files under ``folder`` (recursively), sorted by relative path."""
    files = [
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    return sorted(files, key=lambda p: p.relative_to(folder).as_posix())


def eval_doc_id(path: Path) -> str:
    """The eval doc id of a folder file: its stem."""
    return path.stem


def corpus_hash(path: Path) -> str:
    """SHA-256 of the corpus content.

    JSONL: the file's bytes. Folder: each file's relative path and SHA-256, in sorted
    order, so renaming, adding or editing any file changes the hash and nothing else does.
    """
    path = Path(path)
    if is_jsonl(path):
        return hashlib.sha256(path.read_bytes()).hexdigest()
    if not path.is_dir():
        raise LoadError(str(path), "corpus must be a folder or a .jsonl file")
    outer = hashlib.sha256()
    for file in corpus_files(path):
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        outer.update(f"{file.relative_to(path).as_posix()}\0{digest}\n".encode())
    return outer.hexdigest()


def _read_jsonl(path: Path) -> list[CorpusDoc]:
    docs: list[CorpusDoc] = []
    with path.open(encoding="utf-8-sig") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise LoadError(str(path), f"line {lineno}: not JSON ({exc.msg})") from exc
            if not isinstance(raw, dict) or "id" not in raw or not isinstance(raw.get("text"), str):
                raise LoadError(str(path), f"line {lineno}: expected {{id, title, text}}")
            docs.append(CorpusDoc(str(raw["id"]), str(raw.get("title") or ""), raw["text"]))
    return docs


def _read_folder(path: Path) -> list[CorpusDoc]:
    docs: list[CorpusDoc] = []
    for file in corpus_files(path):
        text = None
        if file.suffix.lower() in PLAIN_TEXT_SUFFIXES:
            text = file.read_bytes().decode("utf-8-sig", errors="replace")
        docs.append(CorpusDoc(eval_doc_id(file), file.stem, text, file))
    return docs


def read_corpus(path: Path) -> list[CorpusDoc]:
    """All documents of a folder or JSONL corpus, in a stable order.

    Raises ``LoadError`` for a missing path, a malformed JSONL line, or two documents
    sharing an eval doc id (relevance would be ambiguous).
    """
    path = Path(path)
    if is_jsonl(path):
        docs = _read_jsonl(path)
    elif path.is_dir():
        docs = _read_folder(path)
    else:
        raise LoadError(str(path), "corpus must be a folder or a .jsonl file")
    seen: set[str] = set()
    for doc in docs:
        if doc.eval_id in seen:
            raise LoadError(str(path), f"two documents share the eval doc id {doc.eval_id!r}")
        seen.add(doc.eval_id)
    if not docs:
        raise LoadError(str(path), "corpus has no documents")
    return docs
