"""``make_chat_model``: which generator writes, and what it is called."""

from __future__ import annotations

import pytest

from assistant.generation.chat import OpenAIChatModel, make_chat_model
from assistant.generation.local import model_path, model_spec
from core.errors import ConfigError
from core.settings import Settings


def settings(tmp_path, **kw) -> Settings:
    return Settings(data_dir=tmp_path, embedder="hash", model_dir=tmp_path / "models", **kw)


def test_auto_without_endpoint_or_local_model_is_extractive(tmp_path):
    assert make_chat_model(settings(tmp_path)) is None


def test_extractive_is_an_explicit_choice(tmp_path):
    s = settings(tmp_path, llm_base_url="http://127.0.0.1:9/v1", llm_model="m")
    assert make_chat_model(s, generator="extractive") is None


def test_endpoint_when_configured_is_labelled(tmp_path):
    s = settings(tmp_path, llm_base_url="http://127.0.0.1:9/v1", llm_model="qwen-max")
    model = make_chat_model(s)
    assert isinstance(model, OpenAIChatModel)
    assert model.kind == "endpoint" and model.label == "大模型服务（qwen-max）"
    assert model.fallback is None  # no local model installed


def test_endpoint_required_but_missing(tmp_path):
    with pytest.raises(ConfigError, match="ASSISTANT_LLM_BASE_URL"):
        make_chat_model(settings(tmp_path), generator="endpoint")


def test_local_required_but_not_installed(tmp_path):
    with pytest.raises(ConfigError, match="assistant model install qwen2.5-1.5b"):
        make_chat_model(settings(tmp_path), generator="local")


def test_unknown_generator(tmp_path):
    with pytest.raises(ConfigError, match="未知的生成方式"):
        make_chat_model(settings(tmp_path), generator="gpt")


def test_installed_local_model_is_the_default_and_the_endpoints_fallback(tmp_path):
    pytest.importorskip("llama_cpp")
    s = settings(tmp_path)
    path = model_path(model_spec(s.local_model), s.models_dir)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not loaded in this test")
    local = make_chat_model(s)
    assert local.kind == "local" and local.label == "本地模型（Qwen2.5-1.5B）"
    s2 = settings(tmp_path, llm_base_url="http://127.0.0.1:9/v1", llm_model="m")
    endpoint = make_chat_model(s2)
    assert endpoint.kind == "endpoint" and endpoint.fallback.kind == "local"


def test_a_local_model_file_that_differs_from_its_pin_is_never_loaded(tmp_path):
    pytest.importorskip("llama_cpp")
    from core.errors import LocalModelError

    s = settings(tmp_path)
    path = model_path(model_spec(s.local_model), s.models_dir)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"GGUF forged")
    model = make_chat_model(s)
    with pytest.raises(LocalModelError, match="文件大小"):
        list(model.stream([{"role": "user", "content": "你好"}]))
