"""Inputs of an ingest run: files under folders, or records of a JSONL corpus, as :class:`Item`s."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from core.files import file_sha256
from core.settings import Settings
from index.ingest_report import FileOutcome, IngestReport
from index.loaders import load_file, too_large
from index.types import LoadedText

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf", ".doc"}


@dataclass
class Item:
    """One input: a file on disk or a record of a JSONL corpus."""

    key: str  # unique: absolute path, or "<source>#<id>"
    root: str  # the folder (or JSONL source) it was found under, for pruning
    source_id: str  # file stem or record id: the id people and eval sets use
    file_hash: str
    load: Callable[[], LoadedText] = field(repr=False)


def iter_files(paths: Iterable[Path]) -> Iterator[tuple[Path, Path]]:
    """(file, root) for every file under the given files/folders, sorted, hidden ones skipped."""
    for p in paths:
        p = Path(p).expanduser().resolve()
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if f.is_file() and not any(part.startswith((".", "~$")) for part in rel):
                    yield f, p
        else:
            yield p, p


def _load_record(record: dict) -> LoadedText:
    return LoadedText(text=str(record.get("text") or ""), title_hint=record.get("title") or None)


def file_items(
    paths: Iterable[Path], settings: Settings, report: IngestReport
) -> tuple[list[Item], list[str]]:
    """Items for files/folders (oversized and unsupported files reported, not loaded)."""
    items: list[Item] = []
    roots: list[str] = []
    limit = int(settings.max_file_mb * 2**20)
    for p in paths:
        p = Path(p).expanduser()
        if not p.exists():
            report.add(FileOutcome(str(p), "failed", reason="no such file or folder"))
        elif p.is_dir():
            roots.append(str(p.resolve()))
    for f, root in iter_files(p for p in paths if Path(p).expanduser().exists()):
        key = str(f)
        if f.suffix.lower() not in SUPPORTED:
            report.add(
                FileOutcome(key, "skipped", reason=f"unsupported file type {f.suffix or '(none)'}")
            )
            continue
        size = f.stat().st_size
        if size > limit:
            report.add(FileOutcome(key, "failed", reason=too_large(size, limit)))
            continue
        items.append(
            Item(key, str(root), f.stem, file_sha256(f), lambda f=f: load_file(f, max_bytes=limit))
        )
    return items, roots


def record_items(records: Iterable[dict], source_name: str) -> list[Item]:
    """Items for a JSONL corpus of ``{id, title, text}`` records."""
    items = []
    root = f"jsonl:{source_name}"
    for rec in records:
        rid = str(rec["id"])
        digest = hashlib.sha256(
            f"{rec.get('title') or ''}\x00{rec.get('text') or ''}".encode()
        ).hexdigest()
        items.append(Item(f"{source_name}#{rid}", root, rid, digest, lambda r=rec: _load_record(r)))
    return items
