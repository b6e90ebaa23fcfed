"""Word .docx: paragraphs, headings and tables in document order; core title as hint.

A .docx is a zip of XML parts, so a hostile or broken one can be a zip bomb or an XML
part nested or sized to exhaust the parser. The package is checked before python-docx
sees it: declared member sizes and compression ratios against caps derived from the
limits, then every member inflated in chunks (``zipcheck``: stopped as soon as it passes
its declared size, its CRC checked), the two parts every Word file has, and a
well-formedness parse of those parts with lxml's default limits (nesting depth 256, no
huge text nodes, no entity expansion, no network).
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from lxml import etree

from core.errors import LoadError, NoTextError
from index.loaders import reasons
from index.loaders.limits import Limits
from index.loaders.zipcheck import inflate_member
from index.types import LoadedText

DAMAGED = reasons.WORD_DAMAGED
MAX_MEMBER_BYTES = 100 * 2**20  # uncompressed size of any one part, at most
MAX_TOTAL_BYTES = 300 * 2**20  # uncompressed size of the whole package, at most
# Word XML per character of text, generously (runs, properties, revision ids): with the
# default 2 million characters a part may be up to the 100 MB ceiling.
XML_BYTES_PER_CHAR = 50
MAX_RATIO = 100  # uncompressed / compressed, for parts above RATIO_FLOOR
RATIO_FLOOR = 2**20
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_REQUIRED = {"[Content_Types].xml": f"{{{_CT}}}Types", "word/document.xml": f"{{{_W}}}document"}
# What python-docx raises on a malformed part that passed the checks: its own errors, and
# whatever its XML walk trips over.
_DOCX_ERRORS = (
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    NotImplementedError,
    RecursionError,
    etree.LxmlError,
    zipfile.BadZipFile,
    zlib.error,
)


def load_docx(path: Path, limits: Limits | None = None) -> LoadedText:
    """Read a .docx: body paragraphs and tables in order, tables as " | "-joined rows."""
    check_package(path, limits or Limits())
    import docx  # python-docx; imported here so text-only ingests don't pay for it
    from docx.exceptions import PythonDocxError
    from docx.opc.exceptions import OpcError

    try:
        document = docx.Document(str(path))
        blocks = [_block_text(item) for item in document.iter_inner_content()]
        title = (document.core_properties.title or "").strip() or None
    except (*_DOCX_ERRORS, PythonDocxError, OpcError) as exc:
        raise LoadError(str(path), DAMAGED) from exc
    text = "\n".join(b for b in blocks if b)
    if not text.strip():
        raise NoTextError(str(path), reasons.NO_TEXT)
    return LoadedText(text=text, encoding=None, title_hint=title)


def caps(limits: Limits) -> tuple[int, int]:
    """(bytes one part, bytes the whole package) may inflate to under ``limits``."""
    member = min(MAX_MEMBER_BYTES, XML_BYTES_PER_CHAR * limits.max_chars)
    return member, min(MAX_TOTAL_BYTES, MAX_RATIO * limits.max_bytes, 3 * member)


def check_package(path: Path, limits: Limits | None = None) -> None:
    """Raise ``LoadError`` unless ``path`` is a sane Word zip that inflates within the caps."""
    member_cap, total_cap = caps(limits or Limits())
    with path.open("rb") as fh:  # unreadable (permissions, I/O): the caller's OSError
        _check_members(fh, path, member_cap, total_cap)


def _check_members(fh, path: Path, member_cap: int, total_cap: int) -> None:
    try:
        with zipfile.ZipFile(fh) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if any(name not in names for name in _REQUIRED):
                raise LoadError(str(path), DAMAGED)
            total = 0
            for info in infos:  # 1. what the directory declares, before inflating anything
                total += info.file_size
                if info.file_size > member_cap:
                    raise LoadError(str(path), reasons.unpacked_too_large(member_cap))
                if total > total_cap:
                    raise LoadError(str(path), reasons.unpacked_too_large(total_cap))
                if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                    info.compress_size, 1
                ):
                    raise LoadError(str(path), reasons.BOMB_RATIO)
            for info in infos:  # 2. what the members really hold, in chunks
                keep = _REQUIRED.get(info.filename)
                data = inflate_member(fh, info, path=str(path), keep=keep is not None)
                if keep is not None:
                    _check_xml(data, keep, path)
    # Not a zip at all, or a directory pointing outside the file (zipfile seeks there).
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
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
