"""The 生成方式 picker: which generator writes one answer (自动 / 本地模型 / 抽取式 / 大模型服务),
what each is called on the page, and why one cannot be chosen here (no local model installed,
no endpoint configured).

The choice travels with each request (``AppContext.generate(generator=...)``), never into the
settings: two drafters on one server may pick differently.
"""

from __future__ import annotations

import importlib.util

from assistant.generation.chat import GENERATORS
from core.errors import ConfigError, InputError
from core.settings import Settings

NO_ENDPOINT = "未配置大模型服务：请设置 ASSISTANT_LLM_BASE_URL 和 ASSISTANT_LLM_MODEL 后重启"
NO_LLAMA = "未安装 llama-cpp-python，无法使用本地模型"
EXTRACTIVE_NAME = "抽取式（摘录原文）"
PICKER_LABEL = "生成方式"


def local_problem(settings: Settings) -> str | None:
    """Why the local model cannot write here, or ``None`` when it can."""
    from assistant.generation.local import model_path, model_spec

    if importlib.util.find_spec("llama_cpp") is None:
        return NO_LLAMA
    if settings.llm_gguf_path:
        if settings.llm_gguf_path.is_file():
            return None
        return f"找不到本地模型文件 {settings.llm_gguf_path.name}（ASSISTANT_LLM_GGUF_PATH）"
    try:
        spec = model_spec(settings.local_model)
    except ConfigError as exc:
        return str(exc)
    if model_path(spec, settings.models_dir).is_file():
        return None
    return f"未安装本地模型 {spec.name}：请先运行 assistant model install {spec.name}"


def unavailable(settings: Settings) -> dict[str, str]:
    """Each generator that cannot be chosen on this server, with the reason (in Chinese)."""
    out: dict[str, str] = {}
    local = local_problem(settings)
    if local:
        out["local"] = local
    if not (settings.llm_base_url and settings.llm_model):
        out["endpoint"] = NO_ENDPOINT
    return out


def local_name(settings: Settings) -> str:
    """「本地模型（Qwen2.5-1.5B）」, or 「本地模型（文件名）」 for a configured GGUF."""
    from assistant.generation.local import model_spec

    if settings.llm_gguf_path:
        return f"本地模型（{settings.llm_gguf_path.stem}）"
    try:
        return f"本地模型（{model_spec(settings.local_model).label}）"
    except ConfigError:
        return "本地模型"


def choices(settings: Settings, missing: dict[str, str]) -> list[tuple[str, str]]:
    """The picker's (label, value) pairs; one that cannot be chosen says so in its label."""
    endpoint = f"大模型服务（{settings.llm_model}）" if settings.llm_model else "大模型服务"
    if "endpoint" not in missing:
        auto = "大模型服务"
    elif "local" not in missing:
        auto = "本地模型"
    else:
        auto = "摘录原文"
    names = {
        "auto": f"自动（{auto}）",
        "local": local_name(settings),
        "extractive": EXTRACTIVE_NAME,
        "endpoint": endpoint,
    }
    tags = {"local": "未安装", "endpoint": "未配置"}
    return [
        (names[g] + (f" · {tags[g]}" if g in missing else ""), g)
        for g in ("auto", "local", "extractive", "endpoint")
    ]


def picker_info(missing: dict[str, str]) -> str:
    """The short line under the picker (the reason for an option that cannot run is in the
    toast that choosing it shows)."""
    line = "仅对本次提问生效"
    if missing:
        line += "；标“未安装”“未配置”的暂不能选"
    return line + "。"


def check_choice(generator: str | None, missing: dict[str, str]) -> str | None:
    """``generator`` when it can write here (``None``: the setting); raises ``InputError``."""
    if generator is None or generator == "":
        return None
    if generator not in GENERATORS:
        raise InputError(f"未知的生成方式：{generator}")
    if generator in missing:
        raise InputError(missing[generator])
    return generator


def default_choice(settings: Settings) -> str:
    """The picker's first value: the ``generator`` setting."""
    return settings.generator


def generator_picker(settings: Settings, missing: dict[str, str], **layout):
    """The 生成方式 dropdown (build inside a Blocks); its value is sent with each question."""
    import gradio as gr

    return gr.Dropdown(
        choices(settings, missing),
        value=default_choice(settings),
        label=PICKER_LABEL,
        info=picker_info(missing),
        interactive=True,
        elem_id="generator",
        **layout,
    )


def refuse_missing(settings: Settings, missing: dict[str, str]):
    """The picker's ``change`` handler: choosing what cannot run here is a 提示 toast saying why,
    and the picker goes back to the setting (or 自动 when that cannot run either)."""
    import gradio as gr

    fallback = default_choice(settings)
    if fallback in missing:
        fallback = "auto"

    def refuse(choice: str):
        if choice in missing:
            gr.Warning(f"无法选择此生成方式：{missing[choice]}", title="提示")
            return fallback
        return gr.skip()

    return refuse
