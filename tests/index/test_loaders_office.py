"""Loaders of office files: .docx (damaged, zip bombs, nesting, structure), PDF text layers,
Markdown; the files are generated here or taken from the shared bad-input corpus."""

from __future__ import annotations

import resource
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from core.errors import LoadError, NoTextError
from index.loaders import docx as docx_loader
from index.loaders import load_file

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
BAD = SHARED / "badinputs"
WORD = "Word 文件已损坏或不是 Word 文件"
BOMB = "疑似压缩炸弹"


def test_malformed_xml_docx_is_rejected_with_bounded_memory():
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tracemalloc.start()
    try:
        with pytest.raises(LoadError) as info:
            load_file(BAD / "malformed_xml.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    assert info.value.reason == WORD
    assert peak < 10 * 2**20  # the file is 0.5 MB; Python never holds more than a few copies
    assert rss_growth < 200 * 1024  # lxml's C allocations included


def _word_zip(path: Path, document_xml: bytes) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr("word/document.xml", document_xml)


def _valid_docx(path: Path, extra: dict[str, bytes] | None = None) -> Path:
    """A real Word file, optionally with extra zip members that no relationship uses."""
    import docx

    document = docx.Document()
    document.add_paragraph("正文内容。" * 100)
    document.save(str(path))
    if extra:
        with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
            for name, data in extra.items():
                archive.writestr(name, data)
    return path


def test_valid_docx_with_unused_member_loads(tmp_path):
    path = _valid_docx(tmp_path / "ok.docx", {"word/media/pad.bin": bytes(range(256)) * 8})
    assert load_file(path).text == "正文内容。" * 100


def test_zip_bomb_docx_is_rejected_by_ratio(tmp_path):
    # 5 MB of zeros deflates about 1000:1; python-docx alone would open this file.
    path = _valid_docx(tmp_path / "bomb.docx", {"word/media/pad.bin": bytes(5 * 2**20)})
    with pytest.raises(LoadError, match=BOMB):
        load_file(path)


def test_oversized_docx_part_is_rejected(tmp_path, monkeypatch):
    path = _valid_docx(tmp_path / "big.docx")
    monkeypatch.setattr(docx_loader, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(LoadError, match=BOMB):
        load_file(path)


def test_deeply_nested_docx_xml_is_rejected(tmp_path):
    deep = tmp_path / "deep.docx"
    ns = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    _word_zip(
        deep, b"<w:document " + ns + b">" + b"<w:p>" * 5000 + b"</w:p>" * 5000 + b"</w:document>"
    )
    with pytest.raises(LoadError, match=WORD):
        load_file(deep)


def test_docx_keeps_headings_paragraphs_and_tables_in_order(tmp_path):
    import docx

    document = docx.Document()
    document.core_properties.title = "测试总结"
    document.add_heading("一、基本情况", level=1)
    document.add_paragraph("全局共有党员236名。")
    table = document.add_table(rows=2, cols=3)
    for c, value in enumerate(["指标", "2022年", "2023年"]):
        table.cell(0, c).text = value
    table.cell(1, 0).text = "党支部"
    merged = table.cell(1, 1).merge(table.cell(1, 2))
    merged.text = "12"
    document.add_paragraph("二、存在问题")
    path = tmp_path / "总结.docx"
    document.save(str(path))

    loaded = load_file(path)
    assert loaded.title_hint == "测试总结"
    assert loaded.text.split("\n") == [
        "一、基本情况",
        "全局共有党员236名。",
        "指标 | 2022年 | 2023年",
        "党支部 | 12",
        "二、存在问题",
    ]


def test_empty_docx_is_no_text(tmp_path):
    import docx

    path = tmp_path / "blank.docx"
    docx.Document().save(str(path))
    with pytest.raises(NoTextError):
        load_file(path)


def _matplotlib_pdf(path: Path, lines: list[str]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"pdf.fonttype": 42}):  # TrueType: extractable text
        fig = Figure(figsize=(4, 3))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.axis("off")
        ax.plot([0, 1], [0, 1])
        for n, line in enumerate(lines):
            fig.text(0.1, 0.8 - 0.2 * n, line)
        fig.savefig(path, metadata={"Title": "Sample report"})


def test_pdf_text_layer_is_extracted(tmp_path):
    path = tmp_path / "report.pdf"
    _matplotlib_pdf(path, ["Annual report 2023: 236 members", "Second line"])
    loaded = load_file(path)
    assert loaded.text == "Annual report 2023: 236 members\nSecond line"
    assert loaded.title_hint == "Sample report"


def test_pdf_without_text_is_no_text_layer(tmp_path):
    path = tmp_path / "scan.pdf"
    _matplotlib_pdf(path, [])
    with pytest.raises(NoTextError) as info:
        load_file(path)
    assert info.value.reason == "PDF 没有文字层（可能是扫描件），请先做文字识别"


def test_truncated_pdf_is_damaged(tmp_path):
    path = tmp_path / "half.pdf"
    _matplotlib_pdf(path, ["Some text"])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(LoadError) as info:
        load_file(path)
    assert info.value.reason == "PDF 文件已损坏"


def test_markdown_heading_marks_dropped(tmp_path):
    from index.loaders import load_file

    md = tmp_path / "r.md"
    md.write_text(
        "# 关于党建工作的思考\n\n## 一、基本情况\n正文第一段。#不是标题\n", encoding="utf-8"
    )
    text = load_file(md).text
    assert text.splitlines()[0] == "关于党建工作的思考"
    assert "一、基本情况" in text.splitlines() and "正文第一段。#不是标题" in text
