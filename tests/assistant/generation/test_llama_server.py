"""The LLM path end to end: a real llama.cpp OpenAI-compatible server on loopback.

The packaged SmolLM2-135M (English-only, weak) cannot write good Chinese; what is tested is
the client path users run — streaming, citations checked, timeouts and a dead endpoint
falling back to the extractive answer with a visible notice.
"""

from __future__ import annotations

import socket

import pytest

from assistant.generation.chat import make_chat_model
from assistant.generation.service import generate
from assistant.retrieval import build_retriever
from core.settings import Settings

pytestmark = pytest.mark.integration

llama_cpp = pytest.importorskip(
    "llama_cpp", reason="llama-cpp-python is installed by `make test` (dev extra)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def retriever(seed_reader):
    return build_retriever("hybrid", seed_reader.settings, reader=seed_reader)


def _settings(base_url: str, timeout: float = 120.0) -> Settings:
    return Settings(
        llm_base_url=base_url, llm_model="smollm2", llm_timeout=timeout, llm_max_tokens=48
    )


def _events(question: str, settings: Settings, retriever) -> list:
    """Every event of one answer through the users' code path (the configured chat model)."""
    chat = make_chat_model(settings)
    return list(
        generate(question, mode="answer", retriever=retriever, chat=chat, settings=settings, k=3)
    )


def test_real_server_streams_through_the_users_client(llama_server):
    chat = make_chat_model(_settings(llama_server))
    pieces = list(chat.stream([{"role": "user", "content": "Say hello in one short sentence."}]))
    assert len(pieces) > 1, "expected a streamed reply in several pieces"
    assert "".join(pieces).strip()


def test_generate_with_the_real_server_is_not_extractive(llama_server, retriever):
    settings = _settings(llama_server)
    events = _events("市住建局有多少在职党员？", settings, retriever)
    kinds = [e.kind for e in events]
    assert kinds[0] == "sources" and kinds[-1] == "done"
    assert kinds.count("delta") > 1
    result = events[-1].result
    assert result.extractive is False
    assert not any("抽取式" in n for n in result.notices)
    assert result.text.strip()
    # Whatever the tiny model wrote, citations were checked: only known [n] survive.
    assert set(result.cited) <= set(range(1, len(result.sources) + 1))
    assert isinstance(result.uncited_sentences, list)


def test_timeout_falls_back_to_extractive_with_a_notice(llama_server, retriever):
    settings = _settings(llama_server, timeout=0.001)
    result = _events("市住建局有多少在职党员？", settings, retriever)[-1].result
    assert result.extractive is True
    assert any("抽取式" in n for n in result.notices)
    assert "[" in result.text


def test_dead_endpoint_falls_back_to_extractive_with_a_notice(retriever):
    settings = _settings(f"http://127.0.0.1:{_free_port()}/v1", timeout=5)
    events = _events("城管局的党建品牌叫什么？", settings, retriever)
    result = events[-1].result
    assert result.extractive is True
    assert any(e.kind == "notice" for e in events)
    assert any("抽取式" in n for n in result.notices)
