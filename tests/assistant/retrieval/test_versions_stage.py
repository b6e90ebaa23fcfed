"""The versions stage: one passage once across the versions of a report."""

from __future__ import annotations

import shutil

from assistant.retrieval import build_retriever
from assistant.retrieval.base import Hit
from assistant.retrieval.reader import IndexReader
from assistant.retrieval.versions import distinct_versions
from core.normalize import normalize
from core.settings import Settings
from index.embedders.hash import HashEmbedder
from index.pipeline import ingest_paths

PASSAGE = "全局共有基层党组织56个，在职党员1200名，全年开展主题党日活动二十四次。"


def hit(chunk: str, doc: str, text: str, score: float) -> Hit:
    return Hit(chunk_id=chunk, doc_id=doc, text=text, score=score)


def test_the_same_passage_of_two_versions_is_kept_once():
    hits = [
        hit("a1", "d1", PASSAGE, 3.0),
        hit("b1", "d2", PASSAGE.replace("，", ","), 2.9),  # the other version's copy
        hit("c1", "d3", PASSAGE, 2.8),  # a report of another year that repeats it: kept
        hit("b2", "d2", "下一步，持续深化模范机关创建。", 2.0),  # the version's own passage: kept
    ]
    groups = {"d1": "g", "d2": "g"}
    assert [h.chunk_id for h in distinct_versions(hits, groups.get)] == ["a1", "c1", "b2"]


def test_retrieval_over_a_library_with_versions(tmp_path, shared):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(shared / "corpus" / "seeds" / "000_424aa9fef5469438.txt", folder)
    shutil.copy(shared / "badinputs" / "gbk_report.txt", folder)  # a shortened GBK copy
    settings = Settings(data_dir=tmp_path / "data", embedder="hash")
    report = ingest_paths([folder], settings, embedder=HashEmbedder())
    assert any("疑似重复/版本" in o.reason for o in report.outcomes)
    reader = IndexReader(settings, HashEmbedder())
    try:
        assert len(set(reader.version_groups().values())) == 1
        for pipeline in ("bm25", "hybrid"):
            hits = build_retriever(pipeline, settings, reader=reader).retrieve(
                "党员先锋模范作用 调研 在职党员", k=6
            )
            texts = [normalize(h.text) for h in hits]
            assert hits and len(texts) == len(set(texts)), pipeline  # no passage twice
    finally:
        reader.close()
