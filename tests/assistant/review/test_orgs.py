"""Organisation names: mined full and short forms, and variants flagged in a draft."""

from __future__ import annotations

from collections import Counter

from assistant.review.orgs import find_org_names, is_variant, mine_org_names, org_variants
from assistant.review.terms import check_terms, mine_terms, terms_for_reader

CORPUS = [
    "中共天津市滨海新区委员会组织部印发通知，天津市滨海新区市场监督管理局机关党委组织学习。",
    "盐城市城市管理局党组研究部署，区委组织部牵头，市委组织部指导，区财政局配合。",
    "成立天津市滨海新区政务服务办公室（以下简称“政务办”），负责审批。",
]


def test_full_short_and_defined_names_are_mined():
    orgs = mine_org_names(CORPUS)
    for name in (
        "中共天津市滨海新区委员会",
        "中共天津市滨海新区委员会组织部",
        "天津市滨海新区市场监督管理局",
        "天津市滨海新区市场监督管理局机关党委",
        "盐城市城市管理局党组",
        "区委组织部",
        "市委组织部",
        "区财政局",
        "政务办",
    ):
        assert name in orgs, name


def test_common_words_ending_in_a_head_are_not_names():
    names = {
        o.name
        for o in find_org_names("充分发挥基层党组织作用，服务发展大局，围绕中心工作，形成新格局。")
    }
    assert names == set()


def test_offsets_point_at_the_name():
    text = "会议由区委组织部牵头。"
    [org] = find_org_names(text)
    assert text[org.start : org.end] == "区委组织部"


def test_variants_missing_added_or_changed_characters():
    assert is_variant("天津市滨海新区市场监督局", "天津市滨海新区市场监督管理局")
    assert is_variant("盐城市城管理局", "盐城市城市管理局")
    assert is_variant("天津市滨海新区市场监管局", "天津市滨海新区市场监督管理局")


def test_other_bodies_and_usual_short_forms_are_not_variants():
    assert not is_variant("区委组织部", "市委组织部")  # another level is another body
    assert not is_variant("连云港市国土资源分局", "连云港市国土资源局")  # a branch
    assert not is_variant("盐城市城市管理局党组", "盐城市城市管理局")  # its party group
    assert not is_variant("天津市滨海新区委员会", "中共天津市滨海新区委员会")  # 中共 dropped
    assert not is_variant("市场监督管理局", "天津市滨海新区市场监督管理局")  # place dropped


def test_draft_names_checked_against_the_corpus():
    known = mine_org_names(CORPUS)
    draft = "天津市滨海新区市场监督局机关党委和区委组织部、天津市滨海新区委员会组织部一起推进。"
    found = [(o.name, expected) for o, expected in org_variants(draft, known)]
    assert found == [("天津市滨海新区市场监督局", "天津市滨海新区市场监督管理局")]
    assert org_variants("区财政局和市委组织部", Counter()) == []


def test_check_terms_reports_organisation_variants_with_offsets():
    terms = mine_terms(CORPUS)
    draft = "今年，盐城市城管理局党组落实“三会一课”。"
    issues = check_terms(draft, terms)
    assert [(i.found, i.expected) for i in issues] == [("盐城市城管理局", "盐城市城市管理局")]
    assert draft[issues[0].start : issues[0].end] == "盐城市城管理局"
    assert "盐城市城市管理局" in issues[0].reason


def test_seed_index_organisation_names(seed_reader):
    terms = terms_for_reader(seed_reader)
    assert "天津市滨海新区市场监督管理局" in terms.orgs
    assert "盐城市城市管理局" in terms.orgs
    issues = check_terms("天津市滨海新区市场监督局机关党委开展主题党日。", terms)
    assert [(i.found, i.expected) for i in issues] == [
        ("天津市滨海新区市场监督局", "天津市滨海新区市场监督管理局")
    ]
