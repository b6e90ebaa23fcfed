"""Edited metadata: stored apart from extraction, kept through re-ingest and --rebuild, seen at
once by filters and citations."""

from __future__ import annotations

import shutil

import pytest

from assistant.retrieval import build_retriever
from assistant.retrieval.reader import IndexReader
from core.errors import ConfigError, NotFoundError
from core.settings import Settings
from index.embedders.hash import HashEmbedder
from index.pipeline import ingest_paths
from index.store import open_store
from index.store.edits import edit_document

SEED = "003_1639e3c3017186e5"


@pytest.fixture
def library(tmp_path, seeds_dir):
    folder = tmp_path / "in"
    shutil.copytree(seeds_dir, folder)
    settings = Settings(data_dir=tmp_path / "data", embedder="hash")
    ingest_paths([folder], settings, embedder=HashEmbedder())
    return settings, folder


def meta(settings, source_id):
    store = open_store(settings)
    try:
        (doc,) = [d for d in store.catalog.documents() if d.source_id == source_id]
        return doc.title, doc.metadata
    finally:
        store.close()


def test_an_edit_reaches_filters_and_citations_at_once(library):
    settings, _ = library
    reader = IndexReader(settings, HashEmbedder())  # opened before the edit, like the web app
    try:
        edit_document(
            settings,
            SEED,
            {"title": "城管局2024年党建工作总结", "org": "盐城市城管局", "date": "2024-12-20"},
        )
        hits = build_retriever("bm25", settings, reader=reader).retrieve(
            "城市好管家", k=3, filters={"org": "盐城市城管局", "year": 2024}
        )
        assert hits and all(h.metadata["source_id"] == SEED for h in hits)
        assert hits[0].title == "城管局2024年党建工作总结"
    finally:
        reader.close()
    store = open_store(settings)
    try:
        (doc,) = [d for d in store.catalog.documents() if d.source_id == SEED]
        chunk = store.catalog.chunks_of(doc.doc_id)[0].chunk_id
        stored = store.vectors.collection.get(ids=[chunk], include=["metadatas"])["metadatas"][0]
    finally:
        store.close()
    assert stored["org"] == "盐城市城管局" and stored["year"] == 2024  # Chroma's copy too


def test_edits_survive_reingest_and_rebuild(library):
    settings, folder = library
    edit_document(settings, SEED, {"genre": "工作汇报", "org": ""})
    ingest_paths([folder], settings, embedder=HashEmbedder(), rebuild=True)
    title, m = meta(settings, SEED)
    assert m["genre"] == "工作汇报" and m["org"] is None and m["edited"] == ["genre", "org"]
    elsewhere = folder.parent / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(folder / f"{SEED}.txt", elsewhere / "copy_elsewhere.txt")
    # The same report under another name, in an index built anew: the correction follows it.
    ingest_paths([elsewhere], settings, embedder=HashEmbedder(), rebuild=True)
    assert meta(settings, "copy_elsewhere")[1]["genre"] == "工作汇报"


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"date": "2024-13-01"}, "日期 '2024-13-01' 无效"),
        ({"genre": "小说"}, "文种 '小说' 无效"),
        ({"title": "  "}, "标题不能为空"),
        ({}, "没有要修改的字段"),
    ],
)
def test_bad_edits_are_refused_in_one_line(library, fields, says):
    settings, _ = library
    with pytest.raises(ConfigError, match=says):
        edit_document(settings, SEED, fields)


def test_unknown_document_is_named(library):
    settings, _ = library
    with pytest.raises(NotFoundError, match="没有文档 'nope'"):
        edit_document(settings, "nope", {"title": "x"})
