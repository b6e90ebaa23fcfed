"""Dense, BM25 and hybrid retrieval over a seed index built with the hash embedder."""

from __future__ import annotations

import pytest

from assistant.retrieval import build_retriever
from assistant.retrieval.reader import sibling_sections
from core.errors import ConfigError


@pytest.fixture
def reader(seed_reader):
    return seed_reader


@pytest.mark.parametrize("pipeline", ["bm25", "hybrid"])
def test_keyword_paths_find_the_number_in_either_width(reader, pipeline):
    retriever = build_retriever(pipeline, reader.settings, reader=reader)
    for query in ("在职党员485名", "在职党员４８５名"):
        hits = retriever.retrieve(query, k=3)
        assert hits[0].metadata["source_id"] == "000_424aa9fef5469438"
        if pipeline == "bm25":  # hybrid's dense half is the (meaningless) hash embedder here
            assert "485" in hits[0].text


def test_traditional_query_finds_simplified_text_by_keywords(reader):
    hits = build_retriever("bm25", reader.settings, reader=reader).retrieve(
        "城市好管家黨建品牌", k=3
    )
    assert hits[0].metadata["source_id"] == "003_1639e3c3017186e5"


def test_hits_carry_provenance(reader):
    hit = build_retriever("hybrid", reader.settings, reader=reader).retrieve("城市好管家", k=1)[0]
    assert hit.title and hit.source_path.endswith(".txt")
    doc_text = reader.document_text(hit.doc_id)
    assert doc_text[hit.metadata["start"] : hit.metadata["end"]] == hit.text


@pytest.mark.parametrize("pipeline", ["dense", "bm25", "hybrid"])
def test_doc_filter_restricts_every_pipeline(reader, pipeline):
    retriever = build_retriever(pipeline, reader.settings, reader=reader)
    hits = retriever.retrieve("党员 党建 工作", k=5, filters={"doc_id": "002_f873387b32afac7c"})
    assert hits and {h.metadata["source_id"] for h in hits} == {"002_f873387b32afac7c"}
    assert retriever.retrieve("党员", k=5, filters={"year": 1900}) == []


def test_hybrid_spreads_over_documents(reader):
    hits = build_retriever("hybrid", reader.settings, reader=reader).retrieve("党建与业务融合", k=5)
    assert len({h.doc_id for h in hits}) >= 2


def test_unknown_pipeline_and_filter_are_config_errors(reader):
    with pytest.raises(ConfigError, match="unknown retrieval pipeline 'magic'"):
        build_retriever("magic", reader.settings, reader=reader)
    with pytest.raises(ConfigError, match="unknown filter"):
        build_retriever("bm25", reader.settings, reader=reader).retrieve(
            "党员", filters={"color": "red"}
        )


def test_pending_document_is_invisible(reader):
    """A document mid-write (status pending) never reaches a reader."""
    from index.store import open_store

    store = open_store(reader.settings)  # a writer's own connection to the same catalog
    doc = store.catalog.documents()[0]
    store.catalog.set_status(doc.doc_id, "pending")
    try:
        hits = build_retriever("bm25", reader.settings, reader=reader).retrieve(doc.title, k=10)
        assert all(h.doc_id != doc.doc_id for h in hits)
    finally:
        store.catalog.set_status(doc.doc_id, "done")
        store.close()


def test_hits_carry_the_headings_beside_their_own(reader):
    """A passage of 「(二)个别基层党组织能力不够高」 knows its part of the outline, (三) included
    (the answer to 「存在哪些问题？」 is those headings, and retrieval seldom brings all three)."""
    hits = build_retriever("bm25", reader.settings, reader=reader).retrieve(
        "个别基层党组织能力不够高", k=3
    )
    hit = next(h for h in hits if h.section_path.endswith("(二)个别基层党组织能力不够高"))
    parent, *heads = hit.metadata["sibling_sections"]
    assert parent.endswith("二、当前党员参与城市建设问题分析")
    assert heads == [
        "(一)个别党员主体意识不够强",
        "(二)个别基层党组织能力不够高",
        "(三)个别单位志愿服务引导有偏",
    ]


def test_sibling_sections():
    outline = [
        "一、现状",
        "二、问题 > (一)甲",
        "二、问题 > (二)乙",
        "二、问题 > (二)乙",
        "三、对策",
    ]
    assert sibling_sections("二、问题 > (二)乙", outline) == ("二、问题", "(一)甲", "(二)乙")
    assert sibling_sections("一、现状", outline) == ("", "一、现状", "二、问题", "三、对策")
    assert sibling_sections("", outline) == ()
