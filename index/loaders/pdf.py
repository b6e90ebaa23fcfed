"""PDF: the text layer only, page by page (no OCR: a scan has no text to index)."""

from __future__ import annotations

import logging
from pathlib import Path

from core.errors import LoadError, NoTextError
from index.types import LoadedText

DAMAGED = "damaged PDF"
# What pypdf raises, besides its own errors, on a malformed object deep in a page.
_PAGE_ERRORS = (KeyError, ValueError, TypeError, AttributeError, IndexError, ZeroDivisionError)
NO_TEXT_LAYER = "no text layer (scanned PDF?)"
ENCRYPTED = "password-protected PDF; save an unprotected copy"


def load_pdf(path: Path) -> LoadedText:
    """Extract each page's text layer; pages are separated by a blank line."""
    import pypdf

    # pypdf logs every recoverable oddity of real-world PDFs; the warnings list is ours.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(str(path), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError(str(path), ENCRYPTED)
        pages = list(reader.pages)
    except LoadError:
        raise
    # pypdf signals a broken file with PdfReadError but also with KeyError, ValueError,
    # TypeError or AttributeError from deep in its object parser; all mean "damaged".
    except Exception as exc:
        raise LoadError(str(path), DAMAGED) from exc
    if not pages:
        raise LoadError(str(path), DAMAGED)
    texts, warnings = [], []
    for number, page in enumerate(pages, start=1):
        try:
            texts.append((page.extract_text() or "").strip())
        except (pypdf.errors.PyPdfError, *_PAGE_ERRORS) as exc:  # keep the other pages
            warnings.append(f"page {number}: text could not be extracted ({type(exc).__name__})")
            texts.append("")
    if len(warnings) == len(pages):
        raise LoadError(str(path), DAMAGED)
    text = "\n\n".join(t for t in texts if t)
    if not text.strip():
        raise NoTextError(str(path), NO_TEXT_LAYER)
    title = None
    try:
        title = ((reader.metadata or {}).get("/Title") or "").strip() or None
    except (pypdf.errors.PyPdfError, *_PAGE_ERRORS):
        title = None  # a broken Info dictionary costs only the hint
    return LoadedText(text=text, encoding=None, warnings=warnings, title_hint=title)
