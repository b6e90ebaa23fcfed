"""The library's exceptions. The library raises these; the CLI and web UI translate them.

Every message is one line a drafter can act on, naming the file or setting concerned.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base of every error this project raises on purpose."""


class ConfigError(AssistantError):
    """A setting is missing, malformed or contradicts another."""


class LoadError(AssistantError):
    """A file could not be turned into text. ``reason`` is short and human (Chinese or English)."""

    def __init__(self, path: str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self):  # crosses the prepare worker's process boundary intact
        return (type(self), (self.path, self.reason))


class NoTextError(LoadError):
    """The file decoded fine but holds no text: skipped, not failed."""

    def __init__(self, path: str, reason: str = "没有文字内容"):
        super().__init__(path, reason)


class EmbeddingError(AssistantError):
    """The embedding model could not be built, loaded or called."""


class ModelMismatchError(AssistantError):
    """The index was built with another embedding model than the one configured."""


class StoreError(AssistantError):
    """The vector store or keyword index is unreachable or inconsistent."""


class IndexDamagedError(StoreError):
    """A part of the index (``part``: catalog, chroma or bm25) is damaged or disagrees with the
    catalog; the message names the part and the command that repairs it."""

    def __init__(self, part: str, message: str):
        self.part = part
        super().__init__(message)

    def __reduce__(self):
        return (type(self), (self.part, str(self)))


class NotFoundError(AssistantError):
    """A document, run or file asked for does not exist."""


class LLMError(AssistantError):
    """The language model could not be reached or answered something unusable."""


class LLMTimeoutError(LLMError):
    """The language model did not connect or answer within the configured timeout."""


class InputError(AssistantError):
    """What the user typed cannot be used as given (e.g. a question over the length limit)."""


class PromptError(AssistantError):
    """A template is missing, or rendered with missing or unknown variables."""


class LocalModelError(AssistantError):
    """A local model could not be installed, or its file differs from the pinned one."""
