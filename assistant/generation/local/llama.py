"""A local GGUF chat model through llama-cpp-python, with our own ChatML rendering.

The chat format comes from ``prompts/chatml_turn.txt`` and ``prompts/chatml_reply.txt``, never
from the GGUF's embedded (Jinja) template. The prompt is passed as token ids: the template's
markers are tokenised as special tokens, every message's content as plain text, so a source
that contains ``<|im_end|>`` cannot close its turn.

llama.cpp keeps the evaluated tokens of the last call and reuses their longest common prefix,
so the fixed system prompt, which every call starts with, is read once per loaded model.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

from assistant.generation.local.probe import check_runtime
from assistant.generation.prompt_sources import ECHO_STOPS
from core.errors import ConfigError, LLMError
from prompts import render

Message = dict[str, str]
_SENTINEL = "\x00CONTENT\x00"
STOP = ["<|im_end|>", "<|endoftext|>", *ECHO_STOPS]


def chatml_parts(role: str) -> tuple[str, str]:
    """The text before and after a message's content in our ChatML template."""
    head, tail = render("chatml_turn", role=role, content=_SENTINEL).split(_SENTINEL)
    return head, tail


class LlamaCppChatModel:
    """A GGUF model loaded on first use; one call at a time (llama.cpp is not re-entrant).

    ``verify`` (a callable) is run once before the first load, e.g. the size and sha256 check of
    a packaged model; then a child process tries the model (``probe.check_runtime``), so that
    a llama.cpp build this CPU cannot run raises ``LLMError`` instead of killing this process;
    ``label`` is what the UI calls this generator.
    """

    kind = "local"

    def __init__(
        self,
        gguf_path: str | Path,
        *,
        label: str | None = None,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        max_tokens: int = 512,
        temperature: float = 0.1,
        repeat_penalty: float = 1.05,
        verify=None,
    ):
        self.path = Path(gguf_path)
        if not self.path.is_file():
            raise ConfigError(f"GGUF model file not found: {self.path} (ASSISTANT_LLM_GGUF_PATH)")
        try:
            import llama_cpp  # noqa: F401
        except ImportError as exc:
            raise ConfigError(
                "未安装 llama-cpp-python：pip install -c requirements.lock 'llama-cpp-python[server]' "
                "/ llama-cpp-python is not installed"
            ) from exc
        self.label = label or f"本地模型（{self.path.stem}）"
        self.n_ctx = n_ctx
        self.n_threads = n_threads or os.cpu_count() or 1
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.repeat_penalty = repeat_penalty
        self._verify = verify
        self._llm = None
        self._lock = threading.Lock()

    def stream(self, messages: list[Message]) -> Iterator[str]:
        """Yield the reply's text pieces as llama.cpp produces them."""
        with self._lock:
            try:
                llm = self._load()
                tokens = self.tokens(messages)
                room = self.n_ctx - len(tokens)
                if room < 16:
                    raise LLMError(
                        f"提示词过长（{len(tokens)} 个词元，上下文 {self.n_ctx}）/ prompt too long"
                    )
                for chunk in llm.create_completion(
                    tokens,
                    max_tokens=min(self.max_tokens, room),
                    temperature=self.temperature,
                    repeat_penalty=self.repeat_penalty,
                    stop=STOP,
                    stream=True,
                ):
                    text = chunk["choices"][0].get("text")
                    if text:
                        yield text
            except (ValueError, RuntimeError, KeyError) as exc:
                raise LLMError(
                    f"本地大模型出错 / llama.cpp failed on {self.path.name}: {exc}"
                ) from exc

    def tokens(self, messages: list[Message]) -> list[int]:
        """The whole prompt as token ids: template markers special, contents plain."""
        llm = self._load()
        ids: list[int] = []
        for m in messages:
            head, tail = chatml_parts(m["role"])
            ids += llm.tokenize(head.encode(), add_bos=False, special=True)
            ids += llm.tokenize(m["content"].encode(), add_bos=False, special=False)
            ids += llm.tokenize(tail.encode(), add_bos=False, special=True)
        ids += llm.tokenize(render("chatml_reply").encode(), add_bos=False, special=True)
        return ids

    def _load(self):
        if self._llm is None:
            if self._verify is not None:
                self._verify()
            check_runtime(self.path, self.n_threads)
            from llama_cpp import Llama

            self._llm = Llama(
                model_path=str(self.path),
                n_ctx=self.n_ctx,
                n_threads=self.n_threads,
                n_batch=512,
                verbose=False,
            )
        return self._llm
