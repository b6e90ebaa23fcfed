"""The read path's second stage: answers and drafts from retrieved passages, with citations.

``generate(question, mode=..., retriever=..., chat=..., settings=...)`` streams ``Event``s;
``make_chat_model(settings)`` gives the configured model, or ``None`` (extractive mode).
"""

from __future__ import annotations

from assistant.generation.chat import (
    ChatModel,
    LlamaCppChatModel,
    OpenAIChatModel,
    make_chat_model,
)
from assistant.generation.service import generate
from assistant.generation.types import MODES, AnswerResult, Citation, Event

__all__ = [
    "MODES",
    "AnswerResult",
    "ChatModel",
    "Citation",
    "Event",
    "LlamaCppChatModel",
    "OpenAIChatModel",
    "generate",
    "make_chat_model",
]
