"""What the web app's handlers share: settings, and the models and index opened on first use.

The index reader is shared by every session. An upload or delete swaps in a new one, and so
does an ingest or delete by another process (`assistant ingest` while `serve` runs): each
lease first asks the reader whether a writer has published since it opened. The old one is
closed only when the last answer that leased it has finished, so an answer that is still
retrieving never finds its database closed under it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from core.settings import Settings

if TYPE_CHECKING:
    from assistant.retrieval.base import Retriever
    from assistant.retrieval.reader import IndexReader


class _Opened:
    """One opened retriever, the index reader under it (``None`` when injected), its users."""

    def __init__(self, retriever: Retriever, reader: IndexReader | None):
        self.retriever = retriever
        self.reader = reader  # opened here (closed here); an injected retriever has none
        self.users = 0
        self.retired = False

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()


class AppContext:
    """Lazily built embedder, retriever and chat model; ``generate`` injectable for tests."""

    def __init__(
        self,
        settings: Settings,
        *,
        generate_fn: Callable[..., Any] | None = None,
        retriever: Retriever = None,
        embedder: Any = None,
        chat: Any = None,
    ):
        self.settings = settings
        self._generate_fn = generate_fn
        self._opened = _Opened(retriever, None) if retriever is not None else None
        self._embedder = embedder
        self._chat = chat
        # An injected generate function gets the chat model given here (None = extractive).
        self._chat_built = chat is not None or generate_fn is not None
        self._lock = threading.Lock()  # embedder and chat model
        self._index_lock = threading.Lock()  # the opened retriever and its users

    def embedder(self):
        """The configured embedder, loaded once (the e5 model takes seconds)."""
        with self._lock:
            if self._embedder is None:
                from index.embedders import make_embedder

                self._embedder = make_embedder(self.settings)
            return self._embedder

    def _current(self) -> tuple[_Opened, _Opened | None]:
        """The opened retriever, built if needed, and the one it replaced when another process
        changed the index (to close if unused); call with ``_index_lock`` held."""
        retired = None
        opened = self._opened
        if opened is not None and opened.reader is not None and opened.reader.stale():
            retired = self._retire()
        if self._opened is None:
            from assistant.retrieval import build_retriever
            from assistant.retrieval.reader import IndexReader

            try:
                reader = IndexReader(self.settings, self._embedder, snapshot=True)
            except BaseException:
                if retired is not None:
                    retired.close()
                raise
            try:
                retriever = build_retriever("hybrid", self.settings, reader=reader)
            except BaseException:
                reader.close()
                if retired is not None:
                    retired.close()
                raise
            self._opened = _Opened(retriever, reader)
        return self._opened, retired

    def _retire(self) -> _Opened | None:
        """Stop handing out the opened reader; returns it when no answer uses it (to be closed
        by the caller, outside the lock). Call with ``_index_lock`` held."""
        opened = self._opened
        if opened is None or opened.reader is None:
            return None
        self._opened = None
        opened.retired = True
        return opened if opened.users == 0 else None

    @contextmanager
    def lease_index(self) -> Iterator[tuple[Retriever, IndexReader | None]]:
        """The hybrid retriever and its index reader (``None`` for an injected retriever),
        kept open until the block ends even if the index changes meanwhile.

        Raises StoreError when there is no index yet.
        """
        self.embedder()  # loaded outside the index lock: it can take seconds
        with self._index_lock:
            opened, retired = self._current()
            opened.users += 1
        if retired is not None:
            retired.close()
        try:
            yield opened.retriever, opened.reader
        finally:
            with self._index_lock:
                opened.users -= 1
                close = opened.retired and opened.users == 0
            if close:
                opened.close()

    @contextmanager
    def lease(self) -> Iterator[Retriever]:
        """The hybrid retriever, kept open until the block ends (see ``lease_index``)."""
        with self.lease_index() as (retriever, _reader):
            yield retriever

    def index_changed(self) -> None:
        """After an ingest or delete: later answers open a new reader (an injected one is kept).

        The old reader is closed now if no answer is using it, else by the last one to finish.
        """
        with self._index_lock:
            unused = self._retire()
        if unused is not None:
            unused.close()

    def chat(self):
        """The configured chat model, or ``None`` (extractive mode)."""
        with self._lock:
            if not self._chat_built:
                from assistant.generation.chat import make_chat_model

                self._chat = make_chat_model(self.settings)
                self._chat_built = True
            return self._chat

    def generate(
        self,
        question: str,
        *,
        mode: str,
        filters: dict[str, Any] | None,
        strict: bool | None = None,
        skeleton: list[str] | None = None,
        drafter_org: str | None = None,
    ):
        """Stream generation events for ``question``, holding a lease on the index reader; the
        final text is checked sentence by sentence (``strict``: default the setting)."""
        from assistant.generation.verify import verified

        fn = self._generate_fn
        if fn is None:
            from assistant.generation.service import generate as fn
        chat = self.chat()
        strict = self.settings.strict if strict is None else strict
        settings = self.settings
        if drafter_org:
            settings = settings.model_copy(update={"drafter_org": drafter_org})
        extra = {"skeleton": skeleton} if skeleton else {}
        with self.lease() as retriever:
            yield from verified(
                fn(
                    question,
                    mode=mode,
                    retriever=retriever,
                    chat=chat,
                    settings=settings,
                    filters=filters,
                    k=self.settings.top_k,
                    **extra,
                ),
                strict=strict,
            )
