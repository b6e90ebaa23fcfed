"""Inputs of an ingest run: files under folders, or records of a JSONL corpus, as :class:`Item`s.

Everything that can go wrong before a file is opened for loading becomes that file's outcome
here, never an exception of the run: a name that is not valid UTF-8, a file that cannot be
read or stat'ed, a FIFO/device/socket, a symlink pointing out of the folder ingested.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from core.files import file_sha256, path_key
from core.settings import Settings
from index.ingest_report import FileOutcome, IngestReport
from index.loaders import load_file, too_large
from index.loaders.limits import Limits
from index.types import LoadedText

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf", ".doc"}

NOT_FOUND = "文件或文件夹不存在"
SPECIAL_FILE = "不是普通文件（管道、设备或套接字），已跳过"
OUTSIDE_LINK = "符号链接指向所入库文件夹之外，未跟随（可用设置 follow_symlinks 放开）"
BROKEN_LINK = "符号链接指向的文件不存在"


@dataclass
class Item:
    """One input: a file on disk or a record of a JSONL corpus. Picklable, so a worker process
    can load it (``index.prepare_worker``)."""

    key: str  # unique: absolute path (see core.files.path_key), or "<source>#<id>"
    root: str  # the folder (or JSONL source) it was found under, for pruning
    source_id: str  # file stem or record id: the id people and eval sets use
    file_hash: str
    path: Path | None = None  # a file …
    record: dict | None = None  # … or a record
    limits: Limits | None = None  # the caps its loader stops at (files only)

    def load(self) -> LoadedText:
        """The item's raw text (``LoadError`` when the file cannot be turned into text)."""
        if self.path is not None:
            caps = self.limits or Limits()
            return load_file(
                self.path,
                max_bytes=caps.max_bytes,
                max_chars=caps.max_chars,
                max_pdf_pages=caps.max_pdf_pages,
            )
        rec = self.record or {}
        return LoadedText(text=str(rec.get("text") or ""), title_hint=rec.get("title") or None)


def unreadable(exc: OSError) -> str:
    """The reason for a file the operating system would not let us read."""
    return f"无法读取文件（{exc.strerror or exc}），请检查权限或磁盘"


def iter_files(
    paths: Iterable[Path], report: IngestReport, *, follow_symlinks: bool = False
) -> Iterator[tuple[Path, Path]]:
    """(file, root) for every file under the given files/folders, sorted, hidden ones skipped.

    Symlinks inside a folder are followed only when they stay inside it (or when
    ``follow_symlinks``); a folder that cannot be listed is reported, not fatal."""
    for p in paths:
        p = Path(p).expanduser().resolve()
        if not p.is_dir():
            yield p, p
            continue
        for dirpath, dirnames, filenames in os.walk(p, onerror=_walk_error(report)):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "~$")))
            # os.walk never descends into symlinked folders; files are checked one by one.
            for name in sorted(filenames):
                if name.startswith((".", "~$")):
                    continue
                f = here / name
                if f.is_symlink() and not _link_allowed(f, p, follow_symlinks, report):
                    continue
                yield f, p


def _walk_error(report: IngestReport):
    def on_error(exc: OSError) -> None:
        report.add(
            FileOutcome(path_key(Path(exc.filename or "")), "failed", reason=unreadable(exc))
        )

    return on_error


def _link_allowed(f: Path, root: Path, follow: bool, report: IngestReport) -> bool:
    try:
        target = f.resolve(strict=True)
    except (OSError, RuntimeError):  # dangling, or a loop
        report.add(FileOutcome(path_key(f), "failed", reason=BROKEN_LINK))
        return False
    if follow or target.is_relative_to(root):
        return True
    report.add(FileOutcome(path_key(f), "skipped", reason=OUTSIDE_LINK))
    return False


def file_items(
    paths: Iterable[Path], settings: Settings, report: IngestReport
) -> tuple[list[Item], list[str]]:
    """Items for files/folders (missing, unreadable, special, oversized and unsupported files
    reported, not loaded)."""
    items: list[Item] = []
    roots: list[str] = []
    caps = Limits.from_settings(settings)
    limit = caps.max_bytes
    paths = [Path(p).expanduser() for p in paths]
    present = []
    for p in paths:
        if not (p.exists() or p.is_symlink()):
            report.add(FileOutcome(path_key(p), "failed", reason=NOT_FOUND))
            continue
        present.append(p)
        if p.is_dir():
            roots.append(path_key(p.resolve()))
    for f, root in iter_files(present, report, follow_symlinks=settings.follow_symlinks):
        key = path_key(f)
        if f.suffix.lower() not in SUPPORTED:
            suffix = f.suffix or "（无扩展名）"
            report.add(FileOutcome(key, "skipped", reason=f"不支持的文件类型 {suffix}"))
            continue
        try:
            info = f.stat()
            if not stat.S_ISREG(info.st_mode):  # never opened: reading a FIFO blocks forever
                report.add(FileOutcome(key, "skipped", reason=SPECIAL_FILE))
                continue
            if info.st_size > limit:
                report.add(FileOutcome(key, "failed", reason=too_large(info.st_size, limit)))
                continue
            digest = file_sha256(f)
        except FileNotFoundError:
            report.add(FileOutcome(key, "failed", reason=NOT_FOUND))
            continue
        except OSError as exc:
            report.add(FileOutcome(key, "failed", reason=unreadable(exc)))
            continue
        items.append(Item(key, path_key(root), path_key(f.stem), digest, path=f, limits=caps))
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
        items.append(Item(f"{source_name}#{rid}", root, rid, digest, record=rec))
    return items
