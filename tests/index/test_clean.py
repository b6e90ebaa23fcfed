"""Debris removal on the five seed reports, each rule on its own, and the example corpus."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from index.clean import Cleaned, clean_text, find_author, is_debris
from index.loaders import load_file

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / ".." / "shared" / "corpus" / "seeds"
EXAMPLES = ROOT / "examples" / "corpus"


def _seed(prefix: str) -> Cleaned:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return clean_text(path.read_text("utf-8"))


def _lines(cleaned: Cleaned) -> list[str]:
    return cleaned.text.split("\n")


# --- the five seeds ------------------------------------------------------------------


def test_seed_000_loses_only_the_stray_title_at_the_end():
    cleaned = _seed("000")
    lines = _lines(cleaned)
    assert cleaned.removed == ["市直机关深入贯彻中央八项规定精神学习教育"]
    assert lines[0].startswith("为认真贯彻落实习近平总书记关于机关党建一系列重要论述精神")
    assert "一、在职党员参与城市建设具体情况" in lines
    assert "(一)“党组织+在职党员+一线临时党组织”" in lines
    assert lines[-1].startswith("具体工作任务中,努力提高党员参与城市建设的认识")
    assert lines[-1].endswith("切实做到两手抓、两手硬、两促进。")
    assert "" not in lines  # the report had no blank lines; the gap before the stray title went
    assert cleaned.author is None


def test_seed_001_loses_the_disclaimer_line():
    cleaned = _seed("001")
    lines = _lines(cleaned)
    assert cleaned.removed == [
        "来源:网络整理 免责声明:本文仅限学习分享,如产生版权问题,请联系我们及时删除。"
    ]
    assert lines[0].startswith("全市“X党建计划”巩固提升年推进会召开后")
    assert "一、抓住问题导向这个“牛鼻子”,促问题整改" in lines
    assert lines[-1].startswith("工作中,我们虽然在问题整改")


def test_seed_002_loses_breadcrumb_publish_line_repeat_and_footer():
    cleaned = _seed("002")
    lines = _lines(cleaned)
    assert cleaned.removed == [
        "当前位置:首页 > 其他范文 > 党建材料 > 党建协同发展的思考",
        "发布时间:2019-12-04 10:15:47 影响了:",
        "党建协同发展的思考",
        "猜你想看",
        "Copyright © 2008 - 2022 版权所有 职场范文网",
        "工业和信息化部 备案号:沪ICP备18009755号-3",
    ]
    assert lines[0] == "党建协同发展的思考"
    assert lines.count("党建协同发展的思考") == 1
    assert lines[2].startswith("习近平总书记指出“机关党建工作的核心任务是服务中心、建设队伍”")
    assert "一、当前XXX国土分局党建工作现状" in lines
    assert "(二)促融合要完善工作机制" in lines
    assert lines[-1].startswith("一是完善评先评优制度")
    assert "\n\n\n" not in cleaned.text
    assert all(line == line.strip() for line in lines)  # indentation and trailing spaces gone


def test_seed_003_keeps_the_author_and_returns_it():
    cleaned = _seed("003")
    assert cleaned.removed == []
    assert (
        cleaned.author == "作者系盐城市城市管理局党组成员、副局长、二级调研员,机关党委书记 王从香"
    )
    assert cleaned.text.endswith(
        "(作者系盐城市城市管理局党组成员、副局长、二级调研员,机关党委书记 王从香)"
    )
    assert "五、做好正风肃纪“严”字文章,让党建有质有效" in _lines(cleaned)


def test_seed_004_loses_traditional_debris_and_keeps_the_article():
    cleaned = _seed("004")
    lines = _lines(cleaned)
    assert cleaned.removed == [
        "投稿郵箱:qizhixmt@126.com",
        "站內搜索:",
        "旗幟網>>期刊>>《旗幟》雜志>>2023年第1期",
        "來源:旗幟網2023年02月02日10:55",
        "文字縮放:",
        "(來源:《旗幟》2023年第1期)",
        "(\xa0編輯:孫麗\xa0\xa0\xa0送簽:孫麗\xa0\xa0\xa0簽發:鐘鳴\xa0)",
    ]
    assert lines[0] == "強化工作載體建設 破解“兩張皮”頑症"
    assert lines[2] == "天津市濱海新區區委區級機關工委"
    assert "以“場景創設”提高機關黨建與業務工作的融合度" in lines
    assert lines[-1].startswith("著力深化作風建設。")


# --- one rule at a time ----------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "当前位置：首页 > 党建工作 > 工作汇报",
        "您现在的位置: 首页 >> 通知公告",
        "旗幟網>>期刊>>《旗幟》雜志>>2023年第1期",
        "首页 » 新闻中心 » 图片新闻",
        "发布时间：2024-07-05 09:30　来源：局机关党委　浏览次数：326",
        "发布时间:2019-12-04 10:15:47 影响了:",
        "來源:旗幟網2023年02月02日10:55",
        "（来源：《旗帜》2023年第1期）",
        "来源:网络整理 免责声明:本文仅限学习分享,如产生版权问题,请联系我们及时删除。",
        "免责声明：本站部分文章来自网络。",
        "Copyright © 2008 - 2022 版权所有 职场范文网",
        "工业和信息化部 备案号:沪ICP备18009755号-3",
        "京公网安备 11000002000001号",
        "投稿郵箱:qizhixmt@126.com",
        "投稿邮箱：abc@example.com",
        "站內搜索:",
        "文字縮放:",
        "【字体：大 中 小】",
        "【打印本页】【关闭窗口】",
        "上一篇：关于开展党建调研的通知",
        "( 編輯:孫麗   送簽:孫麗   簽發:鐘鳴 )",
        "（编辑：林晓  审核：陈文）",
        "责任编辑：王某",
        "主办单位：某某局",
    ],
)
def test_debris_line_is_recognised(line):
    assert is_debris(line)


@pytest.mark.parametrize(
    "line",
    [
        "完成商品房预售备案号核发3200个。",
        "关闭违规企业12家，打印机采购严格执行政府采购程序。",
        "打印材料200余份，分享经验做法15条。",
        "编辑先进典型事迹选编—《平凡亦有光》，并拍摄短视频进行宣传。",
        "来源于群众、服务于群众，是我们工作的根本方法。" * 5,
        "对网上有害信息及时删除，维护版权所有者的合法权益，全年处置各类信息1200余条，"
        "清理违规账号36个，营造了清朗的网络空间，群众满意度显著提升，形成了可复制的经验。" * 2,
        "一、在职党员参与城市建设具体情况",
        "党建+平台>党建+堡垒",
    ],
)
def test_content_line_is_not_debris(line):
    assert not is_debris(line)


def test_related_section_and_everything_after_it_go():
    text = "标题\n第一段。\n第二段。\n第三段。\n\n相关阅读：\n另一篇文章的标题\n又一篇\n"
    cleaned = clean_text(text)
    assert cleaned.text == "标题\n第一段。\n第二段。\n第三段。"
    assert cleaned.removed == ["相关阅读：", "另一篇文章的标题", "又一篇"]


def test_related_marker_in_the_first_half_is_kept():
    text = "相关文章\n第一段。\n第二段。\n第三段。\n第四段。"
    assert clean_text(text).text == text


def test_repeated_title_after_the_title_goes_once():
    text = "关于某项工作的报告\n\n  关于某项工作的报告\n\n正文第一段。\n正文第二段。"
    cleaned = clean_text(text)
    assert cleaned.text == "关于某项工作的报告\n\n正文第一段。\n正文第二段。"
    assert cleaned.removed == ["关于某项工作的报告"]


BODY = "一、基本情况\n全年开展学习12次。\n二、下步打算\n持续加强理论学习，推动工作落实。"


def test_stray_title_after_a_wide_gap_goes():
    cleaned = clean_text(BODY + "\n\n\n\n市直机关深入贯彻中央八项规定精神学习教育")
    assert cleaned.text == BODY
    assert cleaned.removed == ["市直机关深入贯彻中央八项规定精神学习教育"]


@pytest.mark.parametrize(
    "ending",
    [
        "\n\n\n\n（三）持续深化作风建设",  # an outline heading
        "\n\n\n\n三、下一步工作打算",
        "\n\n\n\n江川市住房和城乡建设局机关党委",  # a signature
        "\n\n\n\n2024年1月10日",
        "\n\n\n\n让党旗在城市建设一线高高飘扬！",  # punctuated: a closing sentence
        "\n\n以党建引领城市建设高质量发展",  # one blank line is an ordinary paragraph gap
        "\n\n\n\n特此报告",  # too short to be another article's title
    ],
)
def test_legitimate_final_line_is_kept(ending):
    cleaned = clean_text(BODY + ending)
    assert cleaned.removed == []
    assert cleaned.text.endswith(ending.strip())


def test_final_line_is_kept_when_the_report_uses_wide_gaps_everywhere():
    text = "第一段。\n\n\n第二段。\n\n\n第三段。\n\n\n以党建引领城市建设高质量发展"
    assert clean_text(text).removed == []


def test_final_line_is_kept_after_an_unfinished_paragraph():
    text = "第一段。\n第二段。\n第三段的表格标题如下\n\n\n\n以党建引领城市建设高质量发展"
    assert clean_text(text).removed == []


def test_blank_runs_collapse_and_line_ends_are_stripped():
    text = "\n\n  标题  \r\n\r\n\r\n\u3000\u3000第一段。\u00a0\n\n\n\n\n第二段\u200b。\n\n"
    assert clean_text(text).text == "标题\n\n第一段。\n\n第二段。"


@pytest.mark.parametrize(
    ("text", "author"),
    [
        (
            "正文。\n（作者系江川市住房和城乡建设局党组书记、局长 周建华）",
            "作者系江川市住房和城乡建设局党组书记、局长 周建华",
        ),
        ("正文。(作者单位:江川市委党校)", "作者单位:江川市委党校"),
        ("标题\n作者：张晓东\n正文。", "张晓东"),
        ("正文提到作者系统性思考。\n结尾。", None),
    ],
)
def test_author_statement(text, author):
    assert find_author(text) == author
    assert clean_text(text).author == author


# --- the example corpus ------------------------------------------------------------------


EXAMPLE_FILES = sorted(p for p in EXAMPLES.iterdir() if p.is_file())


def test_example_corpus_has_the_promised_formats():
    suffixes = sorted(p.suffix for p in EXAMPLE_FILES)
    assert suffixes == [".docx", ".html", ".md", ".txt", ".txt", ".txt"]
    assert load_file(EXAMPLES / "02_老旧小区改造党员作用调研报告.txt").encoding == "gb18030"
    assert "經驗交流材料" in load_file(EXAMPLES / "03_紅色物業經驗交流材料.txt").text


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_example_file_loads_and_cleans(path):
    cleaned = clean_text(load_file(path).text)
    assert 600 <= len(cleaned.text) <= 1500
    assert "一、" in cleaned.text  # every report uses the 公文 outline


def test_example_page_debris_is_gone():
    loaded = load_file(EXAMPLES / "04_上半年模范机关创建工作汇报.html")
    cleaned = clean_text(loaded.text)
    lines = cleaned.text.split("\n")
    assert lines[0] == "江川市住房和城乡建设局关于2024年上半年模范机关创建工作情况的汇报"
    assert lines[-3:] == ["特此汇报。", "江川市住房和城乡建设局", "2024年7月3日"]
    for gone in (
        "首页",
        "当前位置",
        "站内搜索",
        "发布时间",
        "打印本页",
        "相关阅读",
        "警示教育大会",  # a related-article link
        "热点推荐",
        "版权所有",
        "ICP",
        "主办单位",
        "alert",
        "统计代码",
    ):
        assert gone not in cleaned.text, gone


def test_example_portal_copy_is_cleaned():
    cleaned = clean_text(load_file(EXAMPLES / "06_党建业务融合品牌创建实施方案.txt").text)
    assert cleaned.text.startswith(
        "江川市直属机关工委关于开展“党建+业务”融合品牌创建活动的实施方案\n\n为深入"
    )
    assert cleaned.text.endswith("请及时报送市直机关工委组织部。")
    assert cleaned.removed[-1] == "市住建局召开2024年党建工作会议暨全面从严治党工作会议"


def test_generated_examples_match_their_source_text():
    spec = importlib.util.spec_from_file_location(
        "make_corpus", ROOT / "examples" / "make_corpus.py"
    )
    make_corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_corpus)
    gbk = load_file(EXAMPLES / make_corpus.GBK_NAME)
    assert gbk.text == make_corpus.GBK_TEXT
    docx_text = load_file(EXAMPLES / make_corpus.DOCX_NAME)
    assert docx_text.title_hint == make_corpus.DOCX_TITLE
    paragraphs = [c for kind, c in make_corpus.DOCX_BLOCKS if kind != "table"]
    assert docx_text.text.split("\n")[1:] == [
        *paragraphs[:9],
        "指标 | 2022年 | 2023年",
        "党支部（个） | 11 | 12",
        "党员（名） | 221 | 236",
        "发展党员（名） | 4 | 6",
        "党员先锋岗（个） | 19 | 27",
        *paragraphs[9:],
    ]
