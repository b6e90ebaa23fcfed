"""The 审核 tab in a real headless Chromium: paste a draft, see the sentences coloured by verdict,
the totals and the terminology issues, pick the contradicted sentence and see it beside its
source with both numbers marked; markup inside the draft shows as text and never runs.

Needs Debian's ``chromium`` and the ``playwright`` package (never ``playwright install``).
Screenshot: ``tests/artifacts/browser_review.png``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
DRAFT = (
    "关于机关党建工作的审核样稿\n"
    "市住建局现有基层党组织48个,在职党员485名。\n"
    "市住建局现有基层党组织58个,在职党员485名。\n"
    "下一步，我们将继续深化党建品牌建设。\n"
    "2021年6月28日,天津市滨海新区市场监督局机关党委组织新党员进行集体宣誓。\n"
    '<img src=x onerror="window.__xss_draft=1;alert(1)">全市共建成智慧党建驿站999个。\n'
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)"
    ),
]


def test_review_tab_in_a_real_browser(seed_app, open_page):
    from playwright.sync_api import expect

    with open_page(seed_app(), height=1200) as page:
        page.get_by_role("tab", name="审核").click()
        page.locator("#review-text textarea").fill(DRAFT)
        page.locator("#review-run").click()

        totals = page.locator("#review-totals")
        expect(totals).to_contain_text("审核结果")
        expect(totals).to_contain_text(re.compile(r"与来源不符 [1-9]"))
        expect(totals).to_contain_text(re.compile(r"有依据 [1-9]"))
        # The organisation name written short of the corpus's full name.
        expect(totals.locator(".rv-terms")).to_contain_text("天津市滨海新区市场监督局")
        expect(totals.locator(".rv-terms")).to_contain_text("天津市滨海新区市场监督管理局")

        draft = page.locator("#review-draft")
        expect(draft.locator(".rv-contradicted", has_text="58个")).to_have_count(1)
        expect(draft.locator(".rv-supported", has_text="48个")).to_have_count(1)
        expect(draft.locator(".rv-not_claim", has_text="下一步")).to_have_count(1)
        # The hostile tag is shown as text in the draft, not made into an element.
        expect(draft).to_contain_text('<img src=x onerror="window.__xss_draft=1')
        assert draft.locator("img, script, [onerror]").count() == 0

        # Pick the contradicted sentence: draft and source side by side, 58 vs 48 marked.
        page.locator("#review-pick input").click()
        page.get_by_role("option", name=re.compile(r"与来源不符.*58个")).click()
        detail = page.locator("#review-detail")
        expect(detail.locator("table")).to_contain_text("与来源不符")
        marks = detail.locator("table mark")
        expect(marks.first).to_be_visible()
        marked = [m.inner_text() for m in marks.all()]
        assert any("58" in m for m in marked) and any("48" in m for m in marked), marked
        expect(detail.locator("details summary")).to_contain_text("来源段落")
        page.screenshot(path=str(ARTIFACTS / "browser_review.png"), full_page=True)

        assert page.dialogs == []
        assert page.evaluate("window.__alerts") == []
        assert page.evaluate("typeof window.__xss_draft") == "undefined"
