"""Drafts on a 文种 skeleton, and the drafter's own unit as the subject."""

from __future__ import annotations

import pytest

from assistant.generation.service import generate
from core.errors import PromptError
from prompts import skeleton, skeleton_names


def test_skeletons_are_files_with_the_issue_headings():
    assert skeleton("调研报告") == ["基本情况", "主要做法", "存在问题", "对策建议"]
    assert skeleton("工作总结") == ["主要工作及成效", "存在问题", "下一步打算"]
    assert {"调研报告", "工作总结", "经验交流材料", "情况汇报"} <= set(skeleton_names())
    with pytest.raises(PromptError, match="没有文种"):
        skeleton("../system")


def test_a_model_draft_has_exactly_the_skeleton_sections(fake, party_retriever, settings):
    heads = skeleton("调研报告")
    for _ in heads:
        fake.enqueue(["在职党员485名[1]。"])
    events = list(
        generate(
            "在职党员参与城市建设",
            mode="outline",
            retriever=party_retriever,
            chat=fake,
            settings=settings,
            skeleton=heads,
        )
    )
    text = events[-1].result.text
    assert [line for line in text.splitlines() if "、" in line[:3]] == [
        "一、基本情况",
        "二、主要做法",
        "三、存在问题",
        "四、对策建议",
    ]
    assert len(fake.messages) == 4  # one call per section, no outline call
    progress = [e.text for e in events if e.kind == "progress"]
    assert progress[0] == "正在起草第 1/4 部分：基本情况" and len(progress) == 4
    # each section retrieved on its own heading
    assert [q for q in party_retriever.queries[1:]] == [f"在职党员参与城市建设 {h}" for h in heads]


def test_an_extractive_draft_fills_the_skeleton_with_material(party_retriever, settings):
    events = list(
        generate(
            "在职党员参与城市建设",
            mode="summary",
            retriever=party_retriever,
            chat=None,
            settings=settings,
            skeleton=skeleton("工作总结"),
        )
    )
    text = events[-1].result.text
    assert (
        text.startswith("一、主要工作及成效")
        and "二、存在问题" in text
        and "三、下一步打算" in text
    )


def test_the_drafters_unit_is_the_subject_of_a_draft(fake, party_retriever, settings):
    settings = settings.model_copy(update={"drafter_org": "江北区财政局"})
    fake.enqueue(["一、基本情况\n在职党员485名[1]。"])
    list(
        generate(
            "党建工作", mode="summary", retriever=party_retriever, chat=fake, settings=settings
        )
    )
    user = fake.messages[0][1]["content"]
    assert "本文以“江北区财政局”的名义起草" in user and "不得写成“江北区财政局”的做法" in user


def test_an_answer_does_not_carry_the_drafter_line(fake, party_retriever, settings):
    settings = settings.model_copy(update={"drafter_org": "江北区财政局"})
    fake.enqueue(["在职党员485名[1]。"])
    list(
        generate("党员多少", mode="answer", retriever=party_retriever, chat=fake, settings=settings)
    )
    assert "江北区财政局" not in fake.messages[0][1]["content"]
