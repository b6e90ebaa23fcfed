from pathlib import Path

import pytest

from index.metadata import GENRES, extract_metadata
from index.outline import parse_outline

SEEDS = Path(__file__).parents[2] / ".." / "shared" / "corpus" / "seeds"


def seed_meta(prefix: str) -> dict:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    text = path.read_text(encoding="utf-8")
    return extract_metadata(text, parse_outline(text).title)


# -- seeds -----------------------------------------------------------------------------


def test_seed_000_research_report_of_the_housing_bureau():
    meta = seed_meta("000")
    assert meta["org"] == "市住建局"
    assert meta["year"] == 2021  # "2021年度…调研", not the "2020年" of an example
    assert meta["genre"] == "调研报告"
    assert meta["date"] is None
    assert meta["author"] is None


def test_seed_001_work_report():
    meta = seed_meta("001")
    assert meta["genre"] == "工作汇报"
    assert meta["year"] is None


def test_seed_002_publish_line_and_theory_title():
    meta = seed_meta("002")
    assert meta["date"] == "2019-12-04"
    assert meta["genre"] == "理论文章"


def test_seed_003_byline_gives_author_and_org():
    meta = seed_meta("003")
    assert meta["author"] == "王从香"
    assert meta["org"] == "盐城市城市管理局"  # the byline's full name, not "市城管局"
    assert meta["genre"] == "工作总结"


def test_seed_004_traditional_dateline_and_org_line():
    meta = seed_meta("004")
    assert meta["date"] == "2023-02-02"
    assert meta["year"] == 2023
    assert meta["org"] == "天津市滨海新区区委区级机关工委"  # returned in Simplified
    assert meta["genre"] == "经验交流"


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_seed_has_all_keys_and_a_known_genre(prefix):
    meta = seed_meta(prefix)
    assert {"org", "year", "date", "genre", "author"} <= set(meta)
    assert {"source", "issue", "published"} <= set(meta)
    assert meta["genre"] in GENRES


# -- rules on small strings ----------------------------------------------------------


def test_byline_without_space_before_name():
    text = "正文内容很多。\n(作者系市委办公室副主任李明)"
    meta = extract_metadata(text, "标题")
    assert meta["author"] == "李明"
    assert meta["org"] == "市委办公室"


def test_author_line_but_not_editor_line():
    assert extract_metadata("作者：张三\n正文。", "标题")["author"] == "张三"
    assert extract_metadata("编辑：张三\n正文。", "标题")["author"] is None


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("正文内容。\n某某局\n2022年3月5日", "2022-03-05"),
        ("发布时间：2020/1/2 08:00\n正文。", "2020-01-02"),
        ("正文。\n2021年13月40日", None),
        # a full date inside a body sentence is an event, not the report's date
        ("2021年6月28日，机关党委组织新党员集体宣誓，效果很好。", None),
    ],
)
def test_date_only_from_datelines(text, date):
    assert extract_metadata(text, "标题")["date"] == date


def test_year_from_title_then_this_year_window():
    assert extract_metadata("今年以来，我们做了工作。", "某某局2022年工作总结")["year"] == 2022
    near = "2023年是全面贯彻党的二十大精神的开局之年。今年以来，我们狠抓落实。"
    assert extract_metadata(near, "工作情况")["year"] == 2023
    assert extract_metadata("今年以来，我们狠抓落实。", "工作情况")["year"] is None


def test_traditional_input_gives_simplified_values():
    text = "關於開展2021年度調研活動的通知要求，我局開展了調研。現將調研情況報告如下：\n市財政局現有黨員百名。"
    meta = extract_metadata(text, "調研報告")
    assert meta["genre"] == "调研报告"
    assert meta["year"] == 2021
    assert meta["org"] == "市财政局"


@pytest.mark.parametrize(
    ("title", "text", "genre"),
    [
        ("浅谈机关党建", "正文。", "理论文章"),
        ("2022年上半年工作总结", "正文。", "工作总结"),
        ("情况", "现就有关工作开展情况汇报如下：", "工作汇报"),
        ("经验材料", "我们的主要做法是：抓学习。", "经验交流"),
        ("支部活动", "党建引领。党建促发展。党建见实效。", "党建材料"),
        ("通知", "请各单位按时参加。", "其他"),
    ],
)
def test_genre_rules(title, text, genre):
    assert extract_metadata(text, title)["genre"] == genre


def test_org_needs_place_prefix_and_clause_start():
    text = "我局明确局党组责任，围绕市局部署开展工作。"
    assert extract_metadata(text, "标题")["org"] is None


# -- datelines and implied years (document dates for the time-aware archive) ---------------

BODY = "正文内容。\n" * 30


def test_speech_dateline_under_the_title():
    text = (
        "在全市工作会议上的讲话\n——2023年3月5日在全市工作会议上\n同志们：\n今天我们召开会议。\n"
        + BODY
    )
    meta = extract_metadata(text, "在全市工作会议上的讲话")
    assert meta["date"] == "2023-03-05"
    assert meta["year"] == 2023


def test_short_dateline_under_a_two_line_title():
    text = (
        "高举中国特色社会主义伟大旗帜\n为全面建设社会主义现代化国家而团结奋斗\n"
        "——在中国共产党第二十次全国代表大会上的报告\n（2022年10月16日）\n"
        "同志们：\n现在，我代表第十九届中央委员会向大会作报告。\n" + BODY
    )
    assert extract_metadata(text, "高举中国特色社会主义伟大旗帜")["date"] == "2022-10-16"


def test_closing_date_in_the_last_lines():
    text = (
        "某某局党建工作总结\n过去一年，我们狠抓落实。\n" + BODY + "某某局机关党委\n2023年1月22日\n"
    )
    meta = extract_metadata(text, "某某局党建工作总结")
    assert meta["date"] == "2023-01-22"
    assert meta["year"] == 2022  # a 工作总结 signed in January is the summary of the year before
    dated_late = text.replace("2023年1月22日", "2023年7月2日")
    assert extract_metadata(dated_late, "某某局党建工作总结")["year"] == 2023
    titled = extract_metadata(text, "某某局2023年党建工作总结")
    assert titled["year"] == 2023  # a year in the title is the year


def test_short_dated_line_in_the_middle_of_a_long_report_is_not_its_date():
    text = "标题\n正文第一段。\n" + BODY + "2022年3月5日\n" + BODY
    assert extract_metadata(text, "标题")["date"] is None


@pytest.mark.parametrize(
    "sentence",
    [
        "习近平总书记2021年7月1日在庆祝中国共产党成立100周年大会上发表重要讲话。",
        "习近平总书记2021年7月1日在庆祝中国共产党成立100周年大会上发表重要讲话，为我们指明了前进方向",
    ],
)
def test_a_long_body_sentence_with_发表_and_a_date_is_not_the_date(sentence):
    for text in (
        "标题\n正文。\n" + sentence + "\n" + BODY,
        "标题\n" + BODY + sentence + "\n" + BODY,
    ):
        meta = extract_metadata(text, "标题")
        assert meta["date"] is None
        assert meta["year"] is None


def test_year_implied_by_the_congress_the_report_is_made_to():
    text = (
        "全面开创社会主义现代化建设的新局面\n——在中国共产党第十二次全国代表大会上的报告\n"
        "同志们：\n我代表第十一届中央委员会，向党的第十二次全国代表大会作报告。\n" + BODY
    )
    meta = extract_metadata(text, "全面开创社会主义现代化建设的新局面")
    assert meta["year"] == 1982
    assert meta["date"] is None


@pytest.mark.parametrize(
    "title",
    [
        "坚定不移沿着中国特色社会主义道路前进(十八大)",
        "坚定不移沿着中国特色社会主义道路前进（十八大）",
    ],
)
def test_year_implied_by_a_title_ending_with_the_congress(title):
    text = "同志们：现在，我代表第十七届中央委员会向大会作报告。\n" + BODY
    assert extract_metadata(text, title)["year"] == 2012


def test_a_congress_cited_late_in_the_body_implies_nothing():
    text = (
        "标题\n"
        + "正文内容很多很多。\n" * 60
        + "我们要学习向党的第十二次全国代表大会作报告的精神。\n"
    )
    assert extract_metadata(text, "标题")["year"] is None


@pytest.mark.parametrize(
    "text",
    [
        "机关党建研究\n2023年第1期\n深入推进机关党建高质量发展。\n" + BODY,
        "深入推进机关党建高质量发展。\n" + BODY + "本文原载《机关党建研究》2023年第1期\n",
    ],
)
def test_year_implied_by_a_journal_issue(text):
    assert extract_metadata(text, "机关党建研究")["year"] == 2023


def test_the_title_year_wins_over_an_implied_one():
    text = "机关党建研究\n2023年第1期\n深入推进机关党建高质量发展。\n" + BODY
    assert extract_metadata(text, "2022年度党建工作总结")["year"] == 2022
