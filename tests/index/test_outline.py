from pathlib import Path

import pytest

from index.outline import Outline, parse_outline, section_path, section_path_for

SEEDS = Path(__file__).parents[2] / ".." / "shared" / "corpus" / "seeds"


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def headings(outline: Outline) -> list[tuple[int, str]]:
    return [(s.level, s.heading) for s in outline.sections]


def at(text: str, needle: str) -> int:
    return text.index(needle)


# -- seeds -----------------------------------------------------------------------------


def test_seed_000_levels_and_paths():
    text = seed("000")
    outline = parse_outline(text)
    found = headings(outline)
    assert (1, "一、在职党员参与城市建设具体情况") in found
    assert (2, "(四)把握四个要素推进工作") in found
    assert [h for lvl, h in found if lvl == 1] == [
        "一、在职党员参与城市建设具体情况",
        "二、当前党员参与城市建设问题分析",
        "三、城市建设党员先锋模范作用发挥的探索",
    ]
    assert len(found) == 13
    assert section_path(outline, at(text, "有的党员对于自身作为")) == (
        "二、当前党员参与城市建设问题分析 > (一)个别党员主体意识不够强"
    )
    assert section_path(outline, at(text, "党员参与城市建设在党员政治生活中")) == (
        "二、当前党员参与城市建设问题分析"
    )
    assert section_path(outline, at(text, "习近平总书记强调")) == ""


def test_seed_000_title_is_derived_never_the_first_sentence():
    outline = parse_outline(seed("000"))
    assert outline.title_source == "derived"
    assert not outline.title.startswith("为认真贯彻落实")
    assert outline.title.endswith("调研报告") or outline.title.endswith("…")


def test_seed_001_run_in_headings_and_inline_enumeration():
    text = seed("001")
    outline = parse_outline(text)
    found = headings(outline)
    assert (2, "(一)建立台账,动态管理") in found
    assert (2, "(三)“责任清单”明主责,聚精会神抓主业") in found
    assert len(found) == 13
    # "一是…二是…" and "党建+平台。" inside paragraphs are not headings
    assert not any("一是" in h or "党建+平台" in h for _, h in found)
    assert section_path(outline, at(text, "针对“X党建计划”X年上半年")) == (
        "一、抓住问题导向这个“牛鼻子”,促问题整改 > (一)建立台账,动态管理"
    )


def test_seed_002_title_skips_breadcrumb():
    outline = parse_outline(seed("002"))
    assert outline.title == "党建协同发展的思考"
    assert [lvl for lvl, _ in headings(outline)] == [1, 1, 2, 2, 1, 2, 2]


def test_seed_003_five_top_level_headings():
    outline = parse_outline(seed("003"))
    assert [lvl for lvl, _ in headings(outline)] == [1] * 5
    assert outline.sections[4].heading == "五、做好正风肃纪“严”字文章,让党建有质有效"


def test_seed_004_unnumbered_traditional_headings():
    text = seed("004")
    outline = parse_outline(text)
    assert outline.title == "強化工作載體建設 破解“兩張皮”頑症"
    assert headings(outline) == [
        (1, "以“場景創設”提高機關黨建與業務工作的融合度"),
        (1, "以“夯實堡壘”提高機關黨建與業務工作的融合度"),
        (1, "以“共同締造”提高機關黨建與業務工作的融合度"),
    ]
    assert section_path(outline, at(text, "規范黨組織建設")) == (
        "以“夯實堡壘”提高機關黨建與業務工作的融合度"
    )


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_sections_point_at_their_headings_and_nest(prefix):
    text = seed(prefix)
    sections = parse_outline(text).sections
    for i, s in enumerate(sections):
        assert text[s.start : s.start + len(s.heading)] == s.heading
        later_peer = [t.start for t in sections[i + 1 :] if t.level <= s.level]
        assert s.end == (later_peer[0] if later_peer else len(text))


# -- rules on small strings ----------------------------------------------------------


def test_inline_numbers_are_not_headings():
    text = (
        "总体情况的报告\n"
        "一、基本情况\n"
        "我们做了很多工作，一是加强学习，二是强化落实。完成目标如下：1.建立台账；2.完善制度。\n"
        "1.5亿元资金已全部到位。\n"
        "二、存在问题\n"
        "问题不少。\n"
    )
    outline = parse_outline(text)
    assert headings(outline) == [(1, "一、基本情况"), (1, "二、存在问题")]


def test_list_lines_and_out_of_sequence_numbers_are_rejected():
    text = "一、主要措施\n具体有：\n1.加强学习；\n2.完善制度；\n（三）强化考核\n考核内容很多。\n"
    assert headings(parse_outline(text)) == [(1, "一、主要措施")]


def test_full_and_half_width_markers_and_levels():
    text = (
        "第一部分 总体要求\n正文。\n"
        "（一）指导思想\n正文。\n"
        "１．坚持党的领导\n正文。\n"
        "（１）提高站位\n正文。\n"
        "(2)压实责任\n正文。\n"
        "①第一项\n正文。\n"
        "2、第二条\n正文。\n"
    )
    assert headings(parse_outline(text)) == [
        (1, "第一部分 总体要求"),
        (2, "（一）指导思想"),
        (3, "１．坚持党的领导"),
        (4, "（１）提高站位"),
        (4, "(2)压实责任"),
        (4, "①第一项"),
        (3, "2、第二条"),
    ]


def test_whole_line_heading_may_skip_one_number_but_not_two():
    one_skip = "一、甲\n正文。\n三、丙\n正文。\n"
    two_skip = "一、甲\n正文。\n四、丁\n正文。\n"
    assert [h for _, h in headings(parse_outline(one_skip))] == ["一、甲", "三、丙"]
    assert [h for _, h in headings(parse_outline(two_skip))] == ["一、甲"]


def test_run_in_heading_is_the_first_sentence_only():
    text = "一、总体情况\n（一）建立台账，动态管理。针对问题，制定措施。\n"
    outline = parse_outline(text)
    assert outline.sections[1].heading == "（一）建立台账，动态管理"
    assert section_path(outline, text.index("针对")) == "一、总体情况 > （一）建立台账，动态管理"


def test_long_numbered_paragraph_is_not_a_heading():
    text = "一、" + "我们坚持问题导向" * 10 + "，取得成效。\n"
    assert parse_outline(text).sections == []


def test_single_unpunctuated_line_is_not_enough_for_unnumbered_headings():
    para = "这是一段正文，内容完整。"
    one = f"{para}\n图片说明文字\n{para}\n"
    two = f"{para}\n第一个小标题\n{para}\n第二个小标题\n{para}\n"
    assert parse_outline(one).sections == []
    assert [s.heading for s in parse_outline(two).sections] == ["第一个小标题", "第二个小标题"]


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        ("党建工作总结_某某范文网", "党建工作总结"),
        ("强化载体建设 - 旗帜网", "强化载体建设"),
        ("000_424aa9fef5469438", "正文标题"),
        ("", "正文标题"),
        ("这是一句完整的话。", "正文标题"),
    ],
)
def test_title_hint_used_only_when_plausible(hint, expected):
    text = "正文标题\n\n正文第一段，内容完整。\n"
    assert parse_outline(text, title_hint=hint).title == expected


def test_section_path_for_empty_and_outside():
    assert section_path_for([], 5) == ""
    text = "前言。\n一、甲\n正文。"
    outline = parse_outline(text)
    assert section_path(outline, 0) == ""
    assert section_path(outline, len(text) - 1) == "一、甲"


def test_title_with_colon_is_kept_but_label_lines_are_not():
    text = "来源：某某网\n关于机关党建的调研报告：以某局为例\n\n正文第一段，内容完整。\n"
    assert parse_outline(text).title == "关于机关党建的调研报告：以某局为例"


def test_derived_title_skips_a_leading_heading():
    text = "一、基本情况\n我们开展了调研，形成了报告。\n"
    outline = parse_outline(text)
    assert outline.title_source == "derived"
    assert not outline.title.startswith("一、")
