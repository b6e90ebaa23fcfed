"""Loaders: one file in, its raw text out (``LoadedText``), or a ``LoadError`` saying why not.

``load_file`` picks the loader by suffix. Reasons are the short phrases of
``shared/badinputs/EXPECTED.md`` so that an ingest report reads the same everywhere.
"""

from __future__ import annotations

import math
import re
import stat
from collections.abc import Callable
from pathlib import Path

from core.errors import LoadError
from index.loaders.docx import load_docx
from index.loaders.html import load_html
from index.loaders.pdf import load_pdf
from index.loaders.text import load_text
from index.types import LoadedText

DEFAULT_MAX_BYTES = 50 * 2**20
LEGACY_DOC = "old .doc format is not supported; save as .docx"

_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)


def load_markdown(path: Path) -> LoadedText:
    """A text file whose ATX heading marks (``# 标题``) are dropped, keeping the heading text."""
    loaded = load_text(path)
    loaded.text = _MD_HEADING.sub("", loaded.text)
    return loaded


LOADERS: dict[str, Callable[[Path], LoadedText]] = {
    ".txt": load_text,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".docx": load_docx,
    ".pdf": load_pdf,
}
SUPPORTED_SUFFIXES = frozenset(LOADERS)

__all__ = ["DEFAULT_MAX_BYTES", "LOADERS", "SUPPORTED_SUFFIXES", "load_file", "too_large"]


def load_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedText:
    """Load one file by its suffix (case-insensitive).

    Raises ``LoadError`` for unsupported types, files over ``max_bytes`` (decided from
    the file size, before reading), damaged files and binary data; ``NoTextError`` (a
    ``LoadError``) for files that hold no text.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise LoadError(str(path), LEGACY_DOC)
    loader = LOADERS.get(suffix)
    if loader is None:
        raise LoadError(str(path), f"unsupported file type {suffix or '(no extension)'}")
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise LoadError(str(path), "file not found") from exc
    if not stat.S_ISREG(info.st_mode):
        raise LoadError(str(path), "not a regular file")
    if info.st_size > max_bytes:
        raise LoadError(str(path), too_large(info.st_size, max_bytes))
    try:
        return loader(path)
    except OSError as exc:  # unreadable: permissions, a file vanishing mid-ingest, I/O errors
        raise LoadError(str(path), f"cannot read file ({exc.strerror or exc})") from exc


def too_large(size: int, max_bytes: int) -> str:
    """The reason for a file over the limit; the size is rounded up, so it never reads as equal
    to the limit (50 MB + 1 byte is "50.1 MB > limit 50 MB", not "50 MB > limit 50 MB")."""
    shown = math.ceil(size / 2**20 * 10) / 10
    return f"file too large ({shown:g} MB > limit {max_bytes / 2**20:.3g} MB)"
