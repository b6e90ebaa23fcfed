"""Extractive answers: relevant, non-repeating, deterministic, grouped, cited."""

from __future__ import annotations

from assistant.generation.extractive import (
    NO_CONTENT,
    extractive_answer,
    numbered_heading,
    propose_outline,
    select_sentences,
)
from assistant.generation.types import Citation
from assistant.retrieval.base import Hit


def make_hit(n: int, text: str, *, section: str = "", doc: str = "d1") -> Hit:
    return Hit(
        f"c{n}", doc, text, 1.0 / n, "关于机关党建工作的调研报告", section, f"/reports/{doc}.txt"
    )


CITES = [
    Citation(
        1,
        make_hit(
            1,
            "市住建局现有基层党组织48个，其中总支1个、支部47个，在职党员485名。党员是参与城市建设管理的主力军。",
            section="一、在职党员参与城市建设具体情况",
        ),
    ),
    Citation(
        2,
        make_hit(
            2,
            "我局通过设立“党员示范岗”，扎实开展“党建+”活动。党员承诺践诺活动覆盖全部支部。",
            section="一、在职党员参与城市建设具体情况 > （一）党员示范岗",
        ),
    ),
    Citation(
        3,
        make_hit(
            3, "个别党员主体意识不够强，参与城市建设的主动性不足。", section="二、当前问题分析"
        ),
    ),
]


def test_best_sentence_answers_the_question():
    picked = select_sentences("市住建局有多少在职党员", CITES, limit=1)
    assert (
        picked[0].text == "市住建局现有基层党组织48个，其中总支1个、支部47个，在职党员485名。"
        and picked[0].n == 1
    )


def test_repeated_sentence_is_taken_once():
    dup = "我局在职党员485名，全部参与城市建设。"
    cites = [Citation(1, make_hit(1, dup)), Citation(2, make_hit(2, dup, doc="d2"))]
    picked = select_sentences("在职党员参与城市建设", cites, limit=4)
    assert [s.text for s in picked] == [dup]


def test_unrelated_question_gives_no_content():
    assert extractive_answer("高速铁路的设计时速", CITES) == NO_CONTENT


def test_output_is_grouped_by_section_and_deterministic():
    text = extractive_answer("党员 党建 城市建设", CITES, "summary")
    assert text == extractive_answer("党员 党建 城市建设", list(CITES), "summary")
    labels = [line for line in text.splitlines() if line.startswith("【")]
    assert len(labels) == len(set(labels)) >= 2
    assert labels[0].startswith("【关于机关党建工作的调研报告 · 一、")


def test_suggestions_are_marked_and_cited():
    text = extractive_answer("党员示范岗 承诺践诺", CITES, "suggest")
    body = [line for line in text.splitlines() if line and not line.startswith("【")]
    assert body and all(line.startswith("建议借鉴：") and line.endswith("]") for line in body)


def test_outline_headings_come_from_section_paths():
    sections = propose_outline(CITES)
    assert [(s.heading, s.subheadings) for s in sections] == [
        ("在职党员参与城市建设具体情况", ["党员示范岗"]),
        ("当前问题分析", []),
    ]
    assert (
        numbered_heading(0, "甲") == "一、甲"
        and numbered_heading(11, "乙", level=2) == "（十二）乙"
    )


def test_outline_without_section_paths_uses_the_generic_skeleton():
    plain = [Citation(1, make_hit(1, "正文一句。"))]
    assert [s.heading for s in propose_outline(plain)][0] == "基本情况"


def test_a_count_question_prefers_the_sentence_that_counts():
    from assistant.generation.extractive import asked_measure

    talk = "在职党员积极参与城市建设管理，在职党员作用发挥明显。"
    count = "全局共有支部47个，在职党员485名。"
    cites = [Citation(1, make_hit(1, talk)), Citation(2, make_hit(2, count, doc="d2"))]
    assert asked_measure("在职党员有多少名？") == "名" and asked_measure("怎么发挥作用") is None
    picked = select_sentences("在职党员有多少名？", cites, limit=1)
    assert picked[0].text == count  # without the gain the sentence saying 在职党员 twice wins
    plain = select_sentences("在职党员的作用", cites, limit=1)
    assert plain[0].text == talk


def test_a_problem_statement_is_never_offered_as_a_suggestion():
    text = extractive_answer("党员 主体意识 参与城市建设 主动性", CITES, "suggest")
    assert "主动性不足" not in text  # citation 3 states a problem: nothing to 借鉴
    answer = extractive_answer("党员 主体意识 参与城市建设 主动性", CITES, "answer")
    assert "主动性不足" in answer  # as an answer it is still found
