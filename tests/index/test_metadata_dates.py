"""Dates and years (index/metadata/dates.py, facts.py): the rules added for printed reports,
one-line notices and news stamps."""

import datetime as dt

import pytest

from core.normalize import normalize
from index.metadata import extract_metadata
from index.metadata.dates import closing, stamp_date, stamp_source
from index.metadata.facts import line_date
from index.prepare import build_document

BODY = "正文内容。\n" * 30


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("二〇二三年八月十八日", dt.date(2023, 8, 18)),
        ("（一九八二年九月一日）", dt.date(1982, 9, 1)),
        ("二○二一年十二月三十一日", dt.date(2021, 12, 31)),  # ○ typed for 〇
        ("2023年3月5日", dt.date(2023, 3, 5)),
    ],
)
def test_dates_in_chinese_numerals_and_digits(line, date):
    assert line_date(line) == date


def test_no_such_day_in_chinese_numerals():
    assert line_date("二〇二三年二月三十日") is None


def test_chinese_numeral_date_under_the_title_and_in_the_closing():
    top = "盐城市城市管理局2024年度党建工作总结\n（二〇二五年一月八日）\n今年以来，我们狠抓落实。\n"
    doc = build_document(top + BODY, source_path="a.txt")
    assert doc.title == "盐城市城市管理局2024年度党建工作总结"
    assert doc.metadata["date"] == "2025-01-08"
    assert doc.metadata["year"] == 2024
    meta = extract_metadata(
        "某某调研报告\n" + BODY + "西安市住房和城乡建设局\n二〇二一年九月十日\n", ""
    )
    assert meta["date"] == "2021-09-10"


def test_annual_summary_signed_early_next_year_is_about_that_year():
    text = "党建工作总结\n今年以来，我们坚持党建引领。\n" + BODY + "二〇二五年一月十日\n"
    meta = build_document(text, source_path="s.txt").metadata
    assert (meta["date"], meta["year"], meta["genre"]) == ("2025-01-10", 2024, "工作总结")


@pytest.mark.parametrize(
    ("plan", "year"),
    [("六、2025年工作打算", 2024), ("（二）二〇二五年工作思路", 2024), ("2024年重点工作", 2023)],
)
def test_undated_summary_is_about_the_year_before_its_plan_section(plan, year):
    text = "党建工作总结\n今年以来，我们坚持党建引领。\n" + BODY + plan + "\n明年将持续深化。\n"
    meta = build_document(text, source_path="s.txt").metadata
    assert (meta["date"], meta["year"]) == (None, year)


def test_plan_heading_needs_a_short_line_and_gives_way_to_a_date():
    sentence = "我们对2025年工作打算作了认真研究，形成了初步方案，报请审定。\n"
    meta = build_document("党建工作总结\n" + BODY + sentence, source_path="s.txt").metadata
    assert meta["year"] is None
    dated = "党建工作总结\n" + BODY + "2025年工作打算\n持续深化。\n二〇二四年十二月二十日\n"
    assert build_document(dated, source_path="s.txt").metadata["year"] == 2024


def test_opening_that_begins_with_its_year():
    text = "党建工作总结\n2024年，市城管局坚持党建引领，推动融合发展。\n" + BODY
    meta = build_document(text + "二〇二五年一月十日\n", source_path="s.txt").metadata
    assert (meta["year"], meta["genre"]) == (2024, "工作总结")  # no look-back: the text says 2024
    untitled = build_document(
        "2024年，市城管局坚持党建引领，推动融合发展。\n" + BODY, source_path="s.txt"
    )
    assert untitled.metadata["genre"] == "工作总结"


@pytest.mark.parametrize(
    ("head", "date"),
    [
        ("2023-08-08 15:46，正文：", dt.date(2023, 8, 8)),
        ("[              2023/08/15  16:31              ]，正文：", dt.date(2023, 8, 15)),
        ("来源：江西日报  |  2023年07月26日 10:14:09，正文：", dt.date(2023, 7, 26)),
        ("23-08-09 08:54，正文：", dt.date(2023, 8, 9)),
        ("2023年08月17日 22:23:25 来自北京市，正文：", dt.date(2023, 8, 17)),
        ("华夏经纬网 > 新闻 > 时事要闻      2023-08-03 09:41:24  ，正文：", dt.date(2023, 8, 3)),
        ("2023-08-03 09:02 \xa0来源：        红星新闻        ，正文：", dt.date(2023, 8, 3)),
        (
            "http://www.gd.chinanews.com\xa0\xa0\xa0\xa02023年08月15日 22:12\xa0\xa0来源：中新网广东，正文：",
            dt.date(2023, 8, 15),
        ),
        ("08-11 04:09，正文：", None),  # no year: no date
        ("7-23 03:46，正文：", None),
    ],
)
def test_news_stamps(head, date):
    assert stamp_date(normalize(head + "新闻内容。")) == date


def test_stamp_names_its_outlet():
    norm = normalize("来源：江西日报  |  2023年07月26日 10:14:09，正文：江西日报讯 会议召开。")
    assert stamp_source(norm) == "江西日报"
    assert stamp_source(normalize("2023-08-08 15:46，正文：来源：某网 |")) is None
    # the outlet after the time
    assert stamp_source(
        normalize("2023-08-03 09:02  来源：   红星新闻   ，正文：国际空间站。")
    ) == ("红星新闻")


def test_one_line_notice_closing_gives_unit_and_date_before_the_stamp():
    text = (
        "2023-08-19 07:05，正文：原标题：某某股份有限公司 关于举办说明会的公告本公司保证信息真实。"
        "特此公告。某某股份有限公司董事会二〇二三年八月十八日 本版导读返回搜狐，查看更多责任编辑："
    )
    assert closing(normalize(text)) == ("某某股份有限公司董事会", dt.date(2023, 8, 18))
    meta = extract_metadata(text, "")
    assert (meta["org"], meta["date"], meta["year"]) == (
        "某某股份有限公司董事会",
        "2023-08-18",
        2023,
    )
    assert closing(normalize("特此公告。说明到此为止。")) is None


def test_undated_report_is_of_the_latest_year_it_reviews():
    body = (
        "关于社区治理情况的调研报告\n"
        "为深入了解社区治理情况，课题组开展了专题调研，现将调研情况报告如下。\n"
        "2022年，全区完成改造项目12个；2023年，新增改造项目18个，比2021年增加9个。\n"
        "下一步，力争2026年底前全部完成，到2027年形成长效机制，2035年远景目标稳步推进。\n"
    )
    meta = build_document(body, source_path="r.txt").metadata
    assert (meta["genre"], meta["date"], meta["year"]) == ("调研报告", None, 2023)

    only_targets = body.replace("2022年，", "").replace("2023年，", "去年，")
    only_targets = only_targets.replace("比2021年", "比上年")
    assert build_document(only_targets, source_path="r.txt").metadata["year"] is None
