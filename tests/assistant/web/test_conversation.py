"""The 对话 tab's conversation handlers with a fake generator: follow-ups shown as 理解为, each
turn with its own sources, filters that exclude the question, 重新生成, exports, per-user
conversations."""

from __future__ import annotations

from types import SimpleNamespace

import docx
import pytest

from assistant.conversation.store import LOCAL_USER
from assistant.generation.types import AnswerResult, Citation, Event
from assistant.retrieval.base import Hit
from assistant.web.app_context import AppContext
from assistant.web.conversation import ChatSession, user_of
from core.errors import InputError, NotFoundError
from core.settings import Settings
from index.store import CATALOG_FILE

XIAN = Citation(
    2,
    Hit(
        "c1", "d1", "市住建局现有基层党组织48个,在职党员485名。", 1.0, "住建局调研报告",
        "一、基本情况", "/u/3f9a0c1d2e4b5a69.txt", {"org": "西安市住建局", "year": 2021},
    ),
)  # fmt: skip
OTHER = Citation(1, Hit("c2", "d2", "别的单位的段落。", 0.5, "另一篇", "", "/u/other.txt"))


def scripted(*replies):
    """A generate function answering each call with the next (text, cited numbers) reply; the
    unit's passage is source [2], so a text citing it is renumbered to [1]."""
    calls = []

    def generate(question, *, mode, retriever, chat, settings, filters=None, k=6):
        calls.append({"question": question, "mode": mode, "filters": filters})
        text, cited = replies[len(calls) - 1]
        sources = [OTHER, XIAN] if cited else []
        yield Event("sources", sources=sources)
        yield Event("delta", text=text)
        yield Event(
            "done",
            result=AnswerResult(
                mode, text, sources, cited, True, ["未配置大模型，以下为抽取式回答"], [], [],
                question=question, generator="extractive", generator_label="抽取式",
            ),
        )  # fmt: skip

    generate.calls = calls
    return generate


@pytest.fixture
def settings(tmp_path):
    s = Settings(data_dir=tmp_path / "data", embedder="hash")
    s.index_dir.mkdir(parents=True)
    (s.index_dir / CATALOG_FILE).touch()
    return s


def session_for(settings, gen):
    return ChatSession(AppContext(settings, generate_fn=gen, retriever=object()))


def test_a_follow_up_is_understood_shown_and_answered_with_its_own_sources(settings):
    gen = scripted(("现有基层党组织48个[2]。", [2]), ("在职党员485名[2]。", [2]))
    session = session_for(settings, gen)
    first = list(session.ask("甲", None, "西安市住建局有多少个基层党组织？", "问答"))[-1]
    conv = first.conversation_id
    second = list(session.ask("甲", conv, "那在职党员有多少名？", "问答"))[-1]
    assert gen.calls[1]["question"] == "西安市住建局在职党员有多少名？"
    assert second.understood == "西安市住建局在职党员有多少名？"
    user_q, answer = second.messages[2], second.messages[3]
    assert user_q == {"role": "user", "content": "那在职党员有多少名？"}
    assert "理解为：西安市住建局在职党员有多少名？" in answer["content"]
    assert "理解为" not in second.messages[1]["content"]  # the first turn stood alone
    # renumbered: the only cited source is [1]; the mode is said once, the notice not again
    assert "在职党员485名[1]。" in answer["content"]
    assert answer["content"].count("抽取式") == 1 and "未配置大模型" not in answer["content"]
    assert 'id="source-1"' in second.sources and "第 2 轮" in second.sources
    assert "<mark>在职</mark>" in second.sources
    back = session.show_turn("甲", conv, 1)  # clicking the first turn's answer
    assert back.turn == 0 and "第 1 轮" in back.sources
    assert back.understood == "西安市住建局有多少个基层党组织？"


def test_streaming_shows_the_partial_answer_under_the_question(settings):
    session = session_for(settings, scripted(("现有48个[2]。", [2])))
    views = list(session.ask("甲", None, "西安市住建局有多少个基层党组织？", "问答"))
    assert views[0].messages[-1]["content"] == "……"
    assert "现有48个[2]。" in views[1].messages[-1]["content"]  # as streamed, before renumbering
    assert "现有48个[1]。" in views[-1].messages[-1]["content"]


def test_a_filter_that_excludes_the_asked_unit_is_said_instead_of_answering(settings):
    gen = scripted(("现有基层党组织48个[2]。", [2]))
    session = session_for(settings, gen)
    conv = list(session.ask("甲", None, "西安市住建局有多少个基层党组织？", "问答"))[-1]
    view = list(
        session.ask("甲", conv.conversation_id, "那滨海新区呢？", "问答", org="西安市住建局")
    )[-1]
    assert len(gen.calls) == 1  # nothing generated for the excluded unit
    content = view.messages[-1]["content"]
    assert "理解为：滨海新区有多少个基层党组织？" in content
    assert "筛选提示" in content and "“滨海新区”" in content and "“西安市住建局”" in content


def test_regenerate_answers_the_corrected_question_in_place(settings):
    gen = scripted(("现有48个[2]。", [2]), ("在职党员485名[2]。", [2]))
    session = session_for(settings, gen)
    conv = list(session.ask("甲", None, "西安市住建局有多少个基层党组织？", "问答"))[-1]
    view = list(
        session.regenerate("甲", conv.conversation_id, 0, "西安市住建局有多少在职党员？", "问答")
    )[-1]
    assert gen.calls[1]["question"] == "西安市住建局有多少在职党员？"
    assert len(view.messages) == 2 and "在职党员485名[1]。" in view.messages[1]["content"]
    assert "理解为：西安市住建局有多少在职党员？" in view.messages[1]["content"]


def test_exports_hold_every_turn_with_unit_and_year_not_hash_names(settings):
    session = session_for(settings, scripted(("现有48个[2]。", [2]), ("在职485名[2]。", [2])))
    conv = list(session.ask("甲", None, "西安市住建局有多少个基层党组织？", "问答"))[-1]
    view = list(session.ask("甲", conv.conversation_id, "那在职党员有多少名？", "问答"))[-1]
    md = open(view.md, encoding="utf-8").read()
    assert md.startswith("# 西安市住建局有多少个基层党组织？")
    assert "## 2. 那在职党员有多少名？" in md and "> 理解为：西安市住建局在职党员有多少名？" in md
    assert "\\[1\\] 住建局调研报告 · 一、基本情况 · 西安市住建局 · 2021年" in md
    assert "3f9a0c1d2e4b5a69" not in md
    paragraphs = [p.text for p in docx.Document(view.docx).paragraphs]
    assert "2. 那在职党员有多少名？" in paragraphs
    assert "理解为：西安市住建局在职党员有多少名？" in paragraphs
    assert "（问答 · 抽取式（资料原文摘录））" in paragraphs
    assert "[1] 住建局调研报告 · 一、基本情况 · 西安市住建局 · 2021年" in paragraphs


def test_nothing_to_export_when_the_material_has_nothing(settings):
    session = session_for(settings, scripted(("资料中没有相关内容。", [])))
    view = list(session.ask("甲", None, "火星上有多少党员？", "问答"))[-1]
    assert view.docx is None and view.md is None


def test_each_user_sees_only_their_own_conversations(settings):
    session = session_for(settings, scripted(("现有48个[2]。", [2])))
    mine = list(session.ask("甲", None, "西安市住建局有多少个基层党组织？", "问答"))[-1]
    assert session.conversations("乙") == []
    assert [cid for _, cid in session.conversations("甲")] == [mine.conversation_id]
    with pytest.raises(NotFoundError):
        session.open("乙", mine.conversation_id)
    with pytest.raises(NotFoundError):
        session.delete("乙", mine.conversation_id)
    session.rename("甲", mine.conversation_id, "住建局")
    assert session.conversations("甲") == [("住建局", mine.conversation_id)]
    session.delete("甲", mine.conversation_id)
    assert session.conversations("甲") == []


def test_the_user_is_the_login_or_the_local_user():
    assert user_of(SimpleNamespace(username="张三")) == "张三"
    assert user_of(SimpleNamespace(username=None)) == LOCAL_USER
    assert user_of(None) == LOCAL_USER


def test_empty_question_and_empty_library_are_refused(settings, tmp_path):
    session = session_for(settings, scripted())
    with pytest.raises(InputError, match="请先输入问题"):
        list(session.ask("甲", None, "  ", "问答"))
    empty = session_for(Settings(data_dir=tmp_path / "empty", embedder="hash"), scripted())
    with pytest.raises(InputError, match="文档库还是空的"):
        list(empty.ask("甲", None, "问题", "问答"))
