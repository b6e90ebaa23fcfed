"""A seed index built once with the hash embedder, shared by the review tests."""

from __future__ import annotations

import shutil

import pytest

from assistant.retrieval import build_retriever
from assistant.retrieval.reader import IndexReader
from core.settings import Settings
from index.embedders.hash import HashEmbedder
from index.pipeline import ingest_paths


@pytest.fixture(scope="session")
def seed_reader(tmp_path_factory, seeds_dir):
    folder = tmp_path_factory.mktemp("review-seeds")
    for f in seeds_dir.glob("*.txt"):
        shutil.copy(f, folder / f.name)
    settings = Settings(data_dir=tmp_path_factory.mktemp("review-data"), embedder="hash")
    embedder = HashEmbedder()
    ingest_paths([folder], settings, embedder=embedder)
    reader = IndexReader(settings, embedder)
    yield reader
    reader.close()


@pytest.fixture(scope="session")
def retriever(seed_reader):
    # BM25: the hash embedder's dense half is meaningless, keywords carry the test.
    return build_retriever("bm25", seed_reader.settings, reader=seed_reader)
