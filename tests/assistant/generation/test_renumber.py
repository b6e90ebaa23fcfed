"""Citations renumbered 1…n in order of first use, text, checks and sources together."""

from __future__ import annotations

from assistant.generation.renumber import in_order_of_use
from assistant.generation.types import AnswerResult, Citation, SentenceCheck
from assistant.retrieval.base import Hit


def _hit(i):
    return Hit(f"c{i}", f"d{i}", f"段落{i}", 1.0)


def test_cited_sources_become_one_to_n_in_order_of_first_use():
    sources = [Citation(n, _hit(n)) for n in range(1, 7)]
    result = AnswerResult(
        "answer", "甲[3]。乙[1][6]。丙[3, 4]。", sources, [3, 1, 6, 4], True, [], [], [],
        sentences=[SentenceCheck("甲[3]。", "supported", 3, [3])],
    )  # fmt: skip
    out = in_order_of_use(result)
    assert out.text == "甲[1]。乙[2][3]。丙[1, 4]。"
    assert out.cited == [1, 2, 3, 4]
    by_n = {c.n: c.hit.chunk_id for c in out.sources}
    assert by_n == {1: "c3", 2: "c1", 3: "c6", 4: "c4", 5: "c2", 6: "c5"}  # uncited after
    assert out.sentences[0].text == "甲[1]。" and out.sentences[0].n == 1
    assert out.sentences[0].written == [1]


def test_already_in_order_is_left_alone():
    sources = [Citation(1, _hit(1)), Citation(2, _hit(2))]
    result = AnswerResult("answer", "甲[1]。乙[2]。", sources, [1, 2], True, [], [], [])
    assert in_order_of_use(result) is result
