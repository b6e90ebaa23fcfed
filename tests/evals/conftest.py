"""Fakes for the eval harness tests: a hash embedder and fixed/lexical retrievers."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from assistant.retrieval.base import Hit
from core.normalize import char_bigrams


class BigramHashEmbedder:
    """Deterministic: each character bigram adds 1 to a SHA-256-chosen dimension."""

    model_id = "test-bigram-hash-64"
    dimension = 64

    def __init__(self) -> None:
        self.calls: list[tuple[int, bool]] = []

    def embed(self, texts, *, query: bool = False) -> np.ndarray:
        self.calls.append((len(texts), query))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for gram in sorted(char_bigrams(text)) or [text]:
                h = int.from_bytes(hashlib.sha256(gram.encode()).digest()[:4], "big")
                out[row, h % self.dimension] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out


class FixedRetriever:
    """Returns a fixed doc-id ranking per query (one passage per doc, descending scores)."""

    def __init__(self, rankings: dict[str, list[str]]):
        self.rankings = rankings

    def retrieve(self, query, k=5, filters=None):
        ids = self.rankings.get(query, [])[:k]
        return [
            Hit(
                chunk_id=f"{d}:{i}",
                doc_id=f"internal-{d}",
                text=f"passage of {d}",
                score=float(len(ids) - i),
                metadata={"source_id": d},
            )
            for i, d in enumerate(ids)
        ]


class LexicalRetriever:
    """Ranks documents by character-bigram overlap with the query (ties by doc id)."""

    def __init__(self, docs):
        self.docs = [(d.eval_id, d.text or "") for d in docs]

    def retrieve(self, query, k=5, filters=None):
        q = char_bigrams(query)
        scored = sorted(
            ((len(q & char_bigrams(text)) / max(len(q), 1), eid, text) for eid, text in self.docs),
            key=lambda t: (-t[0], t[1]),
        )
        return [
            Hit(
                chunk_id=f"{eid}:0",
                doc_id=f"h-{eid}",
                text=text,
                score=s,
                metadata={"source_id": eid},
            )
            for s, eid, text in scored[:k]
        ]


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return path


@pytest.fixture
def write_jsonl():
    """``write_jsonl(path, rows)`` writes UTF-8 JSONL and returns the path."""
    return _write_jsonl


@pytest.fixture
def fake_embedder() -> BigramHashEmbedder:
    """A fresh deterministic embedder that records its calls."""
    return BigramHashEmbedder()


@pytest.fixture
def fixed_retriever():
    """The ``FixedRetriever`` class: ``FixedRetriever({query: [doc ids]})``."""
    return FixedRetriever


@pytest.fixture
def lexical_retriever():
    """The ``LexicalRetriever`` class: ``LexicalRetriever(corpus_docs)``."""
    return LexicalRetriever


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """Three small Chinese documents in a folder; eval ids d1, d2, d3."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "d1.txt").write_text("全市粮食总产量达到120万吨，比上年增长5%。", encoding="utf-8")
    (folder / "d2.txt").write_text("机关党建工作围绕中心、建设队伍、服务群众。", encoding="utf-8")
    (folder / "d3.txt").write_text("今年夏季天气晴朗，降雨偏少，气温偏高。", encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def cpc():
    """The CPC set helpers (``tests/evals/cpc_sets.py``), loaded by path; skips without the
    reports in ../shared."""
    import importlib.util

    path = Path(__file__).with_name("cpc_sets.py")
    spec = importlib.util.spec_from_file_location("cpc_sets", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not module.CORPUS.is_file():
        pytest.skip(f"CPC reports not found at {module.CORPUS}")
    return module
