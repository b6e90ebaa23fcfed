"""Periods named in Chinese text (core/periods.py) and the numerals under them (core/numerals.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.normalize import normalize
from core.numerals import cn_int, cn_year
from core.periods import (
    Period,
    TimeRef,
    best_overlap,
    congress_year,
    label,
    mentions,
    periods_in,
    plan_years,
)

# A report written early in 2023 looks back on 2022; one written in autumn 2017 on 2017.
EARLY_2023 = TimeRef.of_date(dt.date(2023, 1, 20))
LATE_2017 = TimeRef.of_date(dt.date(2017, 10, 18))
MID_2023 = TimeRef.of_date(dt.date(2023, 7, 1))


def spoken(text: str, ref: TimeRef | None = None) -> str:
    return label(periods_in(normalize(text), ref))


# -- numerals --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("两", 2),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("三十五", 35),
        ("九十九", 99),
        ("12", 12),
        ("１２", 12),  # full-width digits
        ("", None),
        ("一二", None),  # digit by digit is a year's way, not a count's
        ("十十", None),
        ("百", None),
        ("一百", None),  # beyond 九十九
    ],
)
def test_cn_int(text, value):
    assert cn_int(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("二〇二二", 2022),
        ("二零二二", 2022),
        ("一九九七", 1997),
        ("2022", 2022),
        ("二〇二", None),  # three digits
        ("二〇二二二", None),
        ("十九九七", None),  # 十 is not a digit of a year
        ("", None),
    ],
)
def test_cn_year(text, value):
    assert cn_year(text) == value


# -- explicit years and ranges ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022年全市完成老旧小区改造46个。", "2022年"),
        ("二〇二二年工作总结", "2022年"),
        ("一九九七年香港回归祖国。", "1997年"),
        ("２０２２年完成改造。", "2022年"),  # full-width digits, normalised first
        ("2012年到2017年，经济持续发展。", "2012—2017年"),
        ("2018—2022年累计完成改造。", "2018—2022年"),
        ("2018-2022年", "2018—2022年"),
        ("2018至2022年", "2018—2022年"),
        ("2012～2017年", "2012—2017年"),
        ("二〇一八年至二〇二二年", "2018—2022年"),
        ("2022年和2023年分别完成", "2022年；2023年"),
        ("2023年1月20日召开大会", "2023年"),
        ("20世纪90年代以来", ""),
        ("2020年代", ""),  # a decade, not a year
        ("2100年", ""),  # outside 19xx/20xx
    ],
)
def test_explicit_years_and_ranges(text, expected):
    assert spoken(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("新发展党员人数比2021年增加3名。", ""),
        ("较2020年增长12%。", ""),
        ("与2012年相比，增长一倍。", ""),
        ("同比2021年有所增长", ""),
        ("2021年同期相比有所增长", ""),
        ("2022年比2021年增长5%。", "2022年"),  # the year spoken of, not its base
        ("比上年增长5%。", ""),
        ("与上年同期相比持平。", ""),
        ("比去年同期增加", ""),
    ],
)
def test_comparison_bases_are_not_the_period(text, expected):
    assert spoken(text, EARLY_2023) == expected


def test_a_range_is_one_period_not_its_two_ends():
    assert periods_in("2012年到2017年", None) == [Period(2012, 2017)]
    assert periods_in("2017—2012年", None) == [Period(2012, 2017)]  # either order


def test_repeats_are_reported_once_in_order_of_first_mention():
    text = normalize("2023年完成改造，2022年完成改造，2023年再完成。")
    assert periods_in(text, None) == [Period(2023, 2023), Period(2022, 2022)]


# -- relative expressions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ref", "expected"),
    [
        ("全年完成老旧小区改造46个。", EARLY_2023, "2022年"),
        ("过去一年，各项工作取得新进展。", EARLY_2023, "2022年"),
        ("一年来，我们狠抓落实。", EARLY_2023, "2022年"),
        ("截至年底，党员总数达到478名。", EARLY_2023, "2022年"),
        ("全年完成老旧小区改造46个。", MID_2023, "2023年"),  # written mid-year: this year
        ("去年完成改造46个。", EARLY_2023, "2022年"),
        ("去年完成改造46个。", MID_2023, "2022年"),
        ("今年将继续推进改造。", EARLY_2023, "2023年"),
        ("今年以来，我们狠抓落实。", MID_2023, "2023年"),
        ("过去五年，经济持续发展。", EARLY_2023, "2018—2022年"),
        ("过去的五年", EARLY_2023, "2018—2022年"),
        ("近三年累计完成改造。", EARLY_2023, "2020—2022年"),
        ("近3年累计完成改造。", EARLY_2023, "2020—2022年"),
        ("这十年", EARLY_2023, "2013—2022年"),
        ("新时代十年", EARLY_2023, "2013—2022年"),
        ("五年来，我们统筹推进经济建设。", LATE_2017, "2013—2017年"),
        ("十年来", EARLY_2023, "2013—2022年"),
        ("本届政府任期内", EARLY_2023, "2018—2022年"),
        ("近几年", EARLY_2023, ""),  # no number of years
        ("近一年", EARLY_2023, ""),  # one year is 全年's business
        ("近31年", EARLY_2023, ""),  # beyond 30 years: not a look-back
    ],
)
def test_relative_expressions_resolve_against_the_reference(text, ref, expected):
    assert spoken(text, ref) == expected


@pytest.mark.parametrize(
    "text", ["全年完成改造", "去年完成改造", "过去五年", "近三年", "今年以来", "十八大以来"]
)
def test_relative_expressions_need_a_reference(text):
    assert periods_in(normalize(text), None) == []


# -- plans and congresses --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ref", "expected"),
    [
        ("「十三五」期间，累计完成改造300个。", None, "2016—2020年"),
        ("“十三五”期间，累计完成改造300个。", None, "2016—2020年"),
        ("“十三五”时期", None, "2016—2020年"),
        ("十二五期间", None, "2011—2015年"),
        ("十一五期间", None, "2006—2010年"),
        ("十五期间", None, ""),  # before 「十一五」: not known
        ("“十四五”以来", EARLY_2023, "2021—2022年"),  # up to the reviewed year
        ("十三五以来", EARLY_2023, "2016—2020年"),  # a finished plan stays whole
        ("十八大以来，我们砥砺前行。", EARLY_2023, "2012—2022年"),
        ("党的二十大以来", TimeRef.of_date(dt.date(2024, 1, 20)), "2022—2023年"),
        ("十八大以来的五年，我们砥砺前行。", None, "2012—2017年"),
        ("十八大以来的十年", None, "2012—2022年"),
        ("十九大报告回顾的五年", None, "2012—2017年"),
        ("十九大总结的过去五年", None, "2012—2017年"),
        ("到十二大召开的六年", None, "1976—1982年"),
        ("十五大召开后的五年", None, "1997—2002年"),
        ("十五大之后的五年", None, "1997—2002年"),
        ("十六大到十七大期间", None, "2002—2007年"),
        ("从党的十六大到十七大", None, "2002—2007年"),
        ("十七大至十八大", None, "2007—2012年"),
        ("八大以来的十年", None, "1956—1966年"),  # an early congress from the table
    ],
)
def test_plans_and_congresses(text, ref, expected):
    assert spoken(text, ref) == expected


@pytest.mark.parametrize(
    ("n", "year"), [(1, 1921), (7, 1945), (11, 1977), (12, 1982), (18, 2012), (20, 2022)]
)
def test_congress_year(n, year):
    assert congress_year(n) == year


def test_plan_years():
    assert plan_years(11) == Period(2006, 2010)
    assert plan_years(13) == Period(2016, 2020)
    assert plan_years(14) == Period(2021, 2025)
    assert plan_years(10) is None


# -- TimeRef ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "year", "reviewed"),
    [
        (dt.date(2023, 1, 20), 2023, 2022),
        (dt.date(2023, 4, 30), 2023, 2022),  # the last month that looks back
        (dt.date(2023, 5, 1), 2023, 2023),
        (dt.date(2017, 10, 18), 2017, 2017),
        (dt.date(2023, 12, 31), 2023, 2023),
    ],
)
def test_time_ref_of_date_looks_back_from_january_to_april(date, year, reviewed):
    assert TimeRef.of_date(date) == TimeRef(year, reviewed)


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"date": "2023-01-20", "year": 2023}, TimeRef(2023, 2022)),
        ({"date": "2023-01-20", "year": 2022}, TimeRef(2023, 2022)),  # the date wins
        ({"date": "2023-03-05T10:00:00"}, TimeRef(2023, 2022)),
        ({"date": dt.date(2023, 6, 1)}, TimeRef(2023, 2023)),
        ({"year": 2022}, TimeRef(2022, 2022)),  # a year alone: it reviews itself
        ({"year": "2022"}, TimeRef(2022, 2022)),
        ({"date": "not a date", "year": 2021}, TimeRef(2021, 2021)),
        ({"date": None, "year": None}, None),
        ({"year": "二〇二二年"}, None),
        ({}, None),
    ],
)
def test_time_ref_of_document(metadata, expected):
    assert TimeRef.of_document(metadata) == expected


# -- Period ----------------------------------------------------------------------------


def test_period_label_years_and_contains():
    assert Period(2022, 2022).label() == "2022年"
    assert Period(2018, 2022).label() == "2018—2022年"
    assert Period(2018, 2020).years() == {2018, 2019, 2020}
    assert Period(2018, 2022).contains(2018) and Period(2018, 2022).contains(2022)
    assert not Period(2018, 2022).contains(2017)
    assert not Period(2018, 2022).contains(2023)


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        (Period(2022, 2022), Period(2022, 2022), 1.0),
        (Period(2021, 2021), Period(2022, 2022), 0.0),
        (Period(2012, 2017), Period(2013, 2017), 5 / 6),
        (Period(1993, 1997), Period(1997, 2002), 1 / 10),  # only the boundary year
        (Period(2018, 2022), Period(2022, 2022), 1 / 5),
    ],
)
def test_period_overlap_is_jaccard_and_symmetric(a, b, overlap):
    assert a.overlap(b) == pytest.approx(overlap)
    assert b.overlap(a) == pytest.approx(overlap)


def test_label_and_best_overlap():
    assert label([]) == ""
    assert label([Period(2018, 2022), Period(2035, 2035)]) == "2018—2022年；2035年"
    spoken_of = [Period(2018, 2022), Period(2023, 2023)]
    assert best_overlap(spoken_of, [Period(2023, 2023)]) == 1.0
    assert best_overlap(spoken_of, [Period(2022, 2023)]) == pytest.approx(1 / 2)
    assert best_overlap(spoken_of, [Period(2010, 2011)]) == 0.0
    assert best_overlap([], [Period(2023, 2023)]) == 0.0
    assert best_overlap(spoken_of, []) == 0.0


# -- mentions --------------------------------------------------------------------------


def test_mentions_give_spans_in_text_order():
    text = normalize("全年新发展党员10名，比2021年减少3名。2018—2022年累计发展党员80名。")
    found = mentions(text, EARLY_2023)
    assert [text[a:b] for a, b, _ in found] == ["全年", "2018—2022年"]
    assert [p for _, _, p in found] == [Period(2022, 2022), Period(2018, 2022)]


def test_mentions_do_not_count_a_year_twice_inside_a_longer_expression():
    text = normalize("截至2022年底，十八大以来的五年里")
    found = mentions(text, EARLY_2023)
    assert [text[a:b] for a, b, _ in found] == ["2022年", "十八大以来的五年"]


def test_mentions_without_reference_keep_only_what_needs_none():
    text = normalize("全年完成改造46个，2022年完成改造，“十三五”期间累计300个。")
    assert [p for _, _, p in mentions(text, None)] == [Period(2022, 2022), Period(2016, 2020)]
