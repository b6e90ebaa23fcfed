"""``assistant index …``: maintenance of the index itself (moving it to a Chroma server)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from assistant.cli.options import DataDir
from core.settings import load_settings

app = typer.Typer(
    help="Index maintenance: move the vectors to a Chroma server.", no_args_is_help=True
)
console = Console()


@app.callback()
def index() -> None:
    """Index maintenance commands."""


@app.command("migrate")
def migrate(
    to_chroma: Annotated[
        str, typer.Option("--to-chroma", help="The Chroma server, e.g. http://127.0.0.1:8000.")
    ],
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Drop a collection of the same name on the server first."),
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Copy the embedded Chroma index to a server, vectors as stored (no re-embedding).

    Example: assistant index migrate --to-chroma http://127.0.0.1:8000
    """
    from index.migrate import migrate_to_chroma

    # the source is always the embedded store, whatever ASSISTANT_CHROMA_URL says
    settings = load_settings(data_dir=data_dir)
    settings = settings.model_copy(update={"chroma_url": None})
    report = migrate_to_chroma(settings, to_chroma, replace=replace)
    console.print(
        f"已复制 {report.copied} 个向量到 {report.url}（集合 {report.collection}，模型 "
        f"{report.model_id}）。Copied {report.copied} vectors; now set "
        f"ASSISTANT_CHROMA_URL={report.url} and keep the same data dir "
        "(catalog and keyword index stay there)."
    )
