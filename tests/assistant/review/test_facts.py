"""Extraction and normalisation of checkable facts."""

from __future__ import annotations

import pytest

from assistant.review.facts import (
    extract_facts,
    facts_agree,
    numbers_agree,
    parse_chinese_number,
    parse_number,
    to_chinese,
)


def one(text: str, kind: str | None = None):
    facts = [f for f in extract_facts(text) if kind is None or f.kind == kind]
    assert len(facts) == 1, facts
    return facts[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三百五十六", 356),
        ("两万", 20000),
        ("二〇二一", 2021),
        ("十四", 14),
        ("一千零五", 1005),
        ("三点五", 3.5),
        ("十", 10),
    ],
)
def test_chinese_numerals(text, value):
    assert parse_chinese_number(text) == value


def test_bad_chinese_numerals_are_rejected():
    assert parse_chinese_number("万") is None
    assert parse_chinese_number("") is None
    assert parse_number("1.2万") == 12000
    assert to_chinese(302) == "三百零二" and to_chinese(12) == "十二"


def test_chinese_year_equals_arabic_year():
    a, b = one("二〇二一年召开", "date"), one("2021年召开", "date")
    assert a.date == b.date == (2021, None, None)
    assert facts_agree(a, b)


def test_full_date_and_partial_date_agree_but_other_day_does_not():
    full = one("2021年6月28日举行", "date")
    assert full.date == (2021, 6, 28)
    assert facts_agree(full, one("6月28日举行", "date"))
    assert not facts_agree(full, one("2021年6月27日举行", "date"))


def test_counts_in_either_numeral_system_agree():
    a, b = one("在职党员356名"), one("在职党员三百五十六名")
    assert (a.value, a.unit) == (b.value, b.unit) == (356, "名")
    assert facts_agree(a, b)
    assert not facts_agree(a, one("在职党员365名"))


def test_approximate_markers():
    yu, duo, ershi = one("30余个"), one("30多个"), one("20多个")
    assert yu.qualifier == duo.qualifier == "more"
    assert numbers_agree(yu, duo)
    assert not numbers_agree(yu, ershi)
    assert numbers_agree(one("三百多个"), one("302个"))
    assert not numbers_agree(one("四百余个"), one("302个"))
    assert not numbers_agree(one("800余户"), one("900余户"))
    assert numbers_agree(one("近两年"), one("2年"))


def test_percentages_and_money():
    assert one("百分之三十").value == one("30%").value == 30
    assert one("达到50%以上").qualifier == "more"
    assert one("列支500万元").value == 5_000_000 and one("列支500万元").unit == "元"
    assert facts_agree(one("0.05亿元"), one("500万元"))
    assert one("１２％").value == 12  # full-width folded


def test_units_must_match():
    assert not facts_agree(one("15天"), one("15个"))


def test_traditional_text_is_normalised():
    assert one("調整黨組織隸屬關系兩個").unit == "个"


def test_numbers_inside_quotes_and_wenhao_are_not_counts():
    facts = extract_facts("开展“千名党员结对帮扶”活动，按市委发〔2021〕5号文件")
    kinds = [f.kind for f in facts]
    assert kinds == ["quote", "wenhao"]
    assert facts[1].key == "〔2021〕5号"
    assert facts_agree(facts[1], extract_facts("市委发[2021]5号")[0])


def test_enumerated_numbers_share_the_unit():
    numbers = [f for f in extract_facts("地铁5、6号线开通运营") if f.kind == "number"]
    assert [(f.value, f.unit) for f in numbers] == [(5, "号线"), (6, "号线")]


def test_bare_chinese_numerals_in_words_are_not_facts():
    assert extract_facts("统一思想，落实三会一课制度") == []


def test_weekday_and_ordinal():
    facts = extract_facts("每月第一个周二")
    assert [(f.kind, f.key) for f in facts] == [("number", "1第个"), ("weekday", "二")]


def test_names_of_people_and_organisations():
    from assistant.review.names import extract_facts_and_names

    names = extract_facts_and_names("组织党员干部赴南京农业大学学习，顾吟同志发言")
    found = {(f.kind, f.text) for f in names}
    assert ("org", "南京农业大学") in found


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("1. 建成48个支部", ["48个"]),
        ("2、建成48个支部", ["48个"]),
        ("（3）新建改建456个", ["456个"]),
        ("4) 节前节后加大提醒频率", []),
        ("1.5万名党员参加", ["1.5万名"]),  # a decimal, not an item number
        ("3个支部全部建成", ["3个"]),
    ],
)
def test_a_list_items_own_number_is_no_fact(text, facts):
    assert [f.text for f in extract_facts(text) if f.kind == "number"] == facts
