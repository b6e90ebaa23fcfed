"""Hostile inputs for the loaders, written on demand (too big or too many to keep in git).

Each ``make_*`` function writes one file into a folder and returns its path; the tests
call them with ``tmp_path``, the benchmark with its own folder. As a script it writes
every probe of the hostile-loaders issue (the 40 MB page included) into OUTDIR:

    python tests/hostile/make_hostile.py OUTDIR

The .docx probes are zips written field by field (``_zip``), so that a directory can say
what it likes about its members: a flipped byte, the encrypted flag, an unknown
compression method, a member declared at a fraction of what it inflates to.
"""

from __future__ import annotations

import io
import struct
import sys
import zlib
from pathlib import Path

PARAGRAPH = "党建引领城市建设，推动基层治理体系和治理能力现代化，切实把党的政治优势转化为发展优势。"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# -- .docx ------------------------------------------------------------------------------


def _docx_members(paragraphs: int = 20) -> list[tuple[str, bytes]]:
    """The parts of a real Word file (python-docx's template) holding a few paragraphs."""
    import docx

    document = docx.Document()
    for n in range(paragraphs):
        document.add_paragraph(f"{n + 1}. {PARAGRAPH}")
    buf = io.BytesIO()
    document.save(buf)
    import zipfile

    with zipfile.ZipFile(buf) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def _zip(members: list[dict]) -> bytes:
    """A zip from members given as ``name``, ``raw`` (the stored bytes), ``method``, ``crc``,
    ``size`` (declared uncompressed size) and ``flags`` — each written exactly as given."""
    out, central = bytearray(), bytearray()
    for m in members:
        name = m["name"].encode("utf-8")
        fields = (20, m.get("flags", 0), m["method"], 0, 0x21, m["crc"], len(m["raw"]), m["size"])
        offset = len(out)
        out += b"PK\x03\x04" + struct.pack("<HHHHHIII", *fields) + struct.pack("<HH", len(name), 0)
        out += name + m["raw"]
        central += b"PK\x01\x02" + struct.pack("<H", 20) + struct.pack("<HHHHHIII", *fields)
        central += struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, offset) + name
    start = len(out)
    out += central
    out += b"PK\x05\x06" + struct.pack(
        "<HHHHIIH", 0, 0, len(members), len(members), len(central), start, 0
    )
    return bytes(out)


def _member(name: str, data: bytes, *, stored: bool = False) -> dict:
    raw = data if stored else _deflate(data)
    return {
        "name": name,
        "raw": raw,
        "method": 0 if stored else 8,
        "crc": zlib.crc32(data),
        "size": len(data),
    }


def _docx_with(folder: Path, name: str, change) -> Path:
    """A real Word file whose word/document.xml member is passed through ``change``."""
    members = [_member(n, data) for n, data in _docx_members()]
    for m in members:
        if m["name"] == "word/document.xml":
            change(m)
    path = Path(folder) / name
    path.write_bytes(_zip(members))
    return path


def make_valid_docx(folder: Path) -> Path:
    """The control: the same package, honest, loads with 20 paragraphs."""
    return _docx_with(folder, "valid.docx", lambda m: None)


def make_flipped_byte_docx(folder: Path) -> Path:
    """One byte of word/document.xml's deflate stream changed: inflating it is a zlib.error
    (the first block's type becomes the reserved 3)."""

    def flip(m: dict) -> None:
        raw = bytearray(m["raw"])
        raw[0] |= 0x06
        m["raw"] = bytes(raw)
        try:
            zlib.decompress(m["raw"], -zlib.MAX_WBITS)
        except zlib.error:
            return
        raise AssertionError("the flipped byte must break the deflate stream")

    return _docx_with(folder, "flipped_byte.docx", flip)


def make_encrypted_docx(folder: Path) -> Path:
    """word/document.xml flagged as encrypted (zipfile: RuntimeError, password required)."""
    return _docx_with(folder, "encrypted.docx", lambda m: m.update(flags=0x1))


def make_unknown_method_docx(folder: Path) -> Path:
    """word/document.xml with compression method 97 (zipfile: NotImplementedError)."""
    return _docx_with(folder, "unknown_method.docx", lambda m: m.update(method=97))


def lying_stream(inflated: int) -> bytes:
    """A raw deflate stream of ``inflated`` bytes of Word paragraphs, built from one
    compressed MiB repeated (full flushes make the pieces independent), in milliseconds."""
    unit = (f"<w:p><w:r><w:t>{PARAGRAPH}</w:t></w:r></w:p>" * 4000).encode("utf-8")[: 2**20]
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    piece = packer.compress(unit) + packer.flush(zlib.Z_FULL_FLUSH)
    return piece * (inflated // len(unit)) + packer.flush(zlib.Z_FINISH)


def make_lying_docx(folder: Path, inflated: int = 2**30) -> Path:
    """word/document.xml inflates to ``inflated`` bytes (1 GiB) but the directory declares
    20 times its compressed size — small enough for the size and ratio checks."""

    def lie(m: dict) -> None:
        m["raw"] = lying_stream(inflated)
        m["size"] = 20 * len(m["raw"])
        m["crc"] = 0

    return _docx_with(folder, "lying_size.docx", lie)


# -- PDF ---------------------------------------------------------------------------------


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF whose object n is ``objects[n - 1]`` (object 1 the catalog), with a true xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _text_stream(text: str) -> bytes:
    content = b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET"
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def make_pages_pdf(
    folder: Path, pages: int = 20_000, *, declared: int | None = None, name: str = "pages.pdf"
) -> Path:
    """``pages`` pages sharing one content stream (20,000 pages in about 3 MB); the page
    tree's /Count says ``declared`` (default: the truth)."""
    first_page = 5
    kids = b" ".join(b"%d 0 R" % (first_page + n) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + kids
        + b"] /Count %d >>" % (pages if declared is None else declared),
        _text_stream("Annual report page: 236 party members, 12 branches."),
        _FONT,
    ]
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R"
        b" /Resources << /Font << /F1 4 0 R >> >> >>"
    )
    objects += [page] * pages
    path = Path(folder) / name
    path.write_bytes(_pdf(objects))
    return path


def make_nested_pdf(folder: Path, depth: int = 20_000, *, where: str = "content") -> Path:
    """One page with arrays nested ``depth`` deep (40 KB at 20,000), in its content stream
    (``where="content"``: extract_text raises RecursionError) or in the page dictionary
    (``"page"``: pypdf wraps the RecursionError in a PdfReadError)."""
    nested = b"[" * depth + b"]" * depth
    content = b"BT /F1 12 Tf 72 720 Td (Some text.) Tj "
    content += (nested + b" TJ ET") if where == "content" else b"ET"
    annots = b" /Annots " + nested if where == "page" else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        _FONT,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R"
        b" /Resources << /Font << /F1 4 0 R >> >>" + annots + b" >>",
    ]
    path = Path(folder) / f"nested_arrays_{where}.pdf"
    path.write_bytes(_pdf(objects))
    return path


# -- HTML --------------------------------------------------------------------------------


def make_many_paragraphs_html(folder: Path, paragraphs: int = 20_000) -> Path:
    """A plain saved page of ``paragraphs`` ``<p>`` (20,000: about 2.7 MB)."""
    body = "".join(f"<p>{n + 1}. {PARAGRAPH}</p>\n" for n in range(paragraphs))
    path = Path(folder) / f"paragraphs_{paragraphs}.html"
    path.write_text(
        f"<html><head><meta charset='utf-8'><title>通知</title></head><body>{body}</body></html>",
        encoding="utf-8",
    )
    return path


def make_nested_html(folder: Path, depth: int = 100_000) -> Path:
    """``depth`` nested ``<div>``, each with one numbered line of text."""
    opening = "".join(f"<div>第{n + 1}层</div><div>" for n in range(depth))
    path = Path(folder) / f"nested_{depth}.html"
    path.write_text(
        f"<html><head><meta charset='utf-8'></head><body>{opening}{'</div>' * depth}</body></html>",
        encoding="utf-8",
    )
    return path


def saved_page_block(n: int) -> str:
    """One article section of a saved government page: markup-heavy, as real pages are
    (inline styles, a share bar, related links, tracking script; about 40 bytes per
    character of text, so that a 40 MB page holds about a million characters)."""
    links = "".join(
        f'<li><a href="/xxgk/{n}/{k}.html" target="_blank" title="相关链接{k}">相关链接{k}</a></li>'
        for k in range(6)
    )
    track = ",".join(f'"k{k}":"{n * 31 + k:08x}"' for k in range(40))
    return (
        f'<div class="content-block" id="s{n}"><h2 class="sub-title">（{n}）工作情况</h2>'
        f'<div class="share-bar"><a href="javascript:void(0)" onclick="share({n})">分享</a></div>'
        f'<p style="text-indent:2em;line-height:1.8"><span style="font-family:仿宋">{PARAGRAPH}'
        f'</span><br/><span>第{n}段。</span></p><table class="data"><tr><td>指标</td>'
        f'<td>{n}</td></tr></table><ul class="related-links">{links}</ul><!-- block {n} -->'
        f'<script type="application/ld+json">{{{track}}}</script></div>\n'
    )


def make_big_html(folder: Path, megabytes: float) -> Path:
    """A saved web page of about ``megabytes`` MB: navigation, scripts, an article of many
    sections and a footer (a 40 MB page has about 25,000 sections)."""
    head = (
        "<html><head><meta charset='utf-8'><title>大页面</title><style>p{margin:0}</style>"
        "<script>var x = 1;</script></head><body><div class='nav'>首页 &gt; 通知</div>"
        "<article><h1>关于城市建设的调研报告</h1>"
    )
    tail = "</article><footer>版权所有</footer></body></html>"
    block_size = len(saved_page_block(1).encode("utf-8"))
    count = max(1, int(megabytes * 2**20 / block_size))
    path = Path(folder) / f"page_{megabytes:g}mb.html"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(head)
        for n in range(1, count + 1):
            fh.write(saved_page_block(n))
        fh.write(tail)
    return path


PROBES = {
    "flipped_byte.docx": make_flipped_byte_docx,
    "encrypted.docx": make_encrypted_docx,
    "unknown_method.docx": make_unknown_method_docx,
    "lying_size.docx": make_lying_docx,
    "nested_arrays_content.pdf": make_nested_pdf,
    "nested_arrays_page.pdf": lambda folder: make_nested_pdf(folder, where="page"),
    "pages.pdf": make_pages_pdf,
    "paragraphs_20000.html": make_many_paragraphs_html,
    "nested_100000.html": make_nested_html,
}


def main(argv: list[str]) -> int:
    """Write every probe, and the 1, 10 and 40 MB pages, into the folder named by argv[0]."""
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[0], "\nusage: make_hostile.py OUTDIR", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    folder.mkdir(parents=True, exist_ok=True)
    paths = [make(folder) for make in PROBES.values()]
    paths += [make_big_html(folder, mb) for mb in (1, 10, 40)]
    for path in paths:
        print(f"{path.stat().st_size:>12,}  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
