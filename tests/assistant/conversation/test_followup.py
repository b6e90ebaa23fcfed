"""Follow-ups made standalone: by rule (unit and year carried, or swapped) and by the model,
with the rules deciding when the model fails or rambles."""

from __future__ import annotations

import pytest

from assistant.conversation.followup import (
    ModelFollowUpResolver,
    RuleFollowUpResolver,
    history_text,
    make_resolver,
)
from assistant.conversation.subject import find_units, subject_of
from assistant.conversation.types import Turn
from core.errors import LLMError
from tests.fakes import FakeChatModel

Q1 = "西安市住建局有多少个基层党组织？"


@pytest.mark.parametrize(
    ("history", "question", "expected"),
    [
        ([Q1], "那在职党员有多少名？", "西安市住建局在职党员有多少名？"),
        ([Q1], "那滨海新区呢？", "滨海新区有多少个基层党组织？"),
        ([Q1], "他们的党建品牌是什么？", "西安市住建局的党建品牌是什么？"),
        ([Q1, "那在职党员有多少名？"], "党建品牌叫什么？", "西安市住建局党建品牌叫什么？"),
        (["滨海新区市场监督管理局2021年发展了多少党员？"], "那2022年呢？",
         "滨海新区市场监督管理局2022年发展了多少党员？"),
        (["滨海新区市场监督管理局2021年发展了多少党员？"], "组织了哪些活动？",
         "2021年滨海新区市场监督管理局组织了哪些活动？"),
        ([Q1], "市城管局的党建品牌是什么？", "市城管局的党建品牌是什么？"),  # names its own unit
        ([], "那在职党员有多少名？", "那在职党员有多少名？"),  # nothing to carry
        (["党建工作有哪些经验？"], "还有呢？", "还有呢？"),
    ],
)  # fmt: skip
def test_rules_carry_or_swap_the_subject(history, question, expected):
    # The history's questions as the answers were made from them (already standalone).
    turns = [Turn(q, understood="") for q in history]
    if len(turns) == 2:
        turns[1].understood = "西安市住建局在职党员有多少名？"
    assert RuleFollowUpResolver().resolve(question, turns) == expected


def test_units_are_names_short_forms_and_places():
    assert find_units(Q1) == ("西安市住建局",)
    assert find_units("天津市滨海新区市场监督管理局2021年") == ("天津市滨海新区市场监督管理局",)
    assert find_units("那滨海新区呢？") == ("滨海新区",)
    assert find_units("市委组织部开展了什么") == ("市委组织部",)
    assert find_units("有多少基层党组织") == ()
    assert subject_of("那2022年呢").year == "2022年" and subject_of("那2022年呢").topic == ""


def test_the_model_rewrites_and_sees_the_history():
    chat = FakeChatModel().enqueue(["改写后的问题：", "西安市住建局在职党员有多少名？\n"])
    turns = [Turn(Q1, "现有基层党组织48个[1]，其中总支1个。")]
    assert ModelFollowUpResolver(chat).resolve("那在职党员有多少名？", turns) == (
        "西安市住建局在职党员有多少名？"
    )
    (messages,) = chat.messages
    prompt = messages[-1]["content"]
    assert f"问：{Q1}" in prompt and "答：现有基层党组织48个，其中总支1个。" in prompt
    assert "新问题：那在职党员有多少名？" in prompt


def test_a_failing_or_rambling_model_leaves_it_to_the_rules():
    turns = [Turn(Q1, "48个[1]。")]
    failing = FakeChatModel().enqueue([LLMError("大模型服务出错")])
    assert ModelFollowUpResolver(failing).resolve("那滨海新区呢？", turns) == (
        "滨海新区有多少个基层党组织？"
    )
    rambling = FakeChatModel().enqueue(["好的，" * 80])
    assert ModelFollowUpResolver(rambling).resolve("那滨海新区呢？", turns) == (
        "滨海新区有多少个基层党组织？"
    )


def test_no_history_asks_the_model_nothing():
    chat = FakeChatModel()
    assert ModelFollowUpResolver(chat).resolve(" 问题 ", []) == "问题"
    assert chat.messages == []


def test_make_resolver_picks_by_model():
    assert isinstance(make_resolver(None), RuleFollowUpResolver)
    assert isinstance(make_resolver(FakeChatModel()), ModelFollowUpResolver)


def test_history_text_keeps_the_last_turns_short():
    turns = [Turn(f"问题{i}", "答" * 300) for i in range(5)]
    text = history_text(turns)
    assert "问题0" not in text and "问题4" in text
    assert max(len(line) for line in text.splitlines()) <= 2 + 120 + 1
