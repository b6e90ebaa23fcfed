"""The read path's second stage: answers and drafts from retrieved passages, with citations.

``generate(question, mode=..., retriever=..., chat=..., settings=...)`` streams ``Event``s;
``make_chat_model(settings)`` gives the configured model, or ``None`` (extractive mode).
"""

from __future__ import annotations

from assistant.generation.chat import (
    ChatModel,
    FakeChatModel,
    LlamaCppChatModel,
    LLMError,
    LLMTimeoutError,
    OpenAIChatModel,
    make_chat_model,
)
from assistant.generation.service import MODES, generate
from assistant.generation.types import AnswerResult, Citation, Event

__all__ = [
    "MODES",
    "AnswerResult",
    "ChatModel",
    "Citation",
    "Event",
    "FakeChatModel",
    "LLMError",
    "LLMTimeoutError",
    "LlamaCppChatModel",
    "OpenAIChatModel",
    "generate",
    "make_chat_model",
]
