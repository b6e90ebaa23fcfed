"""``assistant index …``: maintenance of the index itself (check, repair, move to a Chroma server)."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli import output
from assistant.cli.options import DataDir, Embedder
from core.settings import load_settings

app = typer.Typer(
    help="Index maintenance: check, repair, move the vectors to a Chroma server.",
    no_args_is_help=True,
)
console = output.console()
err = output.console(stderr=True)


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


@app.command("check")
def check(data_dir: DataDir = None) -> None:
    """Check that the catalog, Chroma and the BM25 index agree (exit 1 when they do not).

    Example: assistant index check
    """
    from index.store.check import check_index

    settings = load_settings(data_dir=data_dir)
    report = check_index(settings)
    if report.ok:
        console.print(
            f"索引完好：目录库、向量库 Chroma、关键词索引 BM25 一致"
            f"（{report.documents} 篇文档，{report.chunks} 个段落）。",
            markup=False,
            highlight=False,
        )
        return
    for problem in report.problems:
        err.print(f"损坏: {problem.message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code=1)


@app.command("repair")
def repair(data_dir: DataDir = None, embedder: Embedder = None) -> None:
    """Rebuild what Chroma and the BM25 index lack from the catalog's stored chunks.

    A damaged catalog cannot be repaired from itself: the command then names the rebuild.
    Example: assistant index repair
    """
    from index.embedders import make_embedder
    from index.store.repair import repair_index

    settings = load_settings(data_dir=data_dir, embedder=embedder)
    report = repair_index(settings, make_embedder(settings))
    verb = "已修复：" if report.changed else ""
    console.print(f"{verb}{report.summary()}。", markup=False, highlight=False, soft_wrap=True)
