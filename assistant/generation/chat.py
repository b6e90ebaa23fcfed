"""Chat models: one verb, ``stream(messages) -> Iterator[str]``.

- ``OpenAIChatModel``: any OpenAI-compatible ``/v1/chat/completions`` server, streamed as
  server-sent events (DeepSeek, Qwen/DashScope, vLLM, Ollama, Xinference, llama.cpp server);
- ``LlamaCppChatModel``: a local GGUF file through llama-cpp-python (imported lazily);

Every failure of a model is an ``LLMError`` (``LLMTimeoutError`` for timeouts), raised either
when ``stream`` is called or while its iterator is consumed.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
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

    ``timeout`` bounds connecting and each read (the gap between two pieces of the stream).
    The API key is sent as a bearer token and never appears in an error message.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        model: str,
        timeout: float = 60.0,
        *,
        temperature: float = 0.2,
        max_tokens: int | None = None,
    ):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.timeout = timeout
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
        try:
            with self._client.stream("POST", self.url, json=payload) as response:
                if response.status_code != 200:
                    response.read()
                    raise self._error(
                        f"HTTP {response.status_code} {error_snippet(response.text, self._secret)}"
                    )
                yield from self._pieces(response)
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

    def _pieces(self, response: httpx.Response) -> Iterator[str]:
        seen_data = False
        other: list[str] = []
        for line in response.iter_lines():
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

    def _error(self, detail: str) -> LLMError:
        return LLMError(f"大模型服务出错 / LLM request to {self.url} failed: {detail}")


class LlamaCppChatModel:
    """A local GGUF model through llama-cpp-python; loaded on first use, one call at a time."""

    def __init__(self, gguf_path: str | Path, *, n_ctx: int = 4096, n_threads: int | None = None):
        self.path = Path(gguf_path)
        if not self.path.is_file():
            raise ConfigError(f"GGUF model file not found: {self.path} (ASSISTANT_LLM_GGUF_PATH)")
        try:
            import llama_cpp  # noqa: F401
        except ImportError as exc:
            raise ConfigError(
                "llama-cpp-python is not installed; pip install llama-cpp-python, "
                "or set ASSISTANT_LLM_BASE_URL to an OpenAI-compatible server"
            ) from exc
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self._llm = None
        self._lock = threading.Lock()

    def stream(self, messages: list[Message]) -> Iterator[str]:
        """Yield the reply's text pieces as llama.cpp produces them."""
        with self._lock:
            try:
                llm = self._load()
                for chunk in llm.create_chat_completion(
                    messages=messages, stream=True, temperature=0.2
                ):
                    text = chunk["choices"][0]["delta"].get("content")
                    if text:
                        yield text
            except (ValueError, RuntimeError, KeyError) as exc:
                raise LLMError(
                    f"本地大模型出错 / llama.cpp failed on {self.path.name}: {exc}"
                ) from exc

    def _load(self):
        if self._llm is None:
            from llama_cpp import Llama

            self._llm = Llama(
                model_path=str(self.path), n_ctx=self.n_ctx, n_threads=self.n_threads, verbose=False
            )
        return self._llm


def make_chat_model(settings: Settings) -> ChatModel | None:
    """The configured model: an endpoint (``llm_base_url``), a GGUF file, or ``None`` (extractive)."""
    if settings.llm_base_url:
        if not settings.llm_model:
            raise ConfigError("ASSISTANT_LLM_MODEL is required when ASSISTANT_LLM_BASE_URL is set")
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        return OpenAIChatModel(
            settings.llm_base_url,
            key,
            settings.llm_model,
            settings.llm_timeout,
            max_tokens=settings.llm_max_tokens,
        )
    if settings.llm_gguf_path:
        return LlamaCppChatModel(settings.llm_gguf_path)
    return None
