import math

import pytest

from evals.metrics.retrieval import (
    dedupe_ranking,
    fact_recall_at_k,
    hit_at_k,
    ndcg_at_k,
    recall_at_k,
    reciprocal_rank,
)

RANKING = ["d3", "d1", "d2"]
RELEVANT = {"d1", "d2"}


def test_hit_at_k():
    assert hit_at_k(RANKING, RELEVANT, 1) == 0.0
    assert hit_at_k(RANKING, RELEVANT, 2) == 1.0


def test_recall_at_k():
    assert recall_at_k(RANKING, RELEVANT, 1) == 0.0
    assert recall_at_k(RANKING, RELEVANT, 2) == 0.5
    assert recall_at_k(RANKING, RELEVANT, 3) == 1.0
    assert recall_at_k(RANKING, set(), 3) == 0.0


def test_reciprocal_rank():
    assert reciprocal_rank(RANKING, RELEVANT) == 0.5
    assert reciprocal_rank(RANKING, {"d9"}) == 0.0
    # Relevant doc beyond the cut-off does not count.
    assert reciprocal_rank(RANKING, {"d2"}, k=2) == 0.0


def test_ndcg_by_hand():
    expected = (1 / math.log2(3) + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(RANKING, RELEVANT, 10) == pytest.approx(expected)
    assert ndcg_at_k(["d1", "d2", "d3"], RELEVANT, 10) == pytest.approx(1.0)
    assert ndcg_at_k(RANKING, set(), 10) == 0.0


def test_ndcg_ideal_is_capped_at_k():
    # 3 relevant, k=1, first doc relevant: DCG = IDCG = 1.
    assert ndcg_at_k(["a", "b"], {"a", "b", "c"}, 1) == pytest.approx(1.0)


def test_repeated_passages_count_at_first_occurrence():
    passages = ["d1", "d1", "d1", "d2"]
    assert dedupe_ranking(passages) == ["d1", "d2"]
    # d2 is the 2nd distinct document, not the 4th passage.
    assert reciprocal_rank(passages, {"d2"}) == 0.5
    assert recall_at_k(passages, {"d1", "d2"}, 2) == 1.0
    assert ndcg_at_k(passages, {"d2"}, 10) == pytest.approx(1 / math.log2(3))


def test_fact_recall_uses_normalised_top_k_passages():
    passages = ["今年經濟增長５%", "粮食产量120万吨", "无关"]
    facts = ["经济增长5%", ["一百二十万吨", "120万吨"], "不存在的事实"]
    assert fact_recall_at_k(passages, facts, 1) == pytest.approx(1 / 3)
    assert fact_recall_at_k(passages, facts, 2) == pytest.approx(2 / 3)
    assert fact_recall_at_k(passages, [], 2) == 0.0


def test_fact_does_not_match_across_passage_boundary():
    assert fact_recall_at_k(["增长", "5%"], ["增长5%"], 2) == 0.0
