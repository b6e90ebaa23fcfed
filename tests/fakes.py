"""Test doubles shared by several test folders (import as ``from tests.fakes import …``)."""

from __future__ import annotations

from collections.abc import Iterator

Message = dict[str, str]


class FakeChatModel:
    """Test double: ``enqueue([...])`` one reply's chunks per call; records ``messages``.

    A chunk that is an exception instance is raised at that point of the stream.
    """

    def __init__(self) -> None:
        self.queue: list[list[str | BaseException]] = []
        self.messages: list[list[Message]] = []  # one entry per stream() call

    def enqueue(self, chunks: list[str | BaseException]) -> FakeChatModel:
        """Queue the next reply."""
        self.queue.append(list(chunks))
        return self

    def stream(self, messages: list[Message]) -> Iterator[str]:
        """Yield the next queued reply; a test that did not queue one fails loudly."""
        self.messages.append([dict(m) for m in messages])
        if not self.queue:
            raise RuntimeError("FakeChatModel: no reply enqueued")
        reply = self.queue.pop(0)

        def pieces() -> Iterator[str]:
            for chunk in reply:
                if isinstance(chunk, BaseException):
                    raise chunk
                yield chunk

        return pieces()
