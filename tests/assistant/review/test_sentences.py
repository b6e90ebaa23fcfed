"""Splitting a draft into units with offsets; telling claims from plans and exhortations."""

from __future__ import annotations

import pytest

from assistant.review.sentences import is_claim, split_draft, strip_label

DRAFT = (
    "一、基本情况\n市住建局现有党员485名。其中女党员100名；\n1. 建立三项制度。\n（二）主要做法\n"
)


def test_units_keep_offsets_into_the_original():
    units = split_draft(DRAFT)
    assert [u.text for u in units] == [
        "一、基本情况",
        "市住建局现有党员485名。",
        "其中女党员100名；",
        "1. 建立三项制度。",
        "（二）主要做法",
    ]
    for u in units:
        assert DRAFT[u.start : u.end] == u.text


def test_headings_and_list_items():
    units = split_draft(DRAFT)
    assert [u.heading for u in units] == [True, False, False, False, True]
    assert strip_label("1. 建立三项制度。") == "建立三项制度。"
    assert strip_label("（二）主要做法") == "主要做法"


@pytest.mark.parametrize(
    "text",
    [
        "下一步，我们将继续深化党建引领。",
        "我们将进一步加强队伍建设。",
        "各级党组织要切实提高政治站位。",
        "必须坚持党的全面领导。",
        "希望大家再接再厉！",
        "如何破解“两张皮”问题？",
        "建议把党建工作纳入年度考核。",
    ],
)
def test_plans_and_exhortations_are_not_claims(text):
    assert not is_claim(text)


@pytest.mark.parametrize(
    "text",
    [
        "市住建局现有在职党员458名。",
        "今年以来，我们将党建工作与业务工作深度融合，共开展活动12次。",  # 将 = 把 here
        "主要做法是建立三单制度。",
        "应急管理局组织演练3次。",
        "市城管局着力打造“城市好管家”党建品牌。",
    ],
)
def test_statements_of_fact_are_claims(text):
    assert is_claim(text)
