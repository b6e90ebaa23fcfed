"""Evidence for the local model: the best windows of the passages within a token budget."""

from __future__ import annotations

from assistant.generation.evidence import PER_SOURCE, fit_evidence, windows
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
