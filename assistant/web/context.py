"""What the web app's handlers share: settings, and the models and index opened on first use."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from core.settings import Settings


class AppContext:
    """Lazily built embedder, retriever and chat model; ``generate`` injectable for tests."""

    def __init__(
        self,
        settings: Settings,
        *,
        generate_fn: Callable[..., Any] | None = None,
        retriever: Any = None,
        embedder: Any = None,
        chat: Any = None,
    ):
        self.settings = settings
        self._generate_fn = generate_fn
        self._retriever = retriever
        self._own_retriever = retriever is None
        self._embedder = embedder
        self._chat = chat
        # An injected generate function gets the chat model given here (None = extractive).
        self._chat_built = chat is not None or generate_fn is not None
        self._lock = threading.Lock()

    def embedder(self):
        """The configured embedder, loaded once (the e5 model takes seconds)."""
        with self._lock:
            if self._embedder is None:
                from index.embedders import make_embedder

                self._embedder = make_embedder(self.settings)
            return self._embedder

    def retriever(self):
        """The hybrid retriever over the index; raises StoreError when there is no index yet."""
        if self._retriever is None:
            from assistant.retrieval import build_retriever

            embedder = self.embedder()
            with self._lock:
                if self._retriever is None:
                    self._retriever = build_retriever("hybrid", self.settings, embedder=embedder)
        return self._retriever

    def index_changed(self) -> None:
        """Reopen our own retriever after an ingest or delete (an injected one is kept)."""
        with self._lock:
            if self._own_retriever and self._retriever is not None:
                reader = getattr(self._retriever, "reader", None)
                if reader is not None:
                    reader.close()
                self._retriever = None

    def chat(self):
        """The configured chat model, or ``None`` (extractive mode)."""
        with self._lock:
            if not self._chat_built:
                from assistant.generation.chat import make_chat_model

                self._chat = make_chat_model(self.settings)
                self._chat_built = True
            return self._chat

    def generate(self, question: str, *, mode: str, filters: dict[str, Any] | None):
        """Stream generation events for ``question``."""
        fn = self._generate_fn
        if fn is None:
            from assistant.generation.service import generate as fn
        return fn(
            question,
            mode=mode,
            retriever=self.retriever(),
            chat=self.chat(),
            settings=self.settings,
            filters=filters,
            k=6,
        )
