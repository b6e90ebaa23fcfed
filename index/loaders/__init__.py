"""Loaders: one file in, its raw text out (``LoadedText``), or a ``LoadError`` saying why not.

``load_file`` picks the loader by suffix. Reasons are the short phrases of
``shared/badinputs/EXPECTED.md`` so that an ingest report reads the same everywhere.
"""

from __future__ import annotations

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

__all__ = ["DEFAULT_MAX_BYTES", "LOADERS", "SUPPORTED_SUFFIXES", "load_file"]


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
        raise LoadError(
            str(path), f"file too large ({_mb(info.st_size)} MB > limit {_mb(max_bytes)} MB)"
        )
    try:
        return loader(path)
    except OSError as exc:  # unreadable: permissions, a file vanishing mid-ingest, I/O errors
        raise LoadError(str(path), f"cannot read file ({exc.strerror or exc})") from exc


def _mb(n: int) -> str:
    return f"{n / 2**20:.3g}"
