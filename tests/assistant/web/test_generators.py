"""The 生成方式 picker: its Chinese choices, what cannot be chosen here (and the toast saying
why), and a choice reaching generation for that one request, kept with the turn."""

from __future__ import annotations

import warnings

import gradio as gr
import pytest

from assistant.generation.verify import SourcesRetriever
from assistant.retrieval.base import Hit
from assistant.web import app_context, generators
from assistant.web.app import build_app
from assistant.web.app_context import AppContext
from assistant.web.chat import stream_answer
from assistant.web.conversation import ChatSession
from core.errors import InputError
from core.settings import Settings
from index.store import CATALOG_FILE
from tests.fakes import FakeChatModel

HIT = Hit(
    "c1", "d1", "西安市住建局现有基层党组织48个，在职党员485名。", 1.0, "住建局调研报告",
    "一、基本情况", "/u/a.txt", {"org": "西安市住建局", "year": 2021},
)  # fmt: skip
QUESTION = "西安市住建局有多少个基层党组织？"


@pytest.fixture
def settings(tmp_path):
    """No endpoint, no local model installed (the test models dir is empty)."""
    s = Settings(data_dir=tmp_path / "data", embedder="hash")
    s.index_dir.mkdir(parents=True)
    (s.index_dir / CATALOG_FILE).touch()  # the handlers only check that an index exists
    return s


class FakeChat:
    kind = "endpoint"
    label = "大模型服务（假）"
    fallback = None

    def stream(self, messages):
        yield "不会被调用"


def test_choices_are_chinese_and_say_what_cannot_run_here(settings):
    missing = generators.unavailable(settings)
    assert set(missing) == {"local", "endpoint"}
    assert "assistant model install qwen2.5-1.5b" in missing["local"]
    assert "ASSISTANT_LLM_BASE_URL" in missing["endpoint"]
    assert generators.choices(settings, missing) == [
        ("自动（摘录原文）", "auto"),
        ("本地模型（Qwen2.5-1.5B） · 未安装", "local"),
        ("抽取式（摘录原文）", "extractive"),
        ("大模型服务 · 未配置", "endpoint"),
    ]
    served = settings.model_copy(
        update={"llm_base_url": "http://127.0.0.1:9/v1", "llm_model": "qw"}
    )
    missing = generators.unavailable(served)
    assert set(missing) == {"local"}
    labels = dict((v, k) for k, v in generators.choices(served, missing))
    assert labels["auto"] == "自动（大模型服务）" and labels["endpoint"] == "大模型服务（qw）"


def test_a_choice_is_checked_before_anything_runs(settings):
    missing = generators.unavailable(settings)
    assert generators.check_choice("extractive", missing) == "extractive"
    assert generators.check_choice(None, missing) is None
    with pytest.raises(InputError, match="未安装本地模型"):
        generators.check_choice("local", missing)
    with pytest.raises(InputError, match="未知的生成方式：gpt"):
        generators.check_choice("gpt", missing)


def test_the_picker_is_on_the_chat_tab_and_defaults_to_the_setting(settings):
    app = build_app(settings.model_copy(update={"generator": "extractive"}))
    picker = next(
        c["props"]
        for c in app.get_config_file()["components"]
        if c["props"].get("elem_id") == "generator"
    )
    assert picker["label"] == "生成方式" and picker["value"] == "extractive"
    assert ["抽取式（摘录原文）", "extractive"] in [list(c) for c in picker["choices"]]
    assert picker["info"] == "仅对本次提问生效；标“未安装”“未配置”的暂不能选。"


def test_choosing_what_cannot_run_is_a_chinese_toast_and_the_picker_goes_back(settings):
    refuse = generators.refuse_missing(settings, generators.unavailable(settings))
    with warnings.catch_warnings(record=True) as toasts:
        warnings.simplefilter("always")
        assert refuse("endpoint") == "auto"
    assert [str(t.message) for t in toasts] == [f"无法选择此生成方式：{generators.NO_ENDPOINT}"]
    assert refuse("extractive") == gr.skip()


def test_the_choice_reaches_the_generator_for_that_request_only(settings):
    """One app, one (fake) model: 抽取式 for one request writes without it, the next request
    (the setting, 自动) is written by the model; each banner says who wrote it."""
    chat = FakeChatModel().enqueue(["西安市住建局现有基层党组织48个[1]。"])
    ctx = AppContext(settings, retriever=SourcesRetriever([HIT]), chat=chat)
    picked = list(stream_answer(ctx, QUESTION, "问答", generator="extractive"))[-1]
    assert picked.result.extractive and chat.messages == []  # the model was not asked
    assert "抽取式模式（未使用大模型）" in picked.label
    assert "未配置大模型" not in "".join(picked.notices)  # 抽取式 was chosen, not missing
    default = list(stream_answer(ctx, QUESTION, "问答"))[-1]
    assert len(chat.messages) == 1 and not default.result.extractive
    assert "由大模型生成，已逐句对照来源核对" in default.label
    assert '<span class="ans-sentence ans-supported"' in default.answer


def test_unavailable_at_request_time_is_one_error_toast(settings):
    ctx = AppContext(settings, retriever=SourcesRetriever([HIT]))
    with pytest.raises(gr.Error, match="未配置大模型服务"):
        list(stream_answer(ctx, QUESTION, "问答", generator="endpoint"))
    session = ChatSession(ctx)
    with pytest.raises(InputError, match="未安装本地模型"):
        list(session.ask("甲", None, QUESTION, "问答", generator="local"))
    assert session.conversations("甲") == []  # refused before a conversation was made


def test_abstractive_setting_picked_extractive_writes_extractive_and_the_turn_keeps_it(settings):
    """The setting says 本地模型 (not installed here); picking 抽取式 still answers, with the real
    generator and verifier, and the stored turn remembers who wrote it and its sentence checks."""
    ctx = AppContext(
        settings.model_copy(update={"generator": "local"}), retriever=SourcesRetriever([HIT])
    )
    session = ChatSession(ctx)
    views = list(session.ask("甲", None, QUESTION, "问答", generator="extractive"))
    conv = session.store.get("甲", views[-1].conversation_id)
    turn = conv.turns[0]
    assert turn.generator == "extractive" and turn.extractive and turn.label == "抽取式"
    assert any(c.label == "supported" for c in turn.sentences)
    reopened = session.open("甲", conv.id).messages[-1]["content"]
    assert "抽取式（资料原文摘录）" in reopened
    assert '<span class="ans-sentence ans-supported"' in reopened and "48个" in reopened
    assert "未配置大模型" not in reopened


def test_auto_without_an_endpoint_shares_the_local_model(settings, monkeypatch):
    built = []

    def make(settings, generator=None):
        built.append(generator)
        return FakeChat()

    monkeypatch.setattr("assistant.generation.chat.make_chat_model", make)
    monkeypatch.setattr(app_context, "local_problem", lambda settings: None)
    ctx = AppContext(settings, retriever=object())
    assert ctx.chat("auto") is ctx.chat("local") is ctx.chat()
    assert ctx.chat("extractive") is None and built == ["local"]
