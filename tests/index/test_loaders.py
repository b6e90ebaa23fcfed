"""Loaders against the shared bad-input corpus (shared/badinputs/EXPECTED.md) and
files generated here (docx with a table, PDFs, oversize and zip-bomb packages)."""

from __future__ import annotations

import re
import shutil
import tracemalloc
from pathlib import Path

import pytest

from core.errors import LoadError, NoTextError
from core.normalize import normalize
from index.loaders import load_file
from index.loaders.html import declared_charset, html_to_text
from index.loaders.text import decode_bytes

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
BAD = SHARED / "badinputs"
SEED_000 = (SHARED / "corpus" / "seeds" / "000_424aa9fef5469438.txt").read_text("utf-8")
SEED_004 = (SHARED / "corpus" / "seeds" / "004_ceae22735636f238.txt").read_text("utf-8")
PART = SEED_000[:3000]  # what make_badinputs.py encodes into most files
WORD = "Word 文件已损坏或不是 Word 文件"
NO_TEXT = "没有文字内容"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# Every file of EXPECTED.md at the loader level: None = loads, else the exact reason.
EXPECTED = {
    "gbk_report.txt": None,
    "gb18030_report.txt": None,
    "big5_traditional.txt": None,
    "utf16_bom.txt": None,
    "utf8_bom.txt": None,
    "invalid_utf8_bytes.txt": None,
    "empty.txt": NO_TEXT,
    "whitespace_only.txt": NO_TEXT,
    "binary_as_txt.txt": "不是文本文件",
    "no_punctuation_long_line.txt": None,
    "duplicate_of_seed_000.txt": None,
    "fullwidth_and_zero_width.txt": None,
    "prompt_injection.txt": None,
    "script_injection.html": None,
    "gb2312_page.html": None,
    "truncated.docx": WORD,
    "text_named.docx": WORD,
    "malformed_xml.docx": WORD,
    "corrupt.pdf": "PDF 文件已损坏",
    "legacy_word.doc": "旧版 .doc 格式不支持，请另存为 .docx",
    "中文 文件名（含空格）.txt": None,
}


def test_expected_table_covers_every_bad_input():
    on_disk = {p.name for p in BAD.iterdir()} - {"EXPECTED.md", "make_badinputs.py"}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_behaves_as_expected(name):
    reason = EXPECTED[name]
    if reason is None:
        loaded = load_file(BAD / name)
        assert loaded.text.strip()
        assert "\ufeff" not in loaded.text and "\r" not in loaded.text
    else:
        with pytest.raises(LoadError) as info:
            load_file(BAD / name)
        assert info.value.reason == reason
        assert info.value.path.endswith(name)
        assert isinstance(info.value, NoTextError) == (reason == NO_TEXT)


@pytest.mark.parametrize("name", ["gbk_report.txt", "gb18030_report.txt"])
def test_gbk_and_gb18030_equal_the_utf8_original(name):
    loaded = load_file(BAD / name)
    assert loaded.encoding == "gb18030"
    assert loaded.text == PART


def test_big5_decodes_to_traditional_text_searchable_in_simplified():
    loaded = load_file(BAD / "big5_traditional.txt")
    assert loaded.encoding == "big5"
    # make_badinputs.py encoded with errors="replace": Big5 has no NBSP, so those became "?".
    assert loaded.text == SEED_004.replace("\xa0", "?")
    assert "強化工作載體建設" in loaded.text
    assert "强化工作载体建设 破解“两张皮”顽症" in normalize(loaded.text)


@pytest.mark.parametrize(
    ("name", "encoding"), [("utf16_bom.txt", "utf-16"), ("utf8_bom.txt", "utf-8")]
)
def test_bom_files_decode_without_bom(name, encoding):
    loaded = load_file(BAD / name)
    assert loaded.encoding == encoding
    assert loaded.text == PART


def test_invalid_utf8_bytes_are_replaced_with_a_warning():
    loaded = load_file(BAD / "invalid_utf8_bytes.txt")
    assert loaded.encoding == "utf-8"
    assert loaded.warnings == ["替换了 3 个无效字节"]
    # \xff \xfe \xc3 are invalid; the \x28 after \xc3 is a valid "(".
    assert loaded.text.replace("\ufffd\ufffd\ufffd(", "") == PART


def test_many_invalid_bytes_are_not_text():
    data = PART.encode("utf-8")[:600] + bytes(range(0x80, 0x100)) * 4
    with pytest.raises(LoadError, match="不是文本文件"):
        decode_bytes(data, "x.txt")


def test_a_stray_legacy_byte_in_english_text_is_replaced():
    data = b"Minutes of the meeting in the caf\xe9 area.\n" + b"Agreed actions follow.\n" * 40
    text, encoding, warnings = decode_bytes(data, "x.txt")
    assert (encoding, warnings) == ("utf-8", ["替换了 1 个无效字节"])
    assert text.startswith("Minutes of the meeting in the caf\ufffd area.\n")


def test_valid_utf8_wins_over_a_stale_meta_charset(tmp_path):
    page = tmp_path / "resaved.html"
    page.write_text("<meta charset='gb2312'><p>党建引领城市建设。</p>", encoding="utf-8")
    loaded = load_file(page)
    assert (loaded.encoding, loaded.text) == ("utf-8", "党建引领城市建设。")


def test_control_characters_mean_binary():
    data = ("abc\x01\x02\x03\x04" * 50).encode("ascii")
    with pytest.raises(LoadError, match="不是文本文件"):
        decode_bytes(data, "x.txt")


def test_utf16_without_bom_and_crlf_are_handled():
    text, encoding, _ = decode_bytes("Report line 1\r\nline 2\r\n".encode("utf-16-le"), "x.txt")
    assert encoding == "utf-16-le"
    assert text == "Report line 1\nline 2\n"


def test_chinese_file_name_with_spaces_loads():
    loaded = load_file(BAD / "中文 文件名（含空格）.txt")
    assert loaded.text == PART[:500]


def test_script_injection_page_keeps_article_drops_chrome_and_code():
    loaded = load_file(BAD / "script_injection.html")
    body = _squash(loaded.text)
    assert loaded.title_hint == "调研报告"
    assert loaded.text.startswith("城市建设中党员作用发挥的调研报告\n")
    assert _squash(PART[:600]) in body
    assert _squash(PART[600:1200]) in body
    for gone in ("alert", "xss", "javascript", "onerror", "当前位置", "Copyright", "ICP", "<"):
        assert gone not in loaded.text


def test_gb2312_meta_charset_is_honoured():
    data = (BAD / "gb2312_page.html").read_bytes()
    assert declared_charset(data) == "gb18030"  # gb2312 is read with its superset
    loaded = load_file(BAD / "gb2312_page.html")
    assert loaded.encoding == "gb18030"
    # GB2312 has no middle dot: make_badinputs.py wrote "?" for it.
    assert _squash(loaded.text) == _squash(PART[:1000]).replace("·", "?")


def test_meta_charset_decides_over_detection(tmp_path):
    # Detection alone calls these bytes binary; the declared charset decodes them.
    page = tmp_path / "latin.html"
    page.write_bytes(
        b"<html><head><meta charset='windows-1252'></head><body><p>caf\xe9 cr\xe8me</p></body></html>"
    )
    assert load_file(page).text == "café crème"


def test_html_structure_becomes_lines_and_cells():
    html = (
        "<body><div class='breadcrumb'>首页 &gt; 党建</div><main><h2>一、基本情况</h2>"
        "<p>第一段<br>第二行</p><table><tr><td>指标</td><td>数量</td></tr>"
        "<tr><td>党员</td><td>236</td></tr></table>"
        "<p><a href='javascript:alert(1)' onclick='x()'>链接文字</a></p></main>"
        "<div id='footer-copyright'>版权所有</div></body>"
    )
    text, title = html_to_text(html)
    assert title is None
    assert text.split("\n") == [
        "一、基本情况",
        "第一段",
        "第二行",
        "指标 | 数量",
        "党员 | 236",
        "链接文字",
    ]


def test_html_chrome_wrapper_around_article_is_kept():
    html = (
        "<body><div class='top'>网站名称</div><div class='article-header'><h1>标题</h1></div>"
        "<p>正文内容。</p></body>"
    )
    assert html_to_text(html)[0] == "标题\n正文内容。"


def test_legacy_doc_and_unknown_suffix_are_refused_case_insensitively(tmp_path):
    doc = tmp_path / "OLD.DOC"
    doc.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(LoadError) as info:
        load_file(doc)
    assert info.value.reason == "旧版 .doc 格式不支持，请另存为 .docx"
    other = tmp_path / "sheet.xyz"
    other.write_text("x")
    with pytest.raises(LoadError) as info:
        load_file(other)
    assert info.value.reason == "不支持的文件类型 .xyz"
    upper = tmp_path / "NOTE.TXT"
    shutil.copy(BAD / "gbk_report.txt", upper)
    assert load_file(upper).text == PART


def test_missing_file_and_directory_are_refused(tmp_path):
    with pytest.raises(LoadError, match="文件不存在"):
        load_file(tmp_path / "gone.txt")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(LoadError, match="不是普通文件"):
        load_file(folder)


def test_file_over_the_limit_is_refused_from_its_size(tmp_path):
    small = tmp_path / "big.txt"
    small.write_text("党建" * 600, encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_file(small, max_bytes=1024)
    assert re.fullmatch(
        r"文件过大（[\d.e-]+ MB，上限 [\d.e-]+ MB），请拆分后入库", info.value.reason
    )

    # A 60 MB sparse file with the default 50 MB limit: refused without reading it.
    sparse = tmp_path / "huge.txt"
    with sparse.open("wb") as fh:
        fh.truncate(60 * 2**20)
    tracemalloc.start()
    try:
        with pytest.raises(LoadError) as info:
            load_file(sparse)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert info.value.reason == "文件过大（60 MB，上限 50 MB），请拆分后入库"
    assert peak < 1 * 2**20
