"""Chat models: one verb, ``stream(messages) -> Iterator[str]``.

- ``OpenAIChatModel``: any OpenAI-compatible ``/v1/chat/completions`` server, streamed as
  server-sent events (DeepSeek, Qwen/DashScope, vLLM, Ollama, Xinference, llama.cpp server);
- ``LlamaCppChatModel`` (``local/llama.py``): a local GGUF file through llama-cpp-python;

``make_chat_model(settings, generator)`` picks one (``generator``: auto | extractive | local |
endpoint). Every model has ``kind`` ("endpoint" | "local") and ``label`` (what the UI shows);
``fallback`` is the model to use when it fails (auto: endpoint → local model), else ``None``.

Every failure of a model is an ``LLMError`` (``LLMTimeoutError`` for timeouts), raised either
when ``stream`` is called or while its iterator is consumed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any, Protocol

import httpx

from core.errors import ConfigError, LLMError, LLMTimeoutError
from core.redact import error_snippet
from core.settings import Settings

Message = dict[str, str]


class ChatModel(Protocol):
    """Streams the assistant's reply to ``messages`` ({"role", "content"} dicts) in pieces."""

    def stream(self, messages: list[Message]) -> Iterator[str]: ...


class OpenAIChatModel:
    """Streams ``POST <base_url>/chat/completions`` (``base_url`` includes ``/v1``).

    ``timeout`` bounds connecting and each read (the gap between two pieces of the stream);
    ``total_timeout`` the whole reply, keep-alives included: past it the stream is closed
    (at the next line the server sends, so within one ``timeout``). The API key is sent as a
    bearer token and never appears in an error message.
    """

    kind = "endpoint"

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        model: str,
        timeout: float = 60.0,
        *,
        total_timeout: float = 300.0,
        temperature: float = 0.2,
        max_tokens: int | None = None,
    ):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.label = f"大模型服务（{model}）"
        self.fallback: ChatModel | None = None
        self.timeout = timeout
        self.total_timeout = total_timeout
        self.temperature = temperature
        self.max_tokens = max_tokens
        self._secret = api_key or None
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)), headers=headers
        )

    def stream(self, messages: list[Message]) -> Iterator[str]:
        """Yield the reply's text pieces as the server sends them."""
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "stream": True,
            "temperature": self.temperature,
        }
        if self.max_tokens:
            payload["max_tokens"] = self.max_tokens
        deadline = time.monotonic() + self.total_timeout
        # The wait for the headers counts against the deadline too.
        first = min(self.timeout, self.total_timeout)
        timeout = httpx.Timeout(first, connect=min(first, 10.0))
        try:
            with self._client.stream("POST", self.url, json=payload, timeout=timeout) as response:
                if response.status_code != 200:
                    response.read()
                    raise self._error(
                        f"HTTP {response.status_code} {error_snippet(response.text, self._secret)}"
                    )
                yield from self._pieces(response, deadline)
        except httpx.TimeoutException as exc:
            raise LLMTimeoutError(
                f"大模型服务超时 / LLM request to {self.url} timed out after {self.timeout:g}s "
                f"({type(exc).__name__})"
            ) from exc
        except httpx.TransportError as exc:
            raise self._error(f"connection failed ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:  # e.g. a body that cannot be decoded
            raise self._error(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def _pieces(self, response: httpx.Response, deadline: float) -> Iterator[str]:
        seen_data = False
        other: list[str] = []
        for line in response.iter_lines():
            if time.monotonic() > deadline:  # leaving the ``with`` closes the connection
                raise self._overdue()
            line = line.strip()
            if not line or line.startswith(":"):
                continue
            if not line.startswith("data:"):
                # Some servers ignore "stream": a whole JSON answer, or an SSE "event:" line.
                if not line.startswith(("event:", "id:", "retry:")):
                    other.append(line)
                continue
            seen_data = True
            data = line[5:].strip()
            if data == "[DONE]":
                return
            text = self._delta(data)
            if text:
                yield text
        if not seen_data:
            body = "\n".join(other)
            text = self._whole_answer(body)
            if text is None:
                raise self._error(
                    f"not a chat completions stream: {error_snippet(body, self._secret)}"
                )
            yield text

    def _delta(self, data: str) -> str:
        try:
            event = json.loads(data)
        except ValueError as exc:
            raise self._error(
                f"unreadable stream event: {error_snippet(data, self._secret)}"
            ) from exc
        if not isinstance(event, dict):
            raise self._error(f"unexpected stream event: {error_snippet(data, self._secret)}")
        if "error" in event:
            raise self._error(
                f"server error: {error_snippet(json.dumps(event['error'], ensure_ascii=False), self._secret)}"
            )
        try:
            choices = event["choices"]
            if not choices:  # usage-only events carry no choices
                return ""
            content = choices[0].get("delta", {}).get("content")
        except (KeyError, TypeError, AttributeError, IndexError) as exc:
            raise self._error(
                f"unexpected stream event: {error_snippet(data, self._secret)}"
            ) from exc
        if content is not None and not isinstance(content, str):  # e.g. a number or a list
            raise self._error(f"unexpected stream event: {error_snippet(data, self._secret)}")
        return content or ""

    @staticmethod
    def _whole_answer(body: str) -> str | None:
        try:
            content = json.loads(body)["choices"][0]["message"]["content"]
        except (ValueError, KeyError, TypeError, IndexError):
            return None
        return content if isinstance(content, str) and content else None

    def _overdue(self) -> LLMTimeoutError:
        return LLMTimeoutError(
            f"大模型服务超时：回答超过 {self.total_timeout:g} 秒仍未结束"
            f"（设置 ASSISTANT_LLM_TOTAL_TIMEOUT）/ LLM request to {self.url} exceeded the total "
            f"deadline of {self.total_timeout:g}s"
        )

    def _error(self, detail: str) -> LLMError:
        return LLMError(f"大模型服务出错 / LLM request to {self.url} failed: {detail}")


GENERATORS = ("auto", "extractive", "local", "endpoint")
GENERATOR_NAMES_ZH = {"extractive": "抽取式", "local": "本地模型", "endpoint": "大模型服务"}


def make_chat_model(settings: Settings, generator: str | None = None) -> ChatModel | None:
    """The model for ``generator`` (default: the ``generator`` setting), ``None`` for extractive.

    auto: the endpoint when ``llm_base_url`` is set (the local model, if installed, as its
    fallback), else a local GGUF (``llm_gguf_path`` or the installed packaged model), else
    extractive.
    """
    choice = generator or settings.generator
    if choice not in GENERATORS:
        raise ConfigError(f"未知的生成方式 {choice!r}；可选：{'、'.join(GENERATORS)}")
    if choice == "extractive":
        return None
    if choice == "endpoint" or (choice == "auto" and settings.llm_base_url):
        model = _endpoint(settings)
        if choice == "auto":
            model.fallback = _local(settings, required=False)
        return model
    return _local(settings, required=choice == "local")


def _endpoint(settings: Settings) -> OpenAIChatModel:
    if not settings.llm_base_url:
        raise ConfigError("未配置大模型服务：请设置 ASSISTANT_LLM_BASE_URL（或 --llm-base-url）")
    if not settings.llm_model:
        raise ConfigError("ASSISTANT_LLM_MODEL is required when ASSISTANT_LLM_BASE_URL is set")
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return OpenAIChatModel(
        settings.llm_base_url,
        key,
        settings.llm_model,
        settings.llm_timeout,
        total_timeout=settings.llm_total_timeout,
        max_tokens=settings.llm_max_tokens,
    )


def _local(settings: Settings, *, required: bool) -> ChatModel | None:
    from assistant.generation.local import local_chat_model

    return local_chat_model(settings, required=required)
