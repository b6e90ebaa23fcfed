"""The review tests check drafts against the shared hash-embedder seed index (tests/conftest.py)."""

from __future__ import annotations

import pytest

from assistant.retrieval import build_retriever


@pytest.fixture(scope="session")
def retriever(seed_reader):
    # BM25: the hash embedder's dense half is meaningless, keywords carry the test.
    return build_retriever("bm25", seed_reader.settings, reader=seed_reader)
