"""LangChainRetriever: our retrievers behind LangChain's BaseRetriever."""

from __future__ import annotations

from langchain_core.retrievers import BaseRetriever

from assistant.retrieval.base import Hit
from assistant.retrieval.langchain import LangChainRetriever


class Recording:
    def __init__(self):
        self.calls = []

    def retrieve(self, query, k=5, filters=None):
        self.calls.append((query, k, filters))
        hits = [
            Hit(
                "c1",
                "d1",
                "在职党员485名。",
                0.9,
                "调研报告",
                "一、基本情况",
                "/r/a.txt",
                {"year": 2021},
            ),
            Hit("c2", "d2", "支部47个。", 0.5, "工作总结", "", "/r/b.txt", {"org": "市住建局"}),
        ]
        return hits[:k]


def test_documents_carry_text_and_provenance():
    inner = Recording()
    retriever = LangChainRetriever(retriever=inner, k=2, filters={"year": 2021})
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("在职党员有多少")
    assert inner.calls == [("在职党员有多少", 2, {"year": 2021})]
    assert [d.page_content for d in docs] == ["在职党员485名。", "支部47个。"]
    assert docs[0].metadata == {
        "year": 2021,
        "chunk_id": "c1",
        "doc_id": "d1",
        "score": 0.9,
        "title": "调研报告",
        "section_path": "一、基本情况",
        "source_path": "/r/a.txt",
    }
    assert docs[1].id == "c2" and docs[1].metadata["org"] == "市住建局"


def test_k_limits_the_documents():
    assert len(LangChainRetriever(retriever=Recording(), k=1).invoke("党员")) == 1
