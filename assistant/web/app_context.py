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

from assistant.web.generators import local_problem, unavailable
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
        # An injected generate function gets the chat model given here (None = extractive);
        # it stands for every generator but 抽取式 (tests).
        self._injected = chat is not None or generate_fn is not None
        self._chats: dict[str, Any] = {}  # built models by generator ("auto" with an endpoint)
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

    def chat(self, generator: str | None = None):
        """The chat model for ``generator`` (default: the setting), ``None`` for extractive.

        Built once per generator and shared by every session; 自动 without an endpoint is the
        local model itself, so choosing 本地模型 as well never loads a second copy. Raises
        ConfigError when ``generator`` cannot write here (no model installed, no endpoint).
        """
        choice = generator or self.settings.generator
        with self._lock:
            if choice == "extractive":
                return None
            if self._injected:
                return self._chat
            return self._model(choice)

    def _model(self, choice: str):
        """``chat(choice)``'s model; call with ``_lock`` held."""
        from assistant.generation.chat import make_chat_model

        if choice == "auto" and not self.settings.llm_base_url:
            choice = "local"
            if local_problem(self.settings):
                return None  # 自动 with nothing to run: extractive, as make_chat_model says
        if choice not in self._chats:
            if choice == "auto":  # the endpoint, falling back to the shared local model
                model = make_chat_model(self.settings, "endpoint")
                if not local_problem(self.settings):
                    model.fallback = self._model("local")
            else:
                model = make_chat_model(self.settings, choice)
            self._chats[choice] = model
        return self._chats[choice]

    def unavailable(self) -> dict[str, str]:
        """The generators that cannot be chosen here, with the reason (none when injected)."""
        if self._injected:
            return {}
        return unavailable(self.settings)

    def generate(
        self,
        question: str,
        *,
        mode: str,
        filters: dict[str, Any] | None,
        strict: bool | None = None,
        skeleton: list[str] | None = None,
        drafter_org: str | None = None,
        generator: str | None = None,
    ):
        """Stream generation events for ``question``, holding a lease on the index reader; the
        final text is checked sentence by sentence (``strict``: default the setting).
        ``generator``: who writes this answer only (auto | extractive | local | endpoint;
        default the setting)."""
        from assistant.generation.verify import verified

        fn = self._generate_fn
        if fn is None:
            from assistant.generation.service import generate as fn
        chat = self.chat(generator)
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
