"""Loaders: one file in, its raw text out (``LoadedText``), or a ``LoadError`` saying why not.

``load_file`` picks the loader by suffix. Every reason is one short Chinese line from
``index/loaders/reasons.py``, so that an ingest report reads the same everywhere. Limits
(bytes, characters, PDF pages) are checked before or during the work, never after it.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable
from pathlib import Path

from core.errors import LoadError
from index.loaders import reasons
from index.loaders.docx import load_docx
from index.loaders.html import load_html
from index.loaders.limits import DEFAULT_MAX_BYTES, Limits
from index.loaders.pdf import load_pdf
from index.loaders.text import load_text
from index.types import LoadedText

LEGACY_DOC = reasons.LEGACY_DOC

_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)


def load_markdown(path: Path, limits: Limits | None = None) -> LoadedText:
    """A text file whose ATX heading marks (``# 标题``) are dropped, keeping the heading text."""
    loaded = load_text(path, limits)
    loaded.text = _MD_HEADING.sub("", loaded.text)
    return loaded


LOADERS: dict[str, Callable[[Path, Limits], LoadedText]] = {
    ".txt": load_text,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".docx": load_docx,
    ".pdf": load_pdf,
}
SUPPORTED_SUFFIXES = frozenset(LOADERS)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "LOADERS",
    "SUPPORTED_SUFFIXES",
    "Limits",
    "load_file",
    "too_large",
]


def load_file(
    path: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_chars: int = Limits.max_chars,
    max_pdf_pages: int = Limits.max_pdf_pages,
) -> LoadedText:
    """Load one file by its suffix (case-insensitive).

    Raises ``LoadError`` for unsupported types, files over ``max_bytes`` (decided from
    the file size, before reading), damaged files, packages that inflate past their caps,
    PDFs over ``max_pdf_pages`` or over ``max_chars`` characters (counted while
    extracting) and binary data; ``NoTextError`` (a ``LoadError``) for files that hold no
    text. The defaults are the settings' defaults (``Limits.from_settings``).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise LoadError(str(path), reasons.LEGACY_DOC)
    loader = LOADERS.get(suffix)
    if loader is None:
        raise LoadError(str(path), reasons.unsupported(suffix))
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise LoadError(str(path), reasons.NOT_FOUND) from exc
    if not stat.S_ISREG(info.st_mode):
        raise LoadError(str(path), reasons.NOT_REGULAR)
    if info.st_size > max_bytes:
        raise LoadError(str(path), too_large(info.st_size, max_bytes))
    limits = Limits(max_bytes=max_bytes, max_chars=max_chars, max_pdf_pages=max_pdf_pages)
    try:
        return loader(path, limits)
    except OSError as exc:  # unreadable: permissions, a file vanishing mid-ingest, I/O errors
        raise LoadError(str(path), reasons.unreadable(exc.strerror or str(exc))) from exc


def too_large(size: int, max_bytes: int) -> str:
    """The reason for a file over the limit (``reasons.too_large``; kept here for callers)."""
    return reasons.too_large(size, max_bytes)
