"""Enumerations compared item by item (issue #16): pure functions, then the checker on the seeds."""

from __future__ import annotations

import pytest

from assistant.review import check_sentence
from assistant.review.lists import compare_lists, draft_lists, item_matches, source_lists
from core.normalize import normalize

# Seed 001's words (the 三亮 the local model got wrong), and a plain 、-run.
SANLIANG = normalize(
    "在全区X个机关党组织开展“亮身份、当先锋”活动，在窗口单位和服务行业开展“三亮三比三创”"
    "（亮身份、亮承诺、亮形象，比技能、比作风、比业绩，创党员先锋岗、创群众满意窗口、创优质服务品牌）"
    "活动，推行“四零服务”（服务受理零推诿、服务方式零距离、服务质量零差错、服务结果零投诉）制度。"
)
PLAIN = normalize("今年的主题党日活动包括党史学习、红色观影、志愿服务和结对帮扶。")
SIYI = normalize("支部坚持“四个一”：一面旗帜，一个阵地，一支队伍，一套制度。")


def check(claim: str, *passages: str):
    return compare_lists(normalize(claim), list(passages or (SANLIANG,)))


def test_compound_label_gives_each_group_its_items():
    labelled = {s.label: s.items for s in source_lists(SANLIANG) if s.label}
    assert labelled["三亮"] == ("亮身份", "亮承诺", "亮形象")
    assert labelled["三比"] == ("比技能", "比作风", "比业绩")
    assert labelled["四零服务"][-1] == "服务结果零投诉"


def test_the_real_sanliang_restatement_conflicts_with_the_source_list():
    found = check("三亮：亮身份、当先锋、亮荣誉。")
    assert found.conflicts == [("亮身份、当先锋、亮荣誉", "亮身份、亮承诺、亮形象")]


@pytest.mark.parametrize(
    "claim",
    [
        "开展“三亮”活动，即亮身份、亮承诺、亮形象。",
        "三亮：亮形象、亮身份。",  # a subset, reordered
        "三比：比业绩、比技能、比作风。",
        "推行“四零服务”（服务受理零推诿、服务结果零投诉）制度。",
        "三亮：亮明身份、亮承诺、亮形象。",  # a character added inside an item
    ],
)
def test_subsets_and_reorderings_are_fine(claim):
    found = check(claim)
    assert found.conflicts == [] and found.unbacked == [] and found.matched


def test_a_wrong_item_under_a_counted_label_conflicts():
    found = check("推行“四零服务”（服务受理零推诿、服务方式零距离、服务态度零冷漠）制度。")
    assert [s for _, s in found.conflicts] == [
        "服务受理零推诿、服务方式零距离、服务质量零差错、服务结果零投诉"
    ]
    assert check("三比：比技能、比作风、比奉献。").conflicts[0][1] == "比技能、比作风、比业绩"


def test_more_items_than_the_label_counts_conflicts():
    found = check("三亮：亮身份、亮承诺、亮形象、亮成绩。")
    assert found.conflicts == [("三亮：亮身份、亮承诺、亮形象、亮成绩", "亮身份、亮承诺、亮形象")]
    alone = check("五个到位：思想到位、组织到位、措施到位、责任到位、投入到位、宣传到位。", PLAIN)
    assert alone.conflicts[0][1] == "“五个到位”应为五项"


def test_fewer_items_are_wrong_only_after_fenbie():
    assert check("三亮：亮身份、亮承诺。").conflicts == []
    assert check("三亮分别是亮身份、亮承诺。").conflicts


def test_items_joined_by_commas_under_a_count_label():
    assert draft_lists(normalize("“四个一”：一面旗帜，一个阵地，一支队伍，一套制度。"))[
        0
    ].items == (
        "一面旗帜",
        "一个阵地",
        "一支队伍",
        "一套制度",
    )
    assert check("“四个一”：一面旗帜，一个阵地，一支队伍，一套制度。", SIYI).conflicts == []
    wrong = check("“四个一”：一面旗帜，一个阵地，一支队伍，一本台账。", SIYI)
    assert wrong.conflicts == [
        ("一面旗帜、一个阵地、一支队伍、一本台账", "一面旗帜、一个阵地、一支队伍、一套制度")
    ]


def test_an_unlabelled_list_after_baokuo_is_compared_with_the_overlapping_run():
    assert check("主题党日活动包括志愿服务、党史学习。", PLAIN).conflicts == []
    assert check("主题党日活动包括党史学习、志愿服务和结对帮扶。", PLAIN).conflicts == []
    found = check("主题党日活动包括党史学习、红色观影、廉政教育。", PLAIN)
    assert found.conflicts == [
        ("党史学习、红色观影、廉政教育", "党史学习、红色观影、志愿服务和结对帮扶")
    ]


def test_a_label_the_source_names_without_these_items_is_unbacked():
    source = normalize("全局开展“三亮”活动，党员干部积极参与。")
    found = check("三亮：亮身份、亮承诺、亮成绩。", source)
    assert found.conflicts == [] and found.unbacked == ["“三亮”所列的亮身份、亮承诺、亮成绩"]


@pytest.mark.parametrize(
    "claim",
    [
        "市住建局坚持党建、业务、作风一起抓。",  # 、 in prose, no label, no 包括
        "分局组织党员干部赴南京大学、上海复旦大学培训学习。",
        "党建工作包括组织建设、作风建设。",  # overlaps no source list: left to coverage
        "三年来：新建党群服务中心、党员活动室、红色书屋。",  # 三年来 is a time, not a label
        "“十四五”期间：建成A站、B站、C站、D站。",
        "一岗双责：抓业务、抓党建。",  # count 1: not a counted list
        "全市十个部门开展活动：宣讲、走访、座谈。",  # 十个部门 does not introduce the items
        "五个到位：思想到位、组织到位。",  # a label no source names: coverage decides
    ],
)
def test_prose_is_not_flagged(claim):
    found = check(claim, SANLIANG, PLAIN)
    assert found.conflicts == [] and found.unbacked == []


def test_matching_places_are_fine():
    source = normalize("调研组先后赴南京、苏州、无锡、常州四市开展调研。")
    assert check("调研组走访的城市包括苏州、南京、常州。", source).conflicts == []
    assert check("调研组走访的城市包括苏州、南京、杭州。", source).conflicts


def test_item_matching_is_loose_on_wording():
    assert item_matches("亮身份", "亮明身份") and item_matches("志愿服务", "开展志愿服务")
    assert not item_matches("亮荣誉", "亮形象") and not item_matches("当先锋", "亮身份")


def test_checker_contradicts_the_real_sanliang_case(retriever):
    v = check_sentence("在窗口单位开展“三亮”活动：亮身份、当先锋、亮荣誉。", retriever)
    assert v.label == "contradicted"
    assert ("list", "亮身份、当先锋、亮荣誉", "亮身份、亮承诺、亮形象") in v.differences
    assert "来源“亮身份、亮承诺、亮形象”" in v.reason


def test_checker_keeps_a_correct_restatement_supported(retriever):
    v = check_sentence(
        "在窗口单位和服务行业开展“三亮三比三创”活动，三亮即亮身份、亮承诺、亮形象。", retriever
    )
    assert v.label == "supported"
    assert ("list", "亮身份、亮承诺、亮形象", "亮身份、亮承诺、亮形象") in v.matched
