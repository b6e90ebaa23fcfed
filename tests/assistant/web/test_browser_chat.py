"""The 对话 tab as a conversation in a real headless Chromium: Enter sends and Shift+Enter
breaks the line, a follow-up is understood (「理解为：……」), clicking a turn shows its own
sources, the conversation is kept across a reload, at 800 px the page is one column, and the
生成方式 picker: an option this server cannot run is refused with a Chinese toast, 抽取式 answers
with each sentence coloured by its check.

Needs Debian's ``chromium`` and the ``playwright`` package (never ``playwright install``).
Screenshots: ``tests/artifacts/browser_chat.png``, ``browser_chat_800.png``,
``browser_generator.png``, ``browser_generator_choices.png``, ``browser_generator_checked.png``.
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


def test_the_generator_picker_and_the_coloured_answer(url, open_page):
    from playwright.sync_api import expect

    with open_page(url, height=1100) as page:
        picker = page.locator("#generator")
        choice = picker.locator("input")
        expect(choice).to_have_value("自动（摘录原文）")  # the setting; nothing else runs here
        expect(picker).to_contain_text("仅对本次提问生效")
        # The seed app has no local model: choosing it says why, and the picker goes back.
        choice.click()
        page.get_by_role("option", name="抽取式（摘录原文）").wait_for()
        page.screenshot(path=str(ARTIFACTS / "browser_generator_choices.png"))
        page.get_by_role("option", name="本地模型（Qwen2.5-1.5B） · 未安装").click()
        toast = page.locator("[data-testid=toast-body]").first
        expect(toast).to_contain_text("无法选择此生成方式：未安装本地模型 qwen2.5-1.5b")
        expect(choice).to_have_value("自动（摘录原文）")
        page.wait_for_timeout(1500)  # a second toast for the same choice would be there by now
        expect(page.locator("[data-testid=toast-body]")).to_have_count(1)
        choice.click()
        page.get_by_role("option", name="抽取式（摘录原文）").click()
        expect(choice).to_have_value("抽取式（摘录原文）")

        _send(page, FIRST, 1)
        answer = page.locator("#chat [data-testid=bot]").last
        supported = answer.locator(".ans-sentence.ans-supported")
        expect(supported.first).to_be_visible()
        expect(supported.filter(has_text="48")).not_to_have_count(0)
        assert supported.first.get_attribute("title").startswith("有依据，见来源 [1]")
        colour = supported.first.evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour == "rgb(217, 242, 217)"  # the 审核 tab's 有依据 green
        expect(answer.locator(".ans-checked")).to_contain_text("核对结果：有依据")
        expect(answer).not_to_contain_text("未配置大模型")  # 抽取式 was chosen
        assert answer.locator("script, img, [onerror]").count() == 0
        page.screenshot(path=str(ARTIFACTS / "browser_generator.png"), full_page=True)
        plan = answer.locator(".ans-not_claim", has_text="下一步")  # a plan: no colour, a tip
        assert plan.first.get_attribute("title").startswith("无需核对")
        assert plan.first.evaluate("e => getComputedStyle(e).backgroundColor") == "rgba(0, 0, 0, 0)"


class WrongModel:
    """A model that miscounts and slips markup into its answer (every call the same reply)."""

    kind = "endpoint"
    label = "大模型服务（测试）"
    fallback = None

    def stream(self, messages):
        yield "西安市住建局现有基层党组织40个[1]。"
        yield "其中<script>window.__xss_answer=1</script>火星党员9名[1]。"


def test_a_models_wrong_sentence_is_coloured_with_the_sources_value(seed_app, open_page):
    """严格模式 off: the contradicted sentence stays, red, with 「草稿“40个”，来源“48个”」; the
    markup it wrote shows as text; the banner says the model wrote it."""
    from playwright.sync_api import expect

    with open_page(seed_app(chat=WrongModel()), height=1100) as page:
        page.locator("#question textarea").wait_for()
        expect(page.locator("#generator input")).to_have_value("自动（大模型服务）")
        page.get_by_text("起草选项").click()
        page.locator("#strict input").uncheck()
        page.locator("#question textarea").fill(FIRST)
        page.locator("#submit").click()
        answer = page.locator("#chat [data-testid=bot]").last
        expect(answer).to_contain_text("大模型服务（测试）生成，已逐句核对")
        wrong = answer.locator(".ans-sentence.ans-contradicted")
        expect(wrong).to_have_count(1)
        expect(wrong).to_contain_text("40个")
        expect(answer.locator(".ans-note-contradicted")).to_have_text(
            "与来源不符：草稿“40个”，来源“48个”"
        )
        assert "来源原句" in wrong.get_attribute("title")
        hostile = answer.locator(".ans-sentence.ans-unsupported")
        expect(hostile).to_contain_text("<script>window.__xss_answer=1</script>")
        assert page.evaluate("typeof window.__xss_answer") == "undefined"
        assert answer.locator("script, img, [onerror]").count() == 0
        answer.screenshot(path=str(ARTIFACTS / "browser_generator_checked.png"))
