"""Mining fixed expressions and flagging their variants in a draft."""

from __future__ import annotations

from assistant.review.terms import check_terms, mine_terms, terms_for_reader

CORPUS = [
    "落实“三会一课”制度，压实一岗双责，打造“党建+老旧小区改造”品牌和“城市好管家”品牌。",
    "以“三个一线”为载体，坚持“城市好管家”理念。",
]


def test_mining_finds_quotes_formulas_and_brands():
    terms = mine_terms(CORPUS)
    assert terms.terms["城市好管家"] == 2
    assert "三会一课" in terms.formulas and "一岗双责" in terms.formulas
    assert "三个一线" in terms.formulas
    assert terms.terms["党建+老旧小区改造"] >= 1


def test_variants_are_flagged_with_offsets():
    terms = mine_terms(CORPUS)
    draft = "我们推行党建加老旧小区改造，落实一岗两责和三会两课，打造“城市大管家”品牌。"
    issues = check_terms(draft, terms)
    found = {(i.found, i.expected) for i in issues}
    assert ("党建加", "党建+") in found
    assert ("一岗两责", "一岗双责") in found
    assert ("三会两课", "三会一课") in found
    assert ("城市大管家", "城市好管家") in found
    for i in issues:
        assert draft[i.start : i.end] == i.found


def test_correct_terms_and_ordinary_words_are_not_flagged():
    terms = mine_terms(CORPUS)
    assert check_terms("落实三会一课和一岗双责，打造“城市好管家”，抓党建加强队伍。", terms) == []


def test_wrong_count_in_a_known_formula():
    issues = check_terms("增强三个意识，做到两个维护。", mine_terms([]))
    assert [(i.found, i.expected) for i in issues] == [("三个意识", "四个意识")]


def test_terms_are_mined_from_the_index_once_per_generation(seed_reader):
    first = terms_for_reader(seed_reader)
    assert "城市好管家" in first.terms and "四零服务" in first.terms
    assert terms_for_reader(seed_reader) is first


def test_unquoted_fragments_and_reduplications_are_not_formulas():
    terms = mine_terms(
        ["党的十届三中全会", "一条一条抓落实，一条一条抓落实", "坚持两保一调，实行两保一调"]
    )
    assert "十届三中" not in terms.formulas and "一条一条" not in terms.formulas
    assert "两保一调" in terms.formulas
    assert check_terms("党的十届四中全会", terms) == []
    assert [
        (i.found, i.expected)
        for i in check_terms("三个一线要坚持", mine_terms(["“三个一线”和“七个一”"]))
    ] == []
