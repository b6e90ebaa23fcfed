"""PDF: the text layer only, page by page (no OCR: a scan has no text to index).

Limits before work: the page count is checked before any text is extracted, and the
characters are counted while extracting, stopping as soon as ``max_chars`` is passed (a
3 MB file of 20,000 pages took 78 s and 413 MB to extract in full before being refused).
"""

from __future__ import annotations

import logging
import struct
import zlib
from pathlib import Path

from core.errors import LoadError, NoTextError
from index.loaders import reasons
from index.loaders.limits import Limits
from index.types import LoadedText

DAMAGED = reasons.PDF_DAMAGED
NO_TEXT_LAYER = reasons.NO_TEXT_LAYER
ENCRYPTED = reasons.ENCRYPTED
# What pypdf raises, besides its own errors, on a malformed object deep in a file or a page.
_PAGE_ERRORS = (
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    ZeroDivisionError,
    NotImplementedError,
    AssertionError,
    EOFError,
    struct.error,
    zlib.error,
)


def load_pdf(path: Path, limits: Limits | None = None) -> LoadedText:
    """Extract each page's text layer; pages are separated by a blank line."""
    import pypdf

    limits = limits or Limits()
    errors = (pypdf.errors.PyPdfError, *_PAGE_ERRORS)
    # pypdf logs every recoverable oddity of real-world PDFs; the warnings list is ours.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(str(path), strict=False)
        _decrypt(reader, path, errors)
        declared = _declared_pages(reader)
        if declared > limits.max_pdf_pages:  # refused before the page tree is walked
            raise LoadError(str(path), reasons.too_many_pages(limits.max_pdf_pages))
        pages = reader.pages
        count = len(pages)  # walks the page tree: a /Count that lies low is caught here
    # Arrays or dictionaries nested thousands deep: a RecursionError, raised as it is or
    # wrapped by pypdf in a PdfReadError.
    except (*errors, RecursionError) as exc:
        raise LoadError(str(path), reasons.NESTED if _too_deep(exc) else DAMAGED) from exc
    if count == 0:
        raise LoadError(str(path), DAMAGED)
    if count > limits.max_pdf_pages:
        raise LoadError(str(path), reasons.too_many_pages(limits.max_pdf_pages))
    texts, warnings, failures = _extract(pages, count, path, limits, errors)
    if len(failures) == count:
        nested = any(_too_deep(exc) for exc in failures)
        raise LoadError(str(path), reasons.NESTED if nested else DAMAGED)
    text = "\n\n".join(t for t in texts if t)
    if not text.strip():
        raise NoTextError(str(path), NO_TEXT_LAYER)
    title = None
    try:
        title = ((reader.metadata or {}).get("/Title") or "").strip() or None
    except (*errors, RecursionError):
        title = None  # a broken Info dictionary costs only the hint
    return LoadedText(text=text, encoding=None, warnings=warnings, title_hint=title)


def _declared_pages(reader) -> int:
    """The page count the document's page tree declares (0 when it declares none)."""
    count = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
    return count if isinstance(count, int) else 0


def _too_deep(exc: BaseException | None) -> bool:
    """Whether ``exc`` is, or was caused by, a RecursionError."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, RecursionError):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _decrypt(reader, path: Path, errors: tuple) -> None:
    """Open a PDF protected with an empty user password; any other is refused as encrypted."""
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")
    except errors as exc:  # an algorithm pypdf cannot do, or a broken /Encrypt dictionary
        raise LoadError(str(path), ENCRYPTED) from exc
    if not opened:
        raise LoadError(str(path), ENCRYPTED)


def _extract(pages, count: int, path: Path, limits: Limits, errors: tuple):
    """(texts, warnings, failures) page by page; stops once the text passes ``max_chars``."""
    texts: list[str] = []
    warnings: list[str] = []
    failures: list[BaseException] = []
    chars = 0
    for number in range(1, count + 1):
        try:
            page_text = (pages[number - 1].extract_text() or "").strip()
        except (*errors, RecursionError) as exc:  # keep the other pages
            warnings.append(reasons.page_unreadable(number, type(exc).__name__))
            failures.append(exc)
            page_text = ""
        texts.append(page_text)
        chars += len(page_text) + 2 * bool(page_text)
        if chars > limits.max_chars + 2:  # the last page's separator is not part of the text
            raise LoadError(str(path), reasons.too_many_chars(limits.max_chars))
    return texts, warnings, failures
