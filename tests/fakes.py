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


# -- inputs that misbehave inside the prepare worker process (index.prepare_worker); defined
# here because the worker imports them by module name
from index.sources import Item  # noqa: E402
from index.types import LoadedText  # noqa: E402


class HangingItem(Item):
    """A file whose loading never ends (a parser caught in a loop)."""

    def load(self) -> LoadedText:
        import time

        while True:
            time.sleep(0.05)


class GreedyItem(Item):
    """A file whose loading allocates without bound (a decompression bomb)."""

    def load(self) -> LoadedText:
        hoard = []
        while True:
            hoard.append(bytearray(64 * 2**20))


class CrashingItem(Item):
    """A file that crashes the process loading it (a fault in a C extension)."""

    def load(self) -> LoadedText:
        import os

        os._exit(3)


class BuggyItem(Item):
    """A file that hits a bug of ours (an exception no loader declares)."""

    def load(self) -> LoadedText:
        return {}["missing"]
