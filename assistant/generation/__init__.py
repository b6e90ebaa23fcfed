"""The read path's second stage: answers and drafts from retrieved passages, with citations.

``generate(question, mode=..., retriever=..., chat=..., settings=...)`` streams ``Event``s;
``make_chat_model(settings, generator)`` gives the chosen model, or ``None`` (extractive mode);
``verified(events, strict=...)`` checks every sentence of the final text against its sources.
"""

from __future__ import annotations

from assistant.generation.chat import GENERATORS, ChatModel, OpenAIChatModel, make_chat_model
from assistant.generation.local.llama import LlamaCppChatModel
from assistant.generation.service import check_question, generate
from assistant.generation.types import MODES, AnswerResult, Citation, Event
from assistant.generation.verify import verified

__all__ = [
    "GENERATORS",
    "MODES",
    "AnswerResult",
    "ChatModel",
    "Citation",
    "Event",
    "LlamaCppChatModel",
    "OpenAIChatModel",
    "check_question",
    "generate",
    "make_chat_model",
    "verified",
]
