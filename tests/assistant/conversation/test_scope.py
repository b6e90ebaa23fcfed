"""A unit or year the filters exclude is said, not answered around."""

from __future__ import annotations

from assistant.conversation.scope import scope_conflict, unit_agrees


def test_a_unit_outside_the_org_filter_is_named():
    line = scope_conflict("滨海新区有多少个基层党组织？", {"org": "西安市住房和城乡建设局"})
    assert line is not None
    assert "“滨海新区”" in line and "“西安市住房和城乡建设局”" in line and "全部" in line


def test_short_forms_and_parts_of_the_filtered_unit_agree():
    assert unit_agrees("西安市住建局", "西安市住房和城乡建设局")
    assert unit_agrees("住建局", "西安市住建局")
    assert not unit_agrees("滨海新区", "西安市住建局")
    assert (
        scope_conflict("西安市住建局有多少个基层党组织？", {"org": "西安市住房和城乡建设局"})
        is None
    )


def test_a_year_outside_the_year_filter_is_named():
    line = scope_conflict("2022年发展了多少党员？", {"year": 2021})
    assert line is not None and "2022年" in line and "2021年" in line
    assert scope_conflict("2019—2022年发展了多少党员？", {"year": 2021}) is None
    assert scope_conflict("2021年发展了多少党员？", {"year": 2021}) is None


def test_nothing_to_say_without_filters_or_without_a_named_unit():
    assert scope_conflict("滨海新区有多少个基层党组织？", None) is None
    assert scope_conflict("有多少个基层党组织？", {"org": "西安市住建局", "year": 2021}) is None
