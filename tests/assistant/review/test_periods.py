"""The period a draft sentence states, checked against its source's (assistant/review/periods.py),
with fake retrievers: an annual report written early in 2023 says only 「全年」 and means 2022."""

from __future__ import annotations

import pytest

from assistant.retrieval.base import Hit
from assistant.review import check_sentence
from assistant.review.facts import extract_facts
from assistant.review.periods import check_periods, draft_periods, source_periods
from core.normalize import normalize
from core.periods import Period


class OneHit:
    """Always the same passages, whatever is asked."""

    def __init__(self, *hits: Hit):
        self.hits = list(hits)

    def retrieve(self, query, k=5, filters=None):
        return self.hits[:k]


def annual_2023(text: str = "全年完成老旧小区改造46个。", section: str = "") -> Hit:
    return Hit(
        chunk_id="dangjian-2023:3",
        doc_id="dangjian-2023",
        text=text,
        score=1.0,
        title="局机关党委党建工作总结",
        section_path=section,
        metadata={"date": "2023-01-20", "year": 2023, "genre": "工作总结"},
    )


CONGRESS_19 = Hit(
    chunk_id="cpc19:7",
    doc_id="cpc19",
    text="五年来，我们统筹推进经济建设，国内生产总值从五十四万亿元增长到八十万亿元。",
    score=1.0,
    title="决胜全面建成小康社会 夺取新时代中国特色社会主义伟大胜利",
    metadata={"date": "2017-10-18", "year": 2017},
)


@pytest.fixture
def report():
    return OneHit(annual_2023())


# -- check_sentence --------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence", ["2022年全年完成老旧小区改造46个。", "2022年完成老旧小区改造46个。"]
)
def test_the_year_its_全年_means_is_supported(report, sentence):
    v = check_sentence(sentence, report)
    assert v.label == "supported"
    assert ("period", "2022年", "2022年") in v.matched
    assert ("number", "46个", "46个") in v.matched
    assert v.hit is not None and v.hit.doc_id == "dangjian-2023"


@pytest.mark.parametrize("year", ["2021", "2023"])
def test_the_same_number_for_another_year_is_contradicted(report, year):
    v = check_sentence(f"{year}年完成老旧小区改造46个。", report)
    assert v.label == "contradicted"
    assert v.differences == [("period", f"{year}年", "2022年")]
    assert f"{year}年" in v.reason and "2022年" in v.reason
    assert "所述时期" in v.reason


def test_the_right_year_with_another_number_is_contradicted_on_the_number(report):
    v = check_sentence("2022年完成老旧小区改造56个。", report)
    assert v.label == "contradicted"
    assert ("number", "56个", "46个") in v.differences
    assert not any(kind == "period" for kind, _, _ in v.differences)
    assert ("period", "2022年", "2022年") in v.matched


def test_a_claim_naming_no_year_is_checked_as_before(report):
    v = check_sentence("完成老旧小区改造46个。", report)
    assert v.label == "supported"
    assert not any(kind == "period" for kind, _, _ in v.matched)


def test_a_section_heading_gives_the_period_of_a_sentence_naming_none():
    hit = annual_2023("完成老旧小区改造46个。", section="二、2021年主要工作")
    v = check_sentence("2022年完成老旧小区改造46个。", OneHit(hit))
    assert v.label == "contradicted"
    assert ("period", "2022年", "2021年") in v.differences


@pytest.mark.parametrize(
    "sentence",
    [
        "2012—2017年，国内生产总值从五十四万亿元增长到八十万亿元。",
        "2012年至2017年，国内生产总值从五十四万亿元增长到八十万亿元。",
        "十八大以来的五年，国内生产总值从五十四万亿元增长到八十万亿元。",
    ],
)
def test_a_range_claim_is_supported_by_a_五年来_passage(sentence):
    v = check_sentence(sentence, OneHit(CONGRESS_19))
    assert v.label == "supported", v.reason
    assert ("period", "2012—2017年", "2013—2017年") in v.matched


def test_a_range_claim_for_other_years_is_contradicted():
    v = check_sentence(
        "2002—2007年，国内生产总值从五十四万亿元增长到八十万亿元。", OneHit(CONGRESS_19)
    )
    assert v.label == "contradicted"
    assert ("period", "2002—2007年", "2013—2017年") in v.differences


def test_of_two_look_alike_reports_the_one_about_the_draft_year_is_cited():
    older = Hit(
        chunk_id="dangjian-2022:3",
        doc_id="dangjian-2022",
        text="全年完成老旧小区改造46个。",
        score=1.0,
        title="局机关党委党建工作总结",
        metadata={"date": "2022-01-18", "year": 2022, "genre": "工作总结"},
    )
    v = check_sentence("2022年完成老旧小区改造46个。", OneHit(older, annual_2023()))
    assert v.label == "supported"
    assert v.hit is not None and v.hit.doc_id == "dangjian-2023"


# -- draft_periods and source_periods --------------------------------------------------


def test_draft_periods_take_time_expressions_out_of_the_facts():
    claim = normalize("2012—2017年，国内生产总值增长到八十万亿元。")
    stated, inside, masks = draft_periods(claim, extract_facts(claim))
    assert stated == [Period(2012, 2017)]
    assert [f.text for f in inside] == ["2012", "2017年"]  # not facts a source must repeat
    assert [m.text for m in masks] == ["2012—2017年"]


def test_draft_periods_mask_relative_words_but_state_no_period_for_them():
    claim = normalize("这五年，全年完成老旧小区改造46个。")
    stated, _, masks = draft_periods(claim, extract_facts(claim))
    assert stated == []  # the draft's own date is unknown
    assert [m.text for m in masks] == ["这五年", "全年"]


def test_source_periods_own_words_first_then_the_document():
    hit = annual_2023(section="二、2021年主要工作")
    assert source_periods(normalize("过去五年累计完成改造。"), hit) == [Period(2018, 2022)]
    assert source_periods(normalize("完成改造46个。"), hit) == [Period(2021, 2021)]
    hit.section_path = ""
    assert source_periods(normalize("完成改造46个。"), hit) == [Period(2022, 2022)]


# -- check_periods ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("draft", "source", "status"),
    [
        ([Period(2022, 2022)], [Period(2022, 2022)], "consistent"),
        ([Period(2012, 2017)], [Period(2013, 2017)], "consistent"),  # overlap 5/6
        # 2021—2022 lies inside the draft's 2018—2022: enough, though 2016—2020 only overlaps
        ([Period(2018, 2022)], [Period(2016, 2020), Period(2021, 2022)], "consistent"),
        ([Period(2022, 2022)], [Period(2018, 2022)], "consistent"),  # one inside the other
        ([Period(2016, 2020)], [Period(2016, 2020)], "consistent"),
        ([Period(2021, 2021)], [Period(2022, 2022)], "disjoint"),
        ([Period(1993, 1997)], [Period(1997, 2002)], "disjoint"),  # a boundary year only
        ([Period(2022, 2022)], [Period(2020, 2020), Period(2021, 2021)], "disjoint"),
        ([Period(2018, 2022)], [Period(2020, 2024)], "partial"),  # overlap 3/7
        ([Period(2022, 2022), Period(2010, 2010)], [Period(2022, 2022)], "disjoint"),
        ([], [Period(2022, 2022)], "unknown"),
        ([Period(2022, 2022)], [], "unknown"),
        ([], [], "unknown"),
    ],
)
def test_check_periods(draft, source, status):
    assert check_periods(draft, source).status == status


def test_check_periods_labels_both_sides():
    c = check_periods([Period(2021, 2021)], [Period(2018, 2020), Period(2022, 2022)])
    assert (c.status, c.draft, c.source) == ("disjoint", "2021年", "2018—2020年；2022年")
    assert check_periods([], [Period(2022, 2022)]).source == "2022年"
