"""Word .docx: paragraphs, headings and tables in document order; core title as hint.

A .docx is a zip of XML parts, so a hostile or broken one can be a zip bomb or an XML
part nested or sized to exhaust the parser. The package is checked before python-docx
sees it: declared member sizes and compression ratios, the two parts every Word file
has, and a well-formedness parse of those parts with lxml's default limits (nesting
depth 256, no huge text nodes, no entity expansion, no network).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from core.errors import LoadError, NoTextError
from index.types import LoadedText

DAMAGED = "damaged or not a Word file"
MAX_MEMBER_BYTES = 100 * 2**20  # uncompressed size of any one part
MAX_TOTAL_BYTES = 300 * 2**20  # uncompressed size of the whole package
MAX_RATIO = 100  # uncompressed / compressed, for parts above RATIO_FLOOR
RATIO_FLOOR = 2**20
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_REQUIRED = {"[Content_Types].xml": f"{{{_CT}}}Types", "word/document.xml": f"{{{_W}}}document"}


def load_docx(path: Path) -> LoadedText:
    """Read a .docx: body paragraphs and tables in order, tables as " | "-joined rows."""
    check_package(path)
    import docx  # python-docx; imported here so text-only ingests don't pay for it

    try:
        document = docx.Document(str(path))
        blocks = [_block_text(item) for item in document.iter_inner_content()]
        title = (document.core_properties.title or "").strip() or None
    # python-docx reports malformed parts with whatever its XML walk trips over
    # (AttributeError, KeyError, ValueError, lxml errors): all mean the same to a drafter.
    except Exception as exc:
        raise LoadError(str(path), DAMAGED) from exc
    text = "\n".join(b for b in blocks if b)
    if not text.strip():
        raise NoTextError(str(path))
    return LoadedText(text=text, encoding=None, title_hint=title)


def check_package(path: Path) -> None:
    """Raise ``LoadError(path, DAMAGED)`` unless ``path`` is a sane, small-enough Word zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            total = 0
            for info in infos.values():
                total += info.file_size
                if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                    raise LoadError(str(path), DAMAGED)
                if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                    info.compress_size, 1
                ):
                    raise LoadError(str(path), DAMAGED)
            for name, root_tag in _REQUIRED.items():
                if name not in infos:
                    raise LoadError(str(path), DAMAGED)
                _check_xml(archive.read(name), root_tag, path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise LoadError(str(path), DAMAGED) from exc


def _check_xml(data: bytes, root_tag: str, path: Path) -> None:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise LoadError(str(path), DAMAGED) from exc
    if root.tag != root_tag:
        raise LoadError(str(path), DAMAGED)


def _block_text(item) -> str:
    """One body block as text: a paragraph's text, or a table's rows on separate lines."""
    from docx.table import Table

    if isinstance(item, Table):
        return _table_text(item)
    return item.text.strip()


def _table_text(table) -> str:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            text = " ".join(cell.text.split())
            if text:
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return "\n".join(rows)
