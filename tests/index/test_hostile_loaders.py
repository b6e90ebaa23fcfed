"""Hostile files (tests/hostile/make_hostile.py) against the loaders: each damaged one is that
file's one-line Chinese reason, never another exception; the caps stop the work where they
say (checked by counting what was inflated or extracted, not by timing); huge and deeply
nested pages load, linearly, with the lines they hold."""

from __future__ import annotations

import zlib

import pypdf
import pytest

from core.errors import LoadError
from core.settings import Settings
from index.embedders.hash import HashEmbedder
from index.loaders import load_file, reasons, zipcheck
from index.pipeline import ingest_paths
from tests.hostile import make_hostile as mh

WORD = "Word 文件已损坏或不是 Word 文件"


def _reason(path, **limits) -> str:
    with pytest.raises(LoadError) as info:
        load_file(path, **limits)
    assert type(info.value) is LoadError
    assert "\n" not in info.value.reason
    return info.value.reason


@pytest.fixture
def inflated(monkeypatch) -> list[int]:
    """Bytes each zlib inflater produced, one entry per inflater (clear it after making
    the file: python-docx inflates its template too)."""
    produced: list[int] = []
    real = zlib.decompressobj

    class Counting:
        def __init__(self, *args):
            self._inner = real(*args)
            produced.append(0)
            self._slot = len(produced) - 1

        def decompress(self, data, max_length=0):
            out = self._inner.decompress(data, max_length)
            produced[self._slot] += len(out)
            return out

        def __getattr__(self, name):
            return getattr(self._inner, name)

    monkeypatch.setattr(zipcheck.zlib, "decompressobj", Counting)
    return produced


@pytest.fixture
def extracted(monkeypatch) -> list[int]:
    """Pages whose text pypdf was asked to extract."""
    calls: list[int] = []
    real = pypdf.PageObject.extract_text

    def counting(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pypdf.PageObject, "extract_text", counting)
    return calls


def test_the_honest_package_loads(tmp_path):
    lines = load_file(mh.make_valid_docx(tmp_path)).text.splitlines()
    assert len(lines) == 20 and lines[0] == f"1. {mh.PARAGRAPH}"


def test_a_flipped_byte_in_a_deflated_member_is_a_damaged_word_file(tmp_path):
    assert _reason(mh.make_flipped_byte_docx(tmp_path)) == WORD


def test_an_encrypted_member_asks_for_the_password_to_be_removed(tmp_path):
    assert _reason(mh.make_encrypted_docx(tmp_path)) == "文件已加密，请去除密码后再入库"


def test_an_unknown_compression_method_is_a_damaged_word_file(tmp_path):
    assert _reason(mh.make_unknown_method_docx(tmp_path)) == WORD


def test_a_member_inflating_past_its_declared_size_stops_there(tmp_path, inflated):
    path = mh.make_lying_docx(tmp_path)  # 1 GiB inflated, declared as 20x its ~4 MB
    import zipfile

    with zipfile.ZipFile(path) as archive:
        declared = archive.getinfo("word/document.xml").file_size
    assert declared < 2**27
    inflated.clear()  # count the loader's inflating only
    assert _reason(path) == "解压后比文件目录所写的大（疑似压缩炸弹）"
    assert max(inflated) <= declared + zipcheck.CHUNK  # not the gigabyte behind it


def test_a_declared_size_over_the_cap_is_refused_before_inflating(tmp_path, inflated):
    path = mh.make_lying_docx(tmp_path)
    inflated.clear()
    # 100,000 characters allow 50 bytes of Word XML each: a part of at most 5,000,000 bytes.
    assert _reason(path, max_chars=100_000) == "解压后超过 4.77 MB 上限（疑似压缩炸弹）"
    assert inflated == []


@pytest.mark.parametrize("where", ["content", "page"])
def test_deeply_nested_pdf_arrays_are_too_deep(tmp_path, where):
    path = mh.make_nested_pdf(tmp_path, where=where)
    assert 40_000 <= path.stat().st_size < 45_000
    assert _reason(path) == "嵌套层级过深，文件可能已损坏"


def test_20000_pages_are_refused_before_any_text_is_extracted(tmp_path, extracted):
    path = mh.make_pages_pdf(tmp_path)
    assert _reason(path) == "PDF 超过 2,000 页上限，请拆分后入库"
    assert extracted == []


def test_a_page_count_that_lies_low_is_caught_by_walking_the_tree(tmp_path, extracted):
    path = mh.make_pages_pdf(tmp_path, pages=30, declared=3)
    assert _reason(path, max_pdf_pages=10) == "PDF 超过 10 页上限，请拆分后入库"
    assert extracted == []


def test_extraction_stops_once_the_text_passes_max_chars(tmp_path, extracted):
    path = mh.make_pages_pdf(tmp_path, pages=100)  # 51 characters a page
    assert _reason(path, max_chars=500) == "文字过长（超过上限 500 字），请拆分成较小的文件"
    assert len(extracted) == 10  # ten pages are 528 characters with their separators


def test_pages_within_the_caps_load(tmp_path):
    path = mh.make_pages_pdf(tmp_path, pages=4)
    assert load_file(path).text.count("236 party members") == 4


def test_100000_nested_divs_load_every_level(tmp_path):
    lines = load_file(mh.make_nested_html(tmp_path)).text.splitlines()
    assert len(lines) == 100_000
    assert (lines[0], lines[-1]) == ("第1层", "第100000层")


def test_20000_paragraphs_are_20000_lines(tmp_path):
    loaded = load_file(mh.make_many_paragraphs_html(tmp_path))
    lines = loaded.text.splitlines()
    assert len(lines) == 20_000 and lines[-1] == f"20000. {mh.PARAGRAPH}"
    assert loaded.title_hint == "通知"


def test_a_3_mb_saved_page_keeps_the_article_and_drops_the_chrome(tmp_path):
    path = mh.make_big_html(tmp_path, 3)
    blocks = path.read_text(encoding="utf-8").count('class="content-block"')
    text = load_file(path).text
    lines = text.splitlines()
    assert lines[0] == "关于城市建设的调研报告"
    assert len(lines) == 1 + 4 * blocks  # heading, paragraph, 第n段, one table row
    assert lines[1:5] == ["（1）工作情况", mh.PARAGRAPH, "第1段。", "指标 | 1"]
    for chrome in ("相关链接", "分享", "首页", "版权所有", "k0", "block 1"):
        assert chrome not in text


def test_every_probe_is_its_own_failure_in_an_ingest(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", embedder="hash")
    folder = tmp_path / "probes"
    folder.mkdir()
    expected = {
        mh.make_flipped_byte_docx(folder).name: WORD,
        mh.make_encrypted_docx(folder).name: reasons.ENCRYPTED,
        mh.make_unknown_method_docx(folder).name: WORD,
        mh.make_lying_docx(folder).name: reasons.BOMB_LYING,
        mh.make_nested_pdf(folder).name: reasons.NESTED,
        mh.make_pages_pdf(folder).name: reasons.too_many_pages(2000),
    }
    (folder / "report.txt").write_text("一、基本情况\n全局共有党员236名。", encoding="utf-8")
    report = ingest_paths([folder], settings, embedder=HashEmbedder())
    outcomes = {o.key.rsplit("/", 1)[-1]: (o.status, o.reason) for o in report.outcomes}
    assert {name: outcomes[name] for name in expected} == {
        name: ("failed", reason) for name, reason in expected.items()
    }
    assert outcomes["report.txt"][0] == "indexed"
