"""Evidence for the local model: the best windows of the passages within a token budget."""

from __future__ import annotations

from assistant.generation.evidence import (
    PER_SOURCE,
    clauses,
    fit_evidence,
    scored_windows,
    windows,
)
from assistant.generation.types import Citation
from index.chunking import count_tokens

LONG = (
    "通过凝聚各类党员来树立“八小时以外”共产党员的先进形象,在城市基础建设中发挥党员先锋模范作用,"
    "取得不错的成绩:朱宏路、北辰大道—凤五、凤八立交等10个快速路按期建成通车,地铁5、6号线开通运营,"
    "打通断头路59条,按计划改造老旧小区,建成美丽村庄619个、建成市级美丽村庄503个、"
    "44个村庄被评为省级“美丽宜居示范村”,干成了许多过去想干而没有干的大事实事。"
)


def cites(make_hit, *texts):
    return [Citation(i, make_hit(i, t, section=f"第{i}部分")) for i, t in enumerate(texts, 1)]


def test_a_long_sentence_is_cut_into_clause_windows():
    parts = windows(LONG)
    assert len(parts) > 2 and "".join(parts) == LONG
    assert all(len(p) <= 60 for p in parts)
    short = "市住建局现有基层党组织48个，在职党员485名。党员是主力军。"
    assert windows(short) == ["市住建局现有基层党组织48个，在职党员485名。", "党员是主力军。"]


def test_the_asked_fact_inside_a_long_sentence_reaches_the_model(make_hit):
    """The old evidence cut this sentence after its first 50 characters, before 「59条」."""
    filler = "各支部认真落实“三会一课”制度，坚持每月开展主题党日活动。" * 6
    sources = cites(make_hit, filler + LONG, filler)
    fitted = fit_evidence("住建系统一共打通了多少条断头路？", sources, 200, first_new=1)
    assert "打通断头路59条" in fitted.text
    assert count_tokens(fitted.text) <= 200


def test_budget_windows_per_source_and_order(make_hit):
    sentences = [f"第{i}项工作建成美丽村庄{i}个，群众满意。" for i in range(1, 9)]
    sources = cites(make_hit, "".join(sentences), "与问题无关的一段文字，讲的是天气晴朗。")
    fitted = fit_evidence("建成了多少个美丽村庄", sources, 400, first_new=1)
    first = fitted.passages[0]
    kept = [s for s in sentences if s in first]
    assert len(kept) == PER_SOURCE  # at most PER_SOURCE windows of one passage
    assert kept == sorted(kept, key=first.index)  # shown in passage order
    assert count_tokens(fitted.text) <= 400


def test_left_out_sources_leave_no_gap_in_the_numbers(make_hit):
    """A passage with nothing on the question is dropped when the budget is short; the ones
    after it are renumbered so the model sees 1, 2; a source a draft already cited keeps its n."""
    sources = cites(
        make_hit,
        "市住建局在职党员485名。",
        "天气晴朗，风和日丽，适宜出行，群众外出踏青人数明显增多，景区游客络绎不绝。" * 3,
        "市住建局新发展党员12名。",
    )
    fitted = fit_evidence("市住建局有多少党员", sources, 150, first_new=1)
    assert [c.n for c in fitted.citations] == [1, 2]
    assert [c.hit.chunk_id for c in fitted.citations] == ["c1", "c3"]
    assert "<<<资料 [2]" in fitted.text and "新发展党员12名" in fitted.text
    # numbers below first_new belong to sources cited earlier in the same draft
    known = [Citation(7, sources[0].hit), Citation(8, sources[1].hit), Citation(9, sources[2].hit)]
    again = fit_evidence("市住建局有多少党员", known, 150, first_new=8)
    assert [c.n for c in again.citations] == [7, 8]


def test_traditional_sources_are_given_in_simplified(make_hit):
    fitted = fit_evidence("黨員人數", cites(make_hit, "全局現有黨員485名。"), 200, first_new=1)
    assert "全局现有党员485名。" in fitted.text


def test_suggest_evidence_leaves_out_problems(make_hit):
    """建议 is written from practice: a window that only states a problem is not evidence."""
    text = "党员主体意识还显不足。建立党员示范岗机制，推动党建与业务融合。"
    fitted = fit_evidence("党员示范岗", cites(make_hit, text), 200, mode="suggest", first_new=1)
    assert "建立党员示范岗机制" in fitted.text and "还显不足" not in fitted.text
    plain = fit_evidence("党员示范岗", cites(make_hit, text), 200, first_new=1)
    assert "还显不足" in plain.text


def test_a_window_two_copies_repeat_is_shown_once(make_hit):
    """Two copies of a report (a 繁体 one among them) give one window; the budget goes to the
    next best window elsewhere instead."""
    same = "制定印发了《关于进一步规范“三会一课”制度的通知》等规范性文件。"
    sources = cites(
        make_hit,
        same,
        "制定印發了《關於進一步規範“三會一課”制度的通知》等規範性文件。",
        "印发了换届提醒制度。",
    )
    fitted = fit_evidence("印发了哪些制度文件", sources, 400, first_new=1)
    assert fitted.text.count("三会一课") == 1
    assert [c.hit.chunk_id for c in fitted.citations] == ["c1", "c3"]


def test_a_clause_mark_inside_quotation_marks_does_not_end_the_window():
    """「“街镇吹哨，部门报到”工作机制」 used to be cut after 吹哨, so the window the question
    matched began 「部门报到”工作机制」 and the mechanism's name never reached the model."""
    sentence = (
        "常态化组织开展区级机关作风建设检查，重点检查政治意识、执行能力、减负成效五个方面；"
        "健全“街镇吹哨，部门报到”工作机制，为街镇解决发展难题开辟绿色通道，"
        "以良好工作作风保证机关党建与业务工作深度融合。"
    )
    assert clauses("健全“街镇吹哨，部门报到”工作机制，为街镇开辟通道") == [
        "健全“街镇吹哨，部门报到”工作机制，",
        "为街镇开辟通道",
    ]
    assert any("“街镇吹哨，部门报到”工作机制" in w for w in windows(sentence))
    # an opening mark never closed does not swallow the rest of the sentence
    assert clauses("他说“甲，乙，丙") == ["他说“甲，", "乙，", "丙"]


def test_the_asked_unit_is_read_before_other_units(make_hit):
    """Two units' passages on the same theme: the question names one, whose windows come first
    and fill the budget; another unit's fill only what is left."""
    ours = make_hit(2, "国土分局促融合要完善工作机制，实行党务、业务双否决。")
    ours.metadata["org"] = "XXX国土分局"
    theirs = make_hit(1, "滨海新区促进党建与业务深度融合，创设党建与业务融合场景。")
    theirs.metadata["org"] = "天津市滨海新区区委区级机关工委"
    sources = [Citation(1, theirs), Citation(2, ours)]
    question = "國土分局對促進黨建與業務深度融合提出了哪些設想？"
    ranked = scored_windows(question, sources)
    assert ranked[0].source == 1  # the 国土分局 passage, though retrieval ranked it second
    fitted = fit_evidence(question, sources, 60, first_new=1)
    assert [c.hit.chunk_id for c in fitted.citations] == ["c2"]
    # a question naming no unit keeps the retrieval order
    assert scored_windows("各单位怎样促进党建与业务深度融合？", sources)[0].source == 0


def test_a_question_for_the_author_gets_the_reports_byline(make_hit):
    hit = make_hit(1, "在全市城管系统选树39个先进典型，编辑《平凡亦有光》。")
    hit.metadata["author"] = "王从香"
    other = make_hit(2, "持续开展清风读书活动。", doc="d2")
    sources = [Citation(1, hit), Citation(2, other)]
    fitted = fit_evidence("盐城城管局那篇党建文章是谁写的？", sources, 200, first_new=1)
    assert "本文作者：王从香。" in fitted.passages[0]
    assert "作者" not in fitted.passages[1]  # a report with no byline gets none
    plain = fit_evidence("盐城城管局选树了多少个先进典型？", sources, 200, first_new=1)
    assert "作者" not in plain.text


def test_a_listing_question_gets_the_headings_of_the_passages_part(make_hit):
    """「存在哪些问题？」: the three headings reach the model though only (一)'s passage was
    retrieved, without taking one of that passage's own windows."""
    siblings = ("二、当前问题分析", "(一)主体意识不够强", "(二)能力不够高", "(三)志愿服务引导有偏")
    hit = make_hit(
        1, "有的党员主体意识需加强。有的以管理者自居。有的缺乏主动性。再者，有的不参与。"
    )
    hit.metadata["sibling_sections"] = siblings
    sources = [Citation(1, hit)]
    fitted = fit_evidence("住建局认为党员参与城市建设主要存在哪些问题？", sources, 300, first_new=1)
    passage = fitted.passages[0]
    assert passage.startswith(
        "二、当前问题分析：(一)主体意识不够强；(二)能力不够高；(三)志愿服务引导有偏。"
    )
    assert sum(s in passage for s in ("加强", "自居", "主动性", "不参与")) == PER_SOURCE
    # a question that lists nothing, and a top-level passage, get no outline
    assert "(三)" not in fit_evidence("住建局党员有多少？", sources, 300, first_new=1).text
    hit.metadata["sibling_sections"] = ("", "一、现状", "二、问题", "三、对策")
    assert "三、对策" not in fit_evidence("存在哪些问题？", sources, 300, first_new=1).text
