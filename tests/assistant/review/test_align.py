"""Pairing a draft's numbers with a source's (assistant/review/align.py): the counted noun may
stand after the number and measure word (「打通了5条断头路」) or before it (「打通断头路59条」)."""

from __future__ import annotations

import pytest

from assistant.retrieval.base import Hit
from assistant.review import check_sentence
from assistant.review.align import context_rank, pair_facts
from assistant.review.facts import extract_facts
from core.normalize import normalize

ACHIEVEMENTS = normalize(
    "取得不错的成绩:朱宏路、北辰大道—凤五、凤八立交等10个快速路按期建成通车,地铁5、6号线"
    "开通运营,打通断头路59条,按计划改造老旧小区,建成美丽村庄619个、建成市级美丽村庄503个、"
    "44个村庄被评为省级“美丽宜居示范村”。"
)


class OneHit:
    """Always the same passage, whatever is asked."""

    def __init__(self, text: str):
        self.hits = [Hit(chunk_id="c1", doc_id="d1", text=text, score=1.0, metadata={})]

    def retrieve(self, query, k=5, filters=None):
        return self.hits[:k]


def _fact(text: str, shown: str):
    return next(f for f in extract_facts(text) if f.text == shown)


def pairs(draft: str, source: str = ACHIEVEMENTS, *, by_context: bool = True):
    """(draft value, source value) of each conflict, and the draft values left unmatched."""
    draft = normalize(draft)
    s_facts = extract_facts(source)
    p = pair_facts(draft, extract_facts(draft), source, s_facts, s_facts, by_context=by_context)
    return [(d.text, s.text) for d, s in p.conflicts], [d.text for d in p.unmatched]


@pytest.mark.parametrize("by_context", [True, False])
@pytest.mark.parametrize(
    "draft",
    ["住建系统打通了5条断头路。", "住建系统一共打通了5条断头路。", "住建系统打通断头路5条。"],
)
def test_a_count_meets_the_source_count_whichever_side_its_noun_is_on(draft, by_context):
    assert pairs(draft, by_context=by_context) == ([("5条", "59条")], [])


def test_the_noun_after_in_the_source_and_before_in_the_draft():
    source = normalize("全年打通了59条断头路,改造老旧小区46个。")
    assert pairs("全年打通断头路5条。", source) == ([("5条", "59条")], [])
    assert pairs("全年改造了40个老旧小区。", source) == ([("40个", "46个")], [])


def test_the_noun_decides_among_counts_of_the_same_measure_word():
    # 「10个快速路」 shares the measure word, not the noun: 美丽村庄 is counted after 建成.
    assert pairs("建成10个美丽村庄。") == ([("10个", "619个")], [])
    assert pairs("建成500个市级美丽村庄。") == ([("500个", "503个")], [])
    assert pairs("建成了12个快速路。") == ([("12个", "10个")], [])


@pytest.mark.parametrize("by_context", [True, False])
def test_a_match_inside_the_clause_beats_one_reaching_into_the_next(by_context):
    # 12个's right-hand words 「建成美丽村庄」 belong to the next clause (and to 619个's).
    draft = "建成快速路12个,建成美丽村庄600个。"
    assert pairs(draft, by_context=by_context) == ([("12个", "10个"), ("600个", "619个")], [])
    twelve, source_10 = _fact(normalize(draft), "12个"), _fact(ACHIEVEMENTS, "10个")
    assert context_rank(normalize(draft), twelve, ACHIEVEMENTS, source_10) == (True, 2)
    members = "全局共有在职党员485名、离退休党员120名。"
    assert pairs("全局共有100名离退休党员。", members, by_context=by_context)[0] == [
        ("100名", "120名")
    ]


def test_a_count_with_no_shared_noun_or_verb_stays_unmatched():
    source = normalize("全年打通断头路59条。")
    assert pairs("全年新建5条公交线路。", source) == ([], ["5条"])


@pytest.mark.parametrize(
    ("draft", "conflict"),
    [
        ("全局共有458名在职党员。", ("458名", "485名")),
        ("全局共有在职党员458名。", ("458名", "485名")),
        ("全局共有100名离退休党员。", ("100名", "120名")),
        ("年内发展了30名新党员。", ("30名", "32名")),
        ("年内培训了100名入党积极分子。", ("100名", "120名")),
    ],
)
def test_members_counted_either_way_round(draft, conflict):
    source = normalize(
        "全局共有在职党员485名、离退休党员120名。年内发展新党员32名,培训入党积极分子120名。"
    )
    sentence = next(s for s in source.split("。") if draft[:2] in s)
    assert pairs(draft, sentence + "。")[0] == [conflict]


@pytest.mark.parametrize(
    ("draft", "conflict"),
    [
        ("全市完成了90%的改造任务。", ("90%", "95%")),
        ("全市改造任务完成了90%。", ("90%", "95%")),
        ("群众满意率达到了90%。", ("90%", "98%")),
        ("女性党员比例为25%。", ("25%", "20%")),
    ],
)
def test_percentages_either_way_round(draft, conflict):
    source = normalize("全市改造任务完成95%,群众满意率达到98%,女性党员比例为20%。")
    assert pairs(draft, source)[0] == [conflict]


@pytest.mark.parametrize("wide", [True, False])
def test_the_checker_contradicts_a_count_restated_with_its_noun_moved(wide):
    v = check_sentence(
        "住建系统打通了5条断头路。",
        OneHit(ACHIEVEMENTS),
        k=1,
        question="住建系统一共打通了多少条断头路？",
        wide=wide,
    )
    assert v.label == "contradicted"
    assert v.differences == [("number", "5条", "59条")]


def test_the_checker_supports_the_right_count_with_its_noun_moved():
    v = check_sentence("建成503个市级美丽村庄。", OneHit(ACHIEVEMENTS), k=1, wide=False)
    assert v.label == "supported" and ("number", "503个", "503个") in v.matched
