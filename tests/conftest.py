"""Suite-wide fixtures: a private data dir per test and no network beyond loopback."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def _model_dir(tmp_path_factory) -> Path:
    """Converted models are built once per test session and shared by every test."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory, monkeypatch, _model_dir):
    """No test ever touches the user's real data dir or config."""
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(data))
    monkeypatch.setenv("ASSISTANT_MODEL_DIR", str(_model_dir))
    monkeypatch.delenv("ASSISTANT_CONFIG", raising=False)
    for var in (
        "ASSISTANT_LLM_BASE_URL",
        "ASSISTANT_LLM_API_KEY",
        "ASSISTANT_CHROMA_URL",
        "ASSISTANT_EMBEDDER",
        "ASSISTANT_GENERATOR",
        "ASSISTANT_LOCAL_MODEL",
        "ASSISTANT_LLM_GGUF_PATH",
        "ASSISTANT_STRICT",
    ):
        monkeypatch.delenv(var, raising=False)
    return data


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    """Any connection to a non-loopback address fails the test: everything here is offline."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else None
        if host is not None:
            try:
                ip = ipaddress.ip_address(socket.gethostbyname(host))
            except (OSError, ValueError):
                ip = None
            if ip is None or not ip.is_loopback:
                raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"../shared not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def seeds_dir(shared) -> Path:
    return shared / "corpus" / "seeds"


def _snapshot(settings, embedder) -> dict:
    """Everything a clean build determines: documents, sources, chunk ids in all three stores."""
    from index.store import open_store

    store = open_store(settings, embedder, create=False)
    try:
        cat = store.catalog
        docs = sorted((d.doc_id, d.source_id, d.title, d.n_chunks) for d in cat.documents())
        return {
            "docs": docs,
            "unfinished": cat.unfinished(),
            "sources": sorted(
                (p, d.doc_id) for d in cat.documents() for p in cat.paths_of(d.doc_id)
            ),
            "catalog_chunks": sorted(cid for cid, _, _ in cat.done_chunk_tokens()),
            "chroma_chunks": sorted(store.vectors.ids()),
            "keyword_chunks": sorted(store.keyword_index().chunk_ids),
        }
    finally:
        store.close()


@pytest.fixture
def index_snapshot():
    """``index_snapshot(settings, embedder)`` → a dict that two equal indexes share."""
    return _snapshot


@pytest.fixture(scope="session")
def seed_reader(tmp_path_factory, seeds_dir):
    """A real index of the five seed reports built once with the hash embedder (read-only use)."""
    import shutil

    from assistant.retrieval.reader import IndexReader
    from core.settings import Settings
    from index.embedders.hash import HashEmbedder
    from index.pipeline import ingest_paths

    folder = tmp_path_factory.mktemp("seed-reports")
    for f in seeds_dir.glob("*.txt"):
        shutil.copy(f, folder / f.name)
    settings = Settings(data_dir=tmp_path_factory.mktemp("seed-index"), embedder="hash")
    embedder = HashEmbedder()
    ingest_paths([folder], settings, embedder=embedder)
    reader = IndexReader(settings, embedder)
    yield reader
    reader.close()
