"""A llama.cpp build this CPU cannot run is found by a child process, not by the app dying.

The child is replaced here by small Python commands (one that kills itself with SIGSEGV, as
the AMX build did on a Sapphire Rapids VM, one that exits 0); llama.cpp itself is never loaded.
"""

from __future__ import annotations

import sys

import pytest

from assistant.generation import generate
from assistant.generation.local import probe
from assistant.generation.local.llama import LlamaCppChatModel
from core.errors import LLMError

llama_cpp = pytest.importorskip("llama_cpp")

CRASH = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"]
WORKS = [sys.executable, "-c", "pass"]
MESSAGES = [{"role": "user", "content": "你好"}]


class _NoLlama:
    def __init__(self, *a, **kw):
        raise AssertionError("llama.cpp was loaded in-process before its build was tried")


class _FakeLlama:
    def __init__(self, *a, **kw):
        pass

    def tokenize(self, text, add_bos=False, special=False):
        return list(text[:4])

    def create_completion(self, tokens, **kw):
        yield {"choices": [{"text": "市住建局在职党员485名。"}]}


@pytest.fixture
def gguf(tmp_path, monkeypatch):
    monkeypatch.setattr(probe, "_OK", set())
    monkeypatch.setattr(probe, "_FAILED", {})
    path = tmp_path / "models" / "tiny.gguf"
    path.parent.mkdir()
    path.write_bytes(b"GGUF not a real model")
    return path


def _count(monkeypatch, command):
    calls = []

    def fake(path, n_threads):
        calls.append(path)
        return command

    monkeypatch.setattr(probe, "probe_command", fake)
    return calls


def test_a_build_that_crashes_raises_instead_of_loading_in_process(gguf, monkeypatch):
    calls = _count(monkeypatch, CRASH)
    monkeypatch.setattr(llama_cpp, "Llama", _NoLlama)
    model = LlamaCppChatModel(gguf)
    with pytest.raises(LLMError, match=r"崩溃（SIGSEGV，模型 tiny\.gguf）.*make install-llama"):
        list(model.stream(MESSAGES))
    # the process keeps the verdict: a second call does not start another child
    with pytest.raises(LLMError, match="崩溃"):
        list(LlamaCppChatModel(gguf).stream(MESSAGES))
    assert len(calls) == 1
    assert not (gguf.parent / ".tiny.gguf.runtime.json").exists()


def test_a_crashing_build_falls_back_to_the_extractive_answer_with_a_notice(
    gguf, monkeypatch, party_retriever, settings
):
    _count(monkeypatch, CRASH)
    monkeypatch.setattr(llama_cpp, "Llama", _NoLlama)
    events = list(
        generate(
            "市住建局有多少在职党员？",
            mode="answer",
            retriever=party_retriever,
            chat=LlamaCppChatModel(gguf),
            settings=settings,
            k=3,
        )
    )
    notices = [e.text for e in events if e.kind == "notice"]
    assert any("已改用抽取式回答" in n and "崩溃" in n for n in notices), notices
    result = events[-1].result
    assert result.extractive and "485" in result.text


def test_a_working_build_is_tried_once_and_remembered_beside_the_model(gguf, monkeypatch):
    calls = _count(monkeypatch, WORKS)
    monkeypatch.setattr(llama_cpp, "Llama", _FakeLlama)
    assert "485名" in "".join(LlamaCppChatModel(gguf).stream(MESSAGES))
    assert (gguf.parent / ".tiny.gguf.runtime.json").is_file()
    monkeypatch.setattr(probe, "_OK", set())  # a new process: the file holds the verdict
    assert "485名" in "".join(LlamaCppChatModel(gguf).stream(MESSAGES))
    assert len(calls) == 1
    gguf.write_bytes(b"GGUF another model in its place")  # another file: tried again
    monkeypatch.setattr(probe, "_OK", set())
    "".join(LlamaCppChatModel(gguf).stream(MESSAGES))
    assert len(calls) == 2
