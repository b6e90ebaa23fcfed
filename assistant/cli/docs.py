"""``assistant docs``: list, edit and delete indexed documents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from assistant.cli import output
from assistant.cli.options import DataDir, Embedder
from core.settings import load_settings
from index.store.catalog_versions import group_members, others_in_group

app = typer.Typer(help="List, edit and delete indexed documents.", no_args_is_help=True)
console = output.console()
printable = output.printable


def _version_label(doc_id: str, groups: dict[str, str], members: dict[str, list[str]]) -> str:
    """「组 d1a2b3（共 2 份）」 for a document with other versions, else empty."""
    group = groups.get(doc_id)
    if group is None:
        return ""
    return f"组 {group[:7]}（共 {len(members[group])} 份）"


@app.command("list")
def docs_list(
    fmt: Annotated[str, typer.Option("--format", help="text | json")] = "text",
    data_dir: DataDir = None,
    embedder: Embedder = None,
) -> None:
    """List indexed documents with their metadata (``--format json`` for scripts).

    Example: assistant docs list --format json
    """
    import json

    from index.store import open_store

    if fmt not in ("text", "json"):
        raise typer.BadParameter("--format must be text or json", param_hint="--format")
    settings = load_settings(data_dir=data_dir, embedder=embedder)
    store = open_store(settings)  # the catalog only: no embedding model is loaded
    try:
        docs = store.catalog.documents()
        groups = store.catalog.version_groups()  # read once, not once per document
        members = group_members(groups)
        if fmt == "json":
            rows = [
                {
                    "doc_id": d.doc_id,
                    "title": d.title,
                    "org": d.metadata.get("org"),
                    "date": d.metadata.get("date"),
                    "year": d.metadata.get("year"),
                    "genre": d.metadata.get("genre"),
                    "file": Path(d.source_path).name,
                    "chunks": d.n_chunks,
                    "versions": others_in_group(d.doc_id, groups, members),
                    "edited": d.metadata.get("edited") or [],
                }
                for d in docs
            ]
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        table = Table(title=Text(f"文档库 ({printable(str(settings.index_dir))})"))
        for col in ("编号", "标题", "单位", "年份", "文种", "段数", "文件", "版本"):
            table.add_column(col)
        for d in docs:
            m = d.metadata
            cells = [
                d.doc_id,
                d.title,
                m.get("org") or "",
                str(m.get("year") or ""),
                m.get("genre") or "",
                str(d.n_chunks),
                Path(d.source_path).name,
                _version_label(d.doc_id, groups, members),
            ]
            table.add_row(*(Text(printable(c)) for c in cells))
        console.print(table)
    finally:
        store.close()


@app.command("delete")
def docs_delete(
    ids: Annotated[
        list[str], typer.Argument(help="Document ids (from `docs list`) or file stems.")
    ],
    data_dir: DataDir = None,
    embedder: Embedder = None,
) -> None:
    """Delete documents from the index (vectors, keyword index and catalog).

    Example: assistant docs delete d3f1c2…
    """
    from index.store import delete_documents

    deleted = delete_documents(ids, load_settings(data_dir=data_dir, embedder=embedder))
    console.print(f"已删除 {len(deleted)} 篇文档。")


@app.command("edit")
def docs_edit(
    doc: Annotated[str, typer.Argument(help="Document id (from `docs list`) or file stem.")],
    title: Annotated[str | None, typer.Option("--title", help="标题")] = None,
    org: Annotated[str | None, typer.Option("--org", help='单位 ("" clears it)')] = None,
    date: Annotated[
        str | None, typer.Option("--date", help='日期, YYYY-MM-DD ("" clears it)')
    ] = None,
    genre: Annotated[str | None, typer.Option("--genre", help="文种")] = None,
    data_dir: DataDir = None,
) -> None:
    """Correct a document's title, unit, date or genre.

    The correction is kept apart from what extraction found: it survives re-ingest and
    `ingest --rebuild`, and filters, citations and the time-aware retrieval use it at once.

    Example: assistant docs edit 003_1639e3c3017186e5 --title "盐城市城管局2024年党建工作总结" --date 2024-12-20
    """
    from index.store.edits import edit_document

    settings = load_settings(data_dir=data_dir)
    fields = {"title": title, "org": org, "date": date, "genre": genre}
    done = edit_document(settings, doc, fields)
    m = done.metadata
    console.print(
        f"已修改 {done.doc_id}：{printable(done.title)} · 单位 {printable(m.get('org') or '（空）')}"
        f" · 日期 {m.get('date') or '（空）'} · 年份 {m.get('year') or '（空）'}"
        f" · 文种 {m.get('genre') or '（空）'}",
        markup=False,
        highlight=False,
    )
