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
    assert set(meta) == {"org", "year", "date", "genre", "author"}
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
