"""The 文档库 tab in a real headless Chromium: an upload list that clears, a .doc refused with
what to do, version groups, cells a librarian edits, a delete that asks first."""

from __future__ import annotations

import shutil

import pytest

from tests.assistant.web.conftest import ARTIFACTS, SHARED


@pytest.fixture(scope="module")
def library_page(seed_app, open_page, tmp_path_factory):
    def extra(folder):  # a shortened GBK copy of seed 000: a version, not a duplicate
        shutil.copy(SHARED / "badinputs" / "gbk_report.txt", folder / "gbk_report.txt")

    url = seed_app(extra)
    uploads = tmp_path_factory.mktemp("up")
    shutil.copy(SHARED / "badinputs" / "legacy_word.doc", uploads / "旧报告.doc")
    (uploads / "新上传.txt").write_text(
        "一、基本情况\n新上传检验单位现有党员31名。\n二、下一步\n继续做好工作。", encoding="utf-8"
    )
    with open_page(url, height=1400) as page:
        page.get_by_role("tab", name="文档库").click()
        yield page, uploads


def test_library_tab_as_a_librarian_uses_it(library_page):
    from playwright.sync_api import expect

    page, uploads = library_page
    documents = page.locator("#documents")
    expect(documents).to_contain_text("版本组 1（共 2 份）")  # seed 000 and its GBK copy

    page.locator("#upload input[type=file]").set_input_files(
        [str(uploads / "旧报告.doc"), str(uploads / "新上传.txt")]
    )
    page.locator("#ingest").click()
    outcomes = page.locator("#outcomes")
    expect(outcomes).to_contain_text("旧版 .doc 格式不支持，请另存为 .docx")
    expect(outcomes).to_contain_text("已入库")
    expect(page.locator("#upload")).not_to_contain_text("新上传.txt")  # the list cleared
    expect(documents).to_contain_text("新上传.txt")

    # Correct the unit of the uploaded report in its cell.
    row = documents.locator("[role=gridcell]", has_text="新上传.txt").get_attribute("data-row")
    unit = documents.locator(f"[data-testid=cell-{row}-2]")
    editor = page.locator("#documents textarea[aria-label='Edit cell']")
    for _ in range(5):  # the table may re-render once after the ingest: open the editor again
        unit.dblclick()
        if editor.count():
            break
        page.wait_for_timeout(1000)
    expect(editor).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("新上传检验单位党委")
    page.keyboard.press("Enter")
    expect(page.get_by_text("已修改《").first).to_be_visible()
    header = page.locator("[data-testid=toast-body] .toast-title").first  # "Success" in Gradio
    assert header.evaluate("e => getComputedStyle(e, '::before').content") == '"完成"'
    assert header.evaluate("e => getComputedStyle(e).fontSize") == "0px"  # the English word
    row = documents.locator("[role=gridcell]", has_text="新上传.txt").get_attribute("data-row")
    expect(documents.locator(f"[data-testid=cell-{row}-2]")).to_contain_text("新上传检验单位党委")
    page.locator("#refresh").click()  # read back from the catalog, not the page's copy
    expect(page.locator("#to-delete")).to_contain_text("新上传.txt")
    row = documents.locator("[role=gridcell]", has_text="新上传.txt").get_attribute("data-row")
    expect(documents.locator(f"[data-testid=cell-{row}-2]")).to_contain_text("新上传检验单位党委")
    page.screenshot(path=str(ARTIFACTS / "browser_library_edit.png"), full_page=True)

    # Delete asks first; 取消 keeps the document, 确认删除 removes it.
    page.locator("#to-delete label", has_text="新上传.txt").click()
    page.locator("#delete").click()
    expect(page.locator("#confirm-note")).to_contain_text("确定删除所选的 1 篇文档吗")
    page.locator("#cancel").click()
    expect(page.locator("#confirm-delete")).to_be_hidden()
    expect(documents).to_contain_text("新上传.txt")
    page.locator("#delete").click()
    page.locator("#confirm").click()
    expect(outcomes).to_contain_text("已从库中删除")
    expect(documents).not_to_contain_text("新上传.txt")
    assert page.get_by_text("Info (").count() == 0  # no English-headed stack of toasts
    page.screenshot(path=str(ARTIFACTS / "browser_library_delete.png"), full_page=True)
