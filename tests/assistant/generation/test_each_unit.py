"""「各单位……」 questions to a local model: one answer per unit, from that unit's sources."""

from __future__ import annotations

import pytest

from assistant.generation.each_unit import MAX_UNITS, asks_each_unit, by_unit, for_unit
from assistant.generation.service import generate
from assistant.generation.types import Citation
from tests.assistant.generation.conftest import RecordingRetriever, make_hit
from tests.fakes import FakeChatModel


@pytest.mark.parametrize(
    ("question", "each"),
    [
        ("各单位在党建与业务融合方面有哪些做法？", True),
        ("各單位報告中怎樣描述黨建與業務的問題？", True),
        ("在职党员还要到哪里报到？各地是怎么做的？", True),
        ("市住建局有多少在职党员？", False),
        ("国土分局提出了哪些设想？", False),
    ],
)
def test_asks_each_unit(question, each):
    assert asks_each_unit(question) is each


def _hit(n, org, doc):
    hit = make_hit(n, f"{org}开展警示教育{n}次。", doc=doc, title=f"{org}工作总结")
    hit.metadata["org"] = org
    return hit


def test_sources_grouped_by_unit_in_rank_order_and_capped():
    orgs = ["甲局", "乙区", "甲局", "丙委", "丁办", "戊厅", "乙区"]
    cites = [Citation(i + 1, _hit(i + 1, org, f"d{org}")) for i, org in enumerate(orgs)]
    groups = by_unit(cites)
    assert [u for u, _ in groups] == ["甲局", "乙区", "丙委", "丁办"][:MAX_UNITS]
    assert [c.n for c in groups[0][1]] == [1, 3] and [c.n for c in groups[1][1]] == [2, 7]


def test_for_unit_replaces_the_each():
    assert for_unit("各單位怎樣開展警示教育？", "甲局") == "甲局怎样开展警示教育？"


class _Local(FakeChatModel):
    kind = "local"
    label = "本地模型（测试）"


def _run(question, chat, hits, settings, k=6):
    retriever = RecordingRetriever(lambda query: hits)
    events = list(
        generate(question, mode="answer", retriever=retriever, chat=chat, settings=settings, k=k)
    )
    return events, events[-1].result, retriever


def test_each_unit_asked_separately_with_its_own_sources(settings):
    hits = [_hit(1, "甲局", "a"), _hit(2, "乙区", "b"), _hit(3, "甲局", "a")]
    chat = _Local()
    chat.enqueue(["甲局开展警示教育1次[1]。"]).enqueue(["开展警示教育2次[2]。"])
    events, result, _ = _run("各单位开展了几次警示教育？", chat, hits, settings)
    assert len(chat.messages) == 2
    first, second = (m[1]["content"] for m in chat.messages)
    assert "问题：甲局开展了几次警示教育？" in first and "乙区开展警示教育" not in first
    assert "问题：乙区开展了几次警示教育？" in second and "甲局开展警示教育" not in second
    # the reply that names its unit is not labelled again; the other one is
    assert result.text.startswith("甲局开展警示教育1次[1]。")
    assert "乙区：开展警示教育2次[2]。" in result.text
    assert [c.n for c in result.sources] == [1, 2, 3]


def test_a_unit_whose_reply_is_a_refusal_is_left_out(settings):
    hits = [_hit(1, "甲局", "a"), _hit(2, "乙区", "b")]
    chat = _Local()
    chat.enqueue(["甲局开展警示教育1次[1]。"]).enqueue(["资料中没有相关内容。"])
    _, result, _ = _run("各单位开展了几次警示教育？", chat, hits, settings)
    assert "乙区" not in result.text and "资料中没有相关内容" not in result.text


def test_one_unit_or_an_endpoint_gets_one_call(settings):
    chat = _Local()
    chat.enqueue(["甲局开展警示教育1次[1]。"])
    _run("各单位开展了几次警示教育？", chat, [_hit(1, "甲局", "a"), _hit(2, "甲局", "a")], settings)
    assert len(chat.messages) == 1
    endpoint = FakeChatModel()  # an endpoint model reads all the passages at once
    endpoint.enqueue(["甲局1次[1]，乙区2次[2]。"])
    _run(
        "各单位开展了几次警示教育？",
        endpoint,
        [_hit(1, "甲局", "a"), _hit(2, "乙区", "b")],
        settings,
    )
    assert len(endpoint.messages) == 1


def test_each_unit_gets_a_retrieval_of_its_own_over_its_documents(settings):
    # The first k=2 passages are both 甲局's: 乙区's passage is found only by the wider pool
    # and by 乙区's own retrieval, which runs for the question without 「各单位」.
    hits = [_hit(1, "甲局", "a"), _hit(2, "甲局", "a"), _hit(3, "乙区", "b")]
    chat = _Local()
    chat.enqueue(["甲局开展警示教育1次[1]。"]).enqueue(["乙区开展警示教育3次[3]。"])
    events, result, retriever = _run("各单位开展了几次警示教育？", chat, hits, settings, k=2)
    assert len(chat.messages) == 2
    assert "乙区开展警示教育3次。" in chat.messages[1][1]["content"]
    own = [(c["query"], c["filters"]) for c in retriever.calls if c["filters"]]
    assert own == [
        ("开展了几次警示教育？", {"doc_id": ["a"]}),
        ("开展了几次警示教育？", {"doc_id": ["b"]}),
    ]
    assert "乙区开展警示教育3次[3]。" in result.text
    assert {c.hit.doc_id for c in result.sources} == {"a", "b"}
    assert sum(e.kind == "sources" for e in events) == 2  # the first retrieval's, then 乙区's
