"""Local chat models: pinned packages (``catalog``), their installer (``install``), and the
llama.cpp runtime with our own ChatML rendering (``llama``).

``local_chat_model(settings)`` is the model the generator uses: ``llm_gguf_path`` when set,
else the installed packaged model named by the ``local_model`` setting.
"""

from __future__ import annotations

from assistant.generation.local.catalog import DEFAULT_MODEL, MODELS, LocalModelSpec, model_spec
from assistant.generation.local.install import install, installed_models, model_path, verify_file
from core.errors import ConfigError
from core.settings import Settings


def local_chat_model(settings: Settings, *, required: bool = False):
    """A ``LlamaCppChatModel`` for the configured local model, or ``None`` when none is there
    (``required``: raise ``ConfigError`` instead)."""
    from assistant.generation.local.llama import LlamaCppChatModel

    options = {
        "n_ctx": settings.llm_local_context,
        "max_tokens": settings.llm_max_tokens or 512,
        "temperature": settings.llm_local_temperature,
        "repeat_penalty": settings.llm_local_repeat_penalty,
    }
    if settings.llm_gguf_path:
        return LlamaCppChatModel(settings.llm_gguf_path, **options)
    spec = model_spec(settings.local_model)
    path = model_path(spec, settings.models_dir)
    if not path.is_file():
        if required:
            raise ConfigError(
                f"未安装本地模型 {spec.name}：请先运行 assistant model install {spec.name}"
            )
        return None
    return LlamaCppChatModel(
        path,
        label=f"本地模型（{spec.label}）",
        verify=lambda: verify_file(spec, path),
        **options,
    )


__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "LocalModelSpec",
    "install",
    "installed_models",
    "local_chat_model",
    "model_path",
    "model_spec",
    "verify_file",
]
