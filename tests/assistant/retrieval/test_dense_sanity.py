"""Retrieval sanity with the real packaged model: dense search alone finds the right seed report."""

from __future__ import annotations

import shutil

import pytest

from assistant.retrieval import build_retriever
from assistant.retrieval.reader import IndexReader
from core.settings import Settings
from index.embedders import make_embedder
from index.pipeline import ingest_paths

pytestmark = pytest.mark.integration

# Our own questions, phrased as a drafter would ask them (two in Traditional characters).
QUESTIONS = [
    ("住建系统在职党员参与城市建设有哪些问题？", "000_424aa9fef5469438"),
    ("區委組織部如何對考核中發現的問題進行整改？", "001_b611d7356770c749"),
    ("国土部门怎样把党建和业务比作根和枝叶的关系？", "002_f873387b32afac7c"),
    ("城管局打造了什么党建品牌，廉洁文化方面做了什么？", "003_1639e3c3017186e5"),
    ("机关党建与业务工作“两张皮”问题怎么破解？", "004_ceae22735636f238"),
    ("濱海新區如何用場景創設提高融合度？", "004_ceae22735636f238"),
]


@pytest.fixture(scope="module")
def reader(tmp_path_factory, seeds_dir):
    folder = tmp_path_factory.mktemp("seeds")
    for f in seeds_dir.glob("*.txt"):
        shutil.copy(f, folder / f.name)
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), embedder="e5")
    embedder = make_embedder(settings)
    report = ingest_paths([folder], settings, embedder=embedder)
    assert report.counts()["indexed"] == 5
    r = IndexReader(settings, embedder)
    yield r
    r.close()


@pytest.mark.parametrize("question,expected", QUESTIONS)
def test_dense_top3_has_the_right_report(reader, question, expected):
    hits = build_retriever("dense", reader.settings, reader=reader).retrieve(question, k=3)
    assert expected in [h.metadata["source_id"] for h in hits]
