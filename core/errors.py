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


class NoTextError(LoadError):
    """The file decoded fine but holds no text: skipped, not failed."""

    def __init__(self, path: str, reason: str = "no text"):
        super().__init__(path, reason)


class EmbeddingError(AssistantError):
    """The embedding model could not be built, loaded or called."""


class ModelMismatchError(AssistantError):
    """The index was built with another embedding model than the one configured."""


class StoreError(AssistantError):
    """The vector store or keyword index is unreachable or inconsistent."""


class NotFoundError(AssistantError):
    """A document, run or file asked for does not exist."""


class LLMError(AssistantError):
    """The language model could not be reached or answered something unusable."""


class LLMTimeoutError(LLMError):
    """The language model did not connect or answer within the configured timeout."""


class PromptError(AssistantError):
    """A template is missing, or rendered with missing or unknown variables."""


class LocalModelError(AssistantError):
    """A local model could not be installed, or its file differs from the pinned one."""
