"""The web app in a real headless Chromium: ask in Chinese, read the cited answer, upload a
report through the 文档库 tab, and check that markup inside sources never runs or renders.

Each test opens its own page (the app's first tab, 对话), so one failure leaves nothing behind
for the next; text is matched as the user reads it, whatever elements Gradio splits it into.

Needs Debian's ``chromium`` (``apt-get install -y chromium fonts-wqy-zenhei``) and the
``playwright`` Python package; never ``playwright install``. Screenshots go to
``tests/artifacts/``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
HOSTILE_NAME = "网页安全测试说明.txt"  # already in the library
UPLOAD_NAME = "上传检验说明.txt"  # uploaded through the 文档库 tab
UPLOAD_TEXT = """关于上传检验的说明
一、检验内容
本文件经文档库页面上传，用于检验上传、入库和文档列表显示。上传检验单位现有党员31名。
"""
HOSTILE_TEXT = """关于来源面板转义检验的说明
一、检验内容
本段落故意包含脚本标签<script>window.__xss_txt=1;alert('txt')</script>和图片标签<img src=x onerror="window.__xss_img=1;alert('img')">，用于检验来源面板的转义是否可靠。
二、检验要求
来源面板必须把脚本标签和图片标签原样显示为文字，不得执行。
"""
# Already in the library (ingested from a folder, where a name may hold any character).
HOSTILE_FILE = '名称<img src=x onerror="window.__xss_name=1">.txt'
HOSTILE_TITLE_TEXT = """关于<script>window.__xss_title=1</script>和<img src=x onerror="window.__xss_title_img=1">标题转义检验的报告
一、基本情况
标题转义检验单位现有党员27名，设立党小组3个。
二、下一步打算
继续做好标题转义检验工作。
"""
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)"
    ),
]


@pytest.fixture(scope="module")
def server(seed_app, tmp_path_factory):
    """The app over seeds + script_injection.html + a report with markup in its body and one
    with markup in its title and file name; and a report to upload."""

    def extra(corpus: Path) -> None:
        shutil.copy(SHARED / "badinputs" / "script_injection.html", corpus)
        (corpus / HOSTILE_NAME).write_text(HOSTILE_TEXT, encoding="utf-8")
        (corpus / HOSTILE_FILE).write_text(HOSTILE_TITLE_TEXT, encoding="utf-8")

    url = seed_app(extra)
    upload = tmp_path_factory.mktemp("upload") / UPLOAD_NAME
    upload.write_text(UPLOAD_TEXT, encoding="utf-8")
    return {"url": url, "upload": upload}


@pytest.fixture
def page(server, open_page):
    """A fresh page per test, on the 对话 tab."""
    with open_page(server["url"]) as page:
        page.locator("#question textarea").wait_for()
        yield page


def _reads(text: str) -> re.Pattern:
    """``text`` as a reader sees it: any whitespace between its characters is allowed (Gradio
    may put a file's stem and extension, or a size, in elements of their own)."""
    return re.compile(r"\s*".join(re.escape(ch) for ch in text))


def _ask(page, question: str) -> None:
    page.locator("#question textarea").fill(question)
    page.locator("#submit").click()


def _answer(page):
    """The latest answer in the chat."""
    return page.locator("#chat [data-testid=bot]").last


def _no_script_ran(page) -> None:
    assert page.dialogs == []
    assert page.evaluate("window.__alerts") == []
    assert page.evaluate("typeof window.__xss_txt") == "undefined"
    assert page.evaluate("typeof window.__xss_img") == "undefined"
    assert page.evaluate("typeof window.__xss_title") == "undefined"
    assert page.evaluate("typeof window.__xss_name") == "undefined"
    assert page.evaluate("typeof window.__xss_title_img") == "undefined"
    # no element was made from source text
    assert page.locator("#sources script, #sources img, #chat script, #chat img").count() == 0
    assert (
        page.locator("#sources [onerror], #chat [onerror], #sources a[href^=javascript]").count()
        == 0
    )


def test_cited_answer_with_sources(page):
    from playwright.sync_api import expect

    expect(page).to_have_title("文稿起草助手")
    _ask(page, "市住建局有多少在职党员？")
    expect(_answer(page)).to_contain_text("485")
    expect(_answer(page)).to_contain_text(re.compile(r"\[1\]"))  # numbered from 1
    expect(_answer(page)).to_contain_text("抽取式（资料原文摘录）")
    first = page.locator("#sources .source").first
    expect(first).to_be_visible()
    head = first.locator(".source-head")
    expect(head.locator(".source-n")).to_have_text(re.compile(r"\[\d+\]"))
    assert head.locator(".source-title").inner_text().strip()
    # sections are shown (the first cited source, [1] since renumbering, may have none)
    assert "、" in page.locator("#sources .source-section").first.inner_text()
    assert re.search(r"\.(txt|html)$", head.locator(".source-file").inner_text())
    assert page.locator("#sources mark").count() > 0
    # the period each passage speaks of (seed 000 is the 2021 report)
    expect(page.locator("#sources .source-period").first).to_contain_text("所述时期：")
    expect(page.locator("#download-docx")).to_be_enabled()
    page.screenshot(path=str(ARTIFACTS / "browser_answer.png"), full_page=True)
    _no_script_ran(page)


def test_upload_through_library_tab(page, server):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="文档库").click()
    page.locator("#upload input[type=file]").set_input_files(str(server["upload"]))
    expect(page.locator("#upload")).to_contain_text(_reads(UPLOAD_NAME))
    page.locator("#ingest").click()
    outcomes = page.locator("#outcomes")
    expect(outcomes).to_contain_text("已入库")
    expect(outcomes).to_contain_text(_reads(UPLOAD_NAME))
    documents = page.locator("#documents")
    expect(documents).to_contain_text(_reads("script_injection.html"))
    expect(documents).to_contain_text(_reads(UPLOAD_NAME))
    page.screenshot(path=str(ARTIFACTS / "browser_library.png"), full_page=True)
    page.get_by_role("tab", name="对话").click()
    _ask(page, "上传检验单位现有党员多少名？")
    expect(_answer(page)).to_contain_text("31")
    expect(page.locator("#sources")).to_contain_text(_reads(UPLOAD_NAME))
    _no_script_ran(page)


def test_markup_in_sources_shows_as_text(page):
    from playwright.sync_api import expect

    _ask(page, "来源面板转义检验的脚本标签和图片标签")
    sources = page.locator("#sources")
    expect(sources).to_contain_text("<script>window.__xss_txt=1")
    expect(sources).to_contain_text('<img src=x onerror="window.__xss_img=1')
    expect(sources).to_contain_text(_reads(HOSTILE_NAME))
    page.screenshot(path=str(ARTIFACTS / "browser_escaped.png"), full_page=True)
    _no_script_ran(page)


def test_script_injection_page_is_harmless(page):
    from playwright.sync_api import expect

    _ask(page, "城市建设中党员作用发挥的调研报告 党组织+在职党员+一线临时党组织")
    expect(page.locator("#sources")).to_contain_text("script_injection.html")
    expect(_answer(page)).to_contain_text(re.compile(r"\[\d+\]"))
    _no_script_ran(page)


def test_markup_in_titles_and_file_names_shows_as_text(page):
    from playwright.sync_api import expect

    _ask(page, "标题转义检验单位现有党员多少名？")
    head = page.locator("#sources .source-head").first
    expect(head.locator(".source-title")).to_contain_text("<script>window.__xss_title=1")
    expect(head.locator(".source-file")).to_have_text(HOSTILE_FILE)
    expect(_answer(page)).to_contain_text("27")
    page.get_by_role("tab", name="文档库").click()
    documents = page.locator("#documents")
    expect(documents).to_contain_text("<script>window.__xss_title=1")
    expect(documents).to_contain_text(_reads(HOSTILE_FILE))
    assert page.locator("#documents script, #documents img, #to-delete img").count() == 0
    page.screenshot(path=str(ARTIFACTS / "browser_hostile_title.png"), full_page=True)
    _no_script_ran(page)
