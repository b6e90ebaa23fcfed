"""The checker against a real seed index (hash embedder, BM25 retrieval)."""

from __future__ import annotations

from assistant.review import check_claim, check_sentence, review_text
from assistant.review.align import name_conflicts


def test_changed_number_is_contradicted_with_both_values(retriever):
    v = check_sentence("市住建局现有在职党员458名。", retriever)
    assert v.label == "contradicted"
    assert ("number", "458名", "485名") in v.differences
    assert "485名" in v.source_sentence and v.hit is not None
    assert v.hit.metadata["source_id"] == "000_424aa9fef5469438"


def test_changed_date_is_contradicted(retriever):
    v = check_sentence("2019年9月，国土分局成功创成市级文明单位。", retriever)
    assert v.label == "contradicted"
    assert ("date", "2019年9月", "2018年9月") in v.differences


def test_changed_name_and_quote_are_contradicted(retriever):
    v = check_sentence("城管执法队伍中的“铁汉绣娘”凌丽是新时代城管典型形象。", retriever)
    assert v.label == "contradicted" and ("name", "凌丽", "顾吟") in v.differences
    q = check_sentence("市城管局着力打造“城市大管家”党建品牌。", retriever)
    assert q.label == "contradicted" and ("quote", "“城市大管家”", "“城市好管家”") in q.differences


def test_numbered_list_item_is_checked_without_its_item_number(retriever):
    v = check_sentence("2. 城管局共组建了15支党员突击队。", retriever)
    assert v.label == "supported", v.reason
    assert ("number", "15支", "15支") in v.matched


def test_reworded_true_sentence_is_supported(retriever):
    v = check_sentence("城管局共组建了15支党员突击队。", retriever)
    assert v.label == "supported"
    assert ("number", "15支", "15支") in v.matched
    assert v.similarity >= 0.65


def test_chinese_numeral_restatement_is_supported(retriever):
    assert (
        check_sentence("滨海新区建立了三百多个青年理论学习小组。", retriever).label == "supported"
    )
    assert (
        check_sentence("滨海新区已建立青年理论学习小组四百余个。", retriever).label
        == "contradicted"
    )


def test_invented_claim_is_unsupported(retriever):
    v = check_sentence("国土分局与南京农业大学签订了干部培训合作协议。", retriever)
    assert v.label == "unsupported"
    new_number = check_sentence("“清风城管”APP上线以来累计受理市民投诉1.2万件。", retriever)
    assert new_number.label == "unsupported"
    assert ("number", "1.2万件") in new_number.unbacked


def test_plan_is_not_a_claim_and_not_retrieved(retriever):
    class Refuses:
        def retrieve(self, query, k=5, filters=None):
            raise AssertionError("plans are not looked up")

    v = check_sentence("下一步，我们将继续深化“城市好管家”党建品牌建设。", Refuses())
    assert v.label == "not_claim"


def test_harness_labels(retriever):
    assert check_claim("市住建局现有在职党员458名。", retriever) == "contradicted"
    assert check_claim("城管局共组建了15支党员突击队。", retriever) == "supported"
    assert check_claim("下一步，我们将继续加强学习。", retriever) == "not_supported"


def test_review_text_offsets_and_totals(retriever):
    text = "一、基本情况\n市住建局现有在职党员458名。城管局共组建了15支党员突击队。\n下一步，我们将继续加强学习。"
    report = review_text(text, retriever)
    labels = [v.label for v in report.verdicts]
    assert labels == ["not_claim", "contradicted", "supported", "not_claim"]
    for v in report.verdicts:
        assert text[v.start : v.end] == v.sentence
    assert report.totals["contradicted"] == 1 and report.totals["not_claim"] == 2


def test_abbreviated_organisation_is_not_a_name_conflict():
    assert (
        name_conflicts("滨海新区市场监管局机关党委", "天津市滨海新区市场监督管理局机关党委") == []
    )
    assert name_conflicts("赴南京大学培训学习", "赴南京农业大学培训学习") == [
        ("南京大学", "南京农业大学")
    ]
