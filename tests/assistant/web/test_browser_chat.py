"""The 对话 tab as a conversation in a real headless Chromium: Enter sends and Shift+Enter
breaks the line, a follow-up is understood (「理解为：……」), clicking a turn shows its own
sources, the conversation is kept across a reload, and at 800 px the page is one column.

Needs Debian's ``chromium`` and the ``playwright`` package (never ``playwright install``).
Screenshots: ``tests/artifacts/browser_chat.png``, ``browser_chat_800.png``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
FIRST = "西安市住建局有多少个基层党组织？"
FOLLOW_UP = "那有多少名在职党员？"

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)"
    ),
]


@pytest.fixture(scope="module")
def url(seed_app):
    return seed_app()


def _send(page, question: str, turns: int) -> None:
    """Type ``question`` and press Enter; wait until the chat holds ``turns`` finished answers."""
    from playwright.sync_api import expect

    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    bots = page.locator("#chat [data-testid=bot]")
    expect(bots).to_have_count(turns)
    expect(bots.last).to_contain_text("抽取式（资料原文摘录）")  # the finished turn's label
    expect(page.locator("#sources .source").first).to_be_visible()


def test_a_conversation_in_the_browser(url, open_page):
    from playwright.sync_api import expect

    with open_page(url, height=1100) as page:
        box = page.locator("#question textarea")
        box.wait_for()
        expect(page.locator("#question")).to_contain_text("Enter 发送，Shift+Enter 换行")
        # Shift+Enter is a new line, not a send.
        box.fill("第一行")
        box.press("Shift+Enter")
        box.type("第二行")
        assert box.input_value() == "第一行\n第二行"
        expect(page.locator("#chat [data-testid=user]")).to_have_count(0)

        _send(page, FIRST, 1)
        first = page.locator("#chat [data-testid=bot]").first
        expect(first).to_contain_text("48")
        expect(page.locator("#sources")).to_contain_text("第 1 轮")
        assert box.input_value() == ""  # sent and cleared

        _send(page, FOLLOW_UP, 2)
        second = page.locator("#chat [data-testid=bot]").last
        expect(second).to_contain_text("理解为：西安市住建局有多少名在职党员？")
        expect(second).to_contain_text("485")
        expect(second).to_contain_text(re.compile(r"\[1\]"))
        expect(page.locator("#understood textarea")).to_have_value("西安市住建局有多少名在职党员？")
        sources = page.locator("#sources")
        expect(sources).to_contain_text("第 2 轮")
        expect(sources.locator("mark", has_text="在职")).not_to_have_count(0)
        assert sources.locator("mark", has_text=re.compile(r"^建局$")).count() == 0
        expect(page.locator("#download-docx")).to_be_enabled()
        expect(page.locator("#conversations")).to_contain_text(FIRST)
        page.screenshot(path=str(ARTIFACTS / "browser_chat.png"), full_page=True)

        first.click()  # the first turn's own sources
        expect(sources).to_contain_text("第 1 轮")
        expect(page.locator("#understood textarea")).to_have_value(FIRST)

    # A new page (a reload): the conversation is listed and reopens with both turns.
    with open_page(url, height=1100) as page:
        history = page.locator("#conversations")
        expect(history).to_contain_text(FIRST)
        history.get_by_text(FIRST).first.click()
        expect(page.locator("#chat [data-testid=bot]")).to_have_count(2)
        expect(page.locator("#chat [data-testid=bot]").last).to_contain_text("485")


def test_at_800_px_the_page_is_one_column(url, open_page):

    with open_page(url, height=1000) as page:
        page.set_viewport_size({"width": 800, "height": 1000})
        page.locator("#question textarea").wait_for()
        _send(page, FIRST, 1)
        chat = page.locator("#chat-main-col").bounding_box()
        sources = page.locator("#chat-sources-col").bounding_box()
        listing = page.locator("#chat-list-col").bounding_box()
        assert sources["y"] >= chat["y"] + chat["height"] - 1  # below the chat, not beside it
        assert listing["y"] >= sources["y"] + sources["height"] - 1
        assert chat["width"] > 700
        # The chat's buttons never cover its text: the copy-all strip is above the messages,
        # each answer's copy button below the answer.
        panel = page.locator("#chat .top-panel").bounding_box()
        wrap = page.locator("#chat .bubble-wrap").bounding_box()
        assert panel["y"] + panel["height"] <= wrap["y"] + 1
        bot = page.locator("#chat [data-testid=bot]").last.bounding_box()
        copy = page.locator("#chat .bubble-wrap button").last.bounding_box()
        assert copy["y"] >= bot["y"] + bot["height"] - 1
        page.screenshot(path=str(ARTIFACTS / "browser_chat_800.png"), full_page=True)
