import pytest

from evals.metrics.answers import (
    REFUSAL_PHRASES,
    bigram_overlap,
    citation_numbers,
    citation_support,
    citation_validity,
    fact_coverage,
    is_refusal,
    rouge_l_chars,
    split_cited_sentences,
)

P1 = "2023年全市粮食产量达到120万吨"
P2 = "今年夏季天气晴朗"


def test_fact_coverage():
    answer = "全市產量達到120萬噸[1]。"
    assert fact_coverage(answer, ["120万吨", "增长5%"]) == 0.5
    assert fact_coverage(answer, [["一百二十万吨", "产量达到"]]) == 1.0
    assert fact_coverage(answer, []) == 0.0


def test_citation_numbers_and_validity():
    answer = "甲[1]。乙[3]。丙［2，4］"  # full-width brackets and comma are folded
    assert citation_numbers(answer) == [1, 3, 2, 4]
    assert citation_validity(answer, 3) == 0.75
    assert citation_validity(answer, 4) == 1.0
    assert citation_validity("没有引用。", 3) is None
    assert citation_validity("见[0]", 3) == 0.0


def test_split_cited_sentences_attaches_trailing_markers():
    got = split_cited_sentences("甲增长。[1]乙下降[2]；丙持平")
    assert got == [("甲增长。", [1]), ("乙下降;", [2]), ("丙持平", [])]


def test_bigram_overlap_by_hand():
    # 15 distinct bigrams in the sentence; 产量 12 20 0万 万吨 occur in P1.
    assert bigram_overlap("据统计产量为120万吨，创历史新高", P1) == pytest.approx(5 / 15)
    assert bigram_overlap("天气晴朗", P1) == 0.0
    assert bigram_overlap("。", P1) == 0.0


def test_citation_support_lexical():
    answer = "全市粮食产量达到120万吨。[1] 天气晴朗[1]。"
    # sentence 1 copies P1 (overlap 1.0); sentence 2 shares no bigram with P1.
    assert citation_support(answer, [P1, P2]) == 0.5
    assert citation_support("天气晴朗[2]。", [P1, P2]) == 1.0


def test_citation_support_by_facts_when_overlap_is_low():
    answer = "据统计产量为120万吨，创历史新高[1]。"
    assert citation_support(answer, [P1, P2], threshold=0.5) == 0.0
    assert citation_support(answer, [P1, P2], facts=["120万吨"], threshold=0.5) == 1.0
    # The fact is not in passage 2, and the overlap is low: not supported.
    assert citation_support("产量为120万吨[2]。", [P1, P2], facts=["120万吨"]) == 0.0
    # Threshold is a parameter: 1/3 overlap passes at 0.3.
    assert citation_support(answer, [P1, P2], threshold=0.3) == 1.0


def test_citation_support_ignores_invalid_numbers():
    assert citation_support("天气晴朗[9]。", [P1, P2]) is None


def test_rouge_l_chars_by_hand():
    # LCS("今天天气好", "今天天气很好") = 5: P = 5/5, R = 5/6, F = 10/11.
    assert rouge_l_chars("今天天气好", "今天天气很好") == pytest.approx(10 / 11)
    # LCS = 天气很好 (4): P = R = 4/6.
    assert rouge_l_chars("天气很好今天", "今天天气很好") == pytest.approx(2 / 3)
    assert rouge_l_chars("今天 天氣很好", "今天天气很好") == pytest.approx(1.0)
    assert rouge_l_chars("", "今天") == 0.0
    assert rouge_l_chars("甲乙", "丙丁") == 0.0


def test_refusal_detection():
    assert is_refusal("资料中未提及该数据。")
    assert is_refusal("該問題無法回答")  # Traditional, normalised first
    assert not is_refusal("全市粮食产量达到120万吨[1]。")
    assert "来源未涉及" in REFUSAL_PHRASES
    assert is_refusal("来源未涉及这一点")
