"""The LLM's second opinion is added beside the verdict and never replaces it."""

from __future__ import annotations

from assistant.retrieval.base import Hit
from assistant.review.checker import ReviewReport, Verdict
from assistant.review.formats import to_html
from assistant.review.second_opinion import add_second_opinions
from core.errors import LLMError
from tests.fakes import FakeChatModel


def report() -> ReviewReport:
    hit = Hit("c", "d", "市住建局现有在职党员485名。", 1.0)
    return ReviewReport(
        "x",
        [
            Verdict(
                "在职党员458名。",
                0,
                9,
                "contradicted",
                "在职党员485名。",
                hit,
                0.9,
                [("number", "458名", "485名")],
            ),
            Verdict("城管局组建15支突击队。", 9, 20, "supported", "组建15支", hit, 0.9),
            Verdict("新发展党员32名。", 20, 29, "unsupported"),
        ],
    )


def test_second_opinion_is_kept_beside_the_verdict():
    chat = FakeChatModel().enqueue(["矛盾：原文", "是485名"]).enqueue(["不支持：原文未提及"])
    r = report()
    assert add_second_opinions(r, chat) == []
    assert [v.label for v in r.verdicts] == ["contradicted", "supported", "unsupported"]
    assert r.verdicts[0].second_opinion == "矛盾：原文是485名"
    assert r.verdicts[1].second_opinion is None  # supported sentences are not asked about
    assert "458名" in chat.messages[0][0]["content"] and "485名" in chat.messages[0][0]["content"]
    assert "资料库中没有找到相关原文" in chat.messages[1][0]["content"]
    assert "模型的第二意见（仅供参考）" in to_html(r)


def test_failing_model_is_reported_once_and_changes_nothing():
    chat = FakeChatModel().enqueue([LLMError("connection refused")])
    r = report()
    notices = add_second_opinions(r, chat)
    assert len(notices) == 1 and "connection refused" in notices[0]
    assert [v.second_opinion for v in r.verdicts] == [None, None, None]
    assert r.verdicts[0].label == "contradicted"
