"""The ``assistant`` command. Library errors become one clear line and a non-zero exit.

Every option can also be set as ``ASSISTANT_<NAME>`` or in the TOML config file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from assistant.cli import output
from assistant.cli.options import DataDir, Embedder, Genre, Org, Pipeline, Year
from core.errors import AssistantError
from core.settings import Settings, load_settings
from index.ingest_report import STATUS_ZH

app = typer.Typer(
    help="文稿起草助手 — index past reports, search them, evaluate retrieval.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = output.console()
err = output.console(stderr=True)
printable = output.printable


def _settings(data_dir: Path | None = None, embedder: str | None = None, **extra) -> Settings:
    return load_settings(data_dir=data_dir, embedder=embedder, **extra)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of reports.")],
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Drop the index and build it anew.")
    ] = False,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune/--no-prune", help="Remove documents whose files left an ingested folder."
        ),
    ] = True,
    replace_versions: Annotated[
        bool,
        typer.Option(
            "--replace-versions",
            help="Of two versions of a report (a shortened or re-encoded copy), keep the newer only.",
        ),
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="text | json")] = "text",
    data_dir: DataDir = None,
    embedder: Embedder = None,
) -> None:
    """Index reports (txt/md/html/docx/pdf). Re-running skips unchanged files.

    Example: assistant ingest examples/corpus
    """
    from index.pipeline import ingest_paths

    if fmt not in ("text", "json"):
        raise typer.BadParameter("--format must be text or json", param_hint="--format")
    settings = _settings(data_dir, embedder)
    with Progress(
        TextColumn("[bold]入库"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("文件 · 已嵌入 {task.fields[chunks]} 段"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as bar:
        task = bar.add_task("ingest", total=None, chunks=0)

        def progress(done: int, total: int, chunks: int) -> None:
            bar.update(task, completed=done, total=total, chunks=chunks)

        report = ingest_paths(
            paths,
            settings,
            prune=prune,
            rebuild=rebuild,
            progress=progress,
            replace_versions=replace_versions,
        )

    if fmt == "json":
        _ingest_json(report, paths)
        if report.failed:
            raise typer.Exit(code=1)
        return
    table = Table(title=Text(f"入库结果 ({printable(str(settings.index_dir))})"))
    for col in ("状态", "文件", "说明"):
        table.add_column(col, overflow="fold")  # wrapped, never cut with …
    for o in report.outcomes:
        if o.status == "unchanged":
            continue
        table.add_row(STATUS_ZH[o.status], Text(shown_path(o.key, paths)), Text(_note(o, paths)))
    if table.row_count:
        console.print(table)
    # Every failure once more as one whole line (a pipe or an 80-column CI log keeps it all).
    for o in report.failed:
        console.print(
            f"失败: {shown_path(o.key, paths)}: {printable(o.reason)}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    counts = report.counts()
    console.print("  ".join(f"{STATUS_ZH[s]} {n}" for s, n in counts.items()))
    if report.recovered:
        console.print(f"上次中断留下的 {len(report.recovered)} 篇未完成文档已清理并重新处理。")
    if report.repaired:
        console.print(f"索引已自动修复：{report.repaired}", markup=False, highlight=False)
    if report.failed:
        raise typer.Exit(code=1)


def _note(o, paths: list[Path]) -> str:
    """The 说明 of one outcome: chunks and warnings when indexed, else the reason."""
    reason = printable(shown_paths_in(o.reason, paths))
    if o.status == "indexed":
        return "; ".join(filter(None, [f"{o.n_chunks} 段", reason, *map(printable, o.warnings)]))
    return reason


def _ingest_json(report, paths: list[Path]) -> None:
    """The report for scripts: the counts, and every file with what the web library shows."""
    import json

    files = [
        {
            "file": shown_path(o.key, paths),
            "path": o.key,
            "status": o.status,
            "status_zh": STATUS_ZH[o.status],
            "reason": shown_paths_in(o.reason, paths),
            "same_as": shown_path(o.other, paths) if o.other else None,
            "doc_id": o.doc_id,
            "chunks": o.n_chunks,
            "warnings": o.warnings,
        }
        for o in report.outcomes
    ]
    out = {
        "counts": report.counts(),
        "chunks_embedded": report.chunks_embedded,
        "recovered": report.recovered,
        "repaired": report.repaired,
        "files": files,
    }
    typer.echo(json.dumps(out, ensure_ascii=False, indent=2))


def shown_paths_in(text: str, roots: list[Path]) -> str:
    """``text`` with every path under a folder given shown relative to it, as in the table."""
    for root in roots:
        try:
            base = root.resolve()
        except OSError:
            continue
        if base.is_dir():
            text = text.replace(f"{base}/", f"{root.name}/")
    return text


def shown_path(key: str, roots: list[Path]) -> str:
    """``key`` relative to the folder it was found under (as given), control characters escaped."""
    path = Path(key)
    for root in roots:
        try:
            base = root.resolve()
            if base.is_dir() and path.is_relative_to(base):
                key = str(Path(root.name) / path.relative_to(base))
                break
        except OSError:
            continue
    return printable(key)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Question or keywords (简体或繁體).")],
    k: Annotated[int, typer.Option("-k", help="How many passages.")] = 5,
    pipeline: Pipeline = "hybrid",
    org: Org = None,
    year: Year = None,
    genre: Genre = None,
    fmt: Annotated[str, typer.Option("--format", help="text | json")] = "text",
    data_dir: DataDir = None,
    embedder: Embedder = None,
) -> None:
    """Show the passages that best match a query, with the period each speaks of.

    Example: assistant search "2022年完成了多少个老旧小区改造" -k 3 --format json
    """
    import json

    from assistant.retrieval import build_retriever
    from assistant.retrieval.time_aware import hit_periods, query_time

    if fmt not in ("text", "json"):
        raise typer.BadParameter("--format must be text or json", param_hint="--format")
    settings = _settings(data_dir, embedder)
    filters = {
        key: v for key, v in {"org": org, "year": year, "genre": genre}.items() if v is not None
    }
    retriever = build_retriever(pipeline, settings)
    hits = retriever.retrieve(query, k=k, filters=filters or None)
    asked = query_time(query, settings.reference_date).label()
    for h in hits:
        hit_periods(h)
    if fmt == "json":
        out = {
            "query": query,
            "query_period": asked,
            "hits": [
                {
                    "n": n,
                    "chunk_id": h.chunk_id,
                    "doc_id": h.doc_id,
                    "source_id": h.metadata.get("source_id"),
                    "title": h.title,
                    "section_path": h.section_path,
                    "file": Path(h.source_path).name,
                    "org": h.metadata.get("org"),
                    "year": h.metadata.get("year"),
                    "date": h.metadata.get("date"),
                    "period": h.metadata.get("period", ""),
                    "score": round(float(h.score), 4),
                    "text": h.text,
                }
                for n, h in enumerate(hits, start=1)
            ],
        }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if asked:
        console.print(f"问题所问时期：{asked}", markup=False, highlight=False)
    if not hits:
        console.print("没有找到相关段落。")
    for n, h in enumerate(hits, start=1):
        period = h.metadata.get("period") or "未说明"
        heading = f"[{n}] {h.title} · {h.section_path or '正文'} · {Path(h.source_path).name}"
        console.rule(Text(printable(heading)))
        console.print(f"所述时期：{period}", markup=False, highlight=False)
        console.print(printable(h.text, keep_newlines=True), markup=False, highlight=False)


COMMAND_PLUGINS = "drafting_assistant.commands"


def _mount_commands() -> None:
    """Commands that live beside their code: generation, review, the web app, the index; then
    the plugins registered under the ``drafting_assistant.commands`` entry point group
    (``assistant eval`` from ``evals``, which depends on this package, not the reverse)."""
    from importlib.metadata import entry_points

    from assistant.cli.chat import register as register_chat
    from assistant.cli.docs import app as docs_app
    from assistant.cli.generate import register as register_generate
    from assistant.cli.maintenance import app as index_app
    from assistant.cli.model import app as model_app
    from assistant.cli.review import register as register_review
    from assistant.cli.web import register as register_web

    register_generate(app)
    register_chat(app)
    register_review(app)
    register_web(app)
    app.add_typer(docs_app, name="docs", help="List, edit and delete indexed documents.")
    app.add_typer(index_app, name="index", help="Index check, repair, migrate to Chroma.")
    app.add_typer(model_app, name="model", help="Local chat models: install, list, remove.")
    for plugin in entry_points(group=COMMAND_PLUGINS):
        plugin.load()(app)


def main() -> None:
    """Console entry point: translate library errors into one line and exit status 1."""
    _mount_commands()
    try:
        app()
    except AssistantError as exc:
        from rich.markup import escape

        # One line however long (soft_wrap: no wrapping at 80 columns in logs and pipes);
        # escape(): brackets in a message ("[reports]") are text, not rich markup.
        err.print(f"[red]错误:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
