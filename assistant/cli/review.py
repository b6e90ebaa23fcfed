"""``assistant review FILE``: check a draft against the indexed reports, sentence by sentence."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.options import DataDir, Embedder
from assistant.review.drafts import FORMATS, read_draft
from core.settings import load_settings


def review(
    file: Annotated[str, typer.Argument(help="The draft: .txt, .md or .docx, or - for stdin.")],
    fmt: Annotated[str, typer.Option("--format", help="html | md | json | docx")] = "md",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write here (required for docx).")
    ] = None,
    k: Annotated[int, typer.Option("-k", help="Passages retrieved per sentence.")] = 5,
    data_dir: DataDir = None,
    embedder: Embedder = None,
    second_opinion: Annotated[
        bool,
        typer.Option(
            "--second-opinion/--no-second-opinion",
            help="Ask the configured LLM (if any) about doubtful sentences.",
        ),
    ] = True,
) -> None:
    """Check a draft against the indexed reports: supported / contradicted / unsupported per sentence.

    Example: assistant review 草稿.docx --format docx --out 草稿-审核.docx
    """
    from assistant.retrieval import build_retriever
    from assistant.retrieval.reader import IndexReader
    from assistant.review import formats as render
    from assistant.review.checker import review_text
    from assistant.review.terms import terms_for_reader

    if fmt not in FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "docx" and out is None:
        raise typer.BadParameter("--format docx needs --out PATH")
    text = read_draft(file)
    settings = load_settings(data_dir=data_dir, embedder=embedder)
    reader = IndexReader(settings)
    try:
        retriever = build_retriever("hybrid", settings, reader=reader)
        result = review_text(text, retriever, k=k, terms=terms_for_reader(reader))
    finally:
        reader.close()
    if second_opinion:
        from assistant.generation.chat import make_chat_model
        from assistant.review.second_opinion import add_second_opinions

        chat = make_chat_model(settings)
        if chat is not None:
            for notice in add_second_opinions(result, chat):
                typer.echo(notice, err=True)
    if fmt == "docx":
        render.to_docx(result, out)
        typer.echo(f"{render.totals_line(result)}\n→ {out}")
        return
    rendered = {"html": render.to_html, "md": render.to_markdown, "json": render.to_json}[fmt](
        result
    )
    if out is None:
        typer.echo(rendered)
    else:
        out.write_text(rendered, encoding="utf-8")
        typer.echo(f"{render.totals_line(result)}\n→ {out}")


def register(app: typer.Typer) -> None:
    """Add the ``review`` command to ``app``."""
    app.command()(review)
