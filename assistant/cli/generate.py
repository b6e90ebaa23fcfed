"""``assistant ask`` and ``assistant draft``: cited answers and drafts streamed to the terminal.

Mounted by the main CLI with ``register(app)``. Library errors propagate; ``assistant.cli.main``
prints them as one line.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from assistant.cli.options import DataDir, Embedder, Genre, Org, Pipeline, Year
from assistant.generation.types import MODES, AnswerResult, Event

console = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

K = Annotated[
    int | None,
    typer.Option(
        "-k", help="Passages to retrieve (per section in outlines) [setting top_k, default 6]."
    ),
]
LlmUrl = Annotated[
    str | None,
    typer.Option(
        "--llm-base-url", help="OpenAI-compatible endpoint incl. /v1 [env ASSISTANT_LLM_BASE_URL]."
    ),
]
LlmModel = Annotated[
    str | None,
    typer.Option("--llm-model", help="Model name at that endpoint [env ASSISTANT_LLM_MODEL]."),
]
Extractive = Annotated[
    bool, typer.Option("--extractive", help="Do not call a language model; quote the sources.")
]


def ask(
    question: Annotated[str, typer.Argument(help="The question (简体或繁體).")],
    k: K = None,
    pipeline: Pipeline = "hybrid",
    org: Org = None,
    year: Year = None,
    genre: Genre = None,
    data_dir: DataDir = None,
    embedder: Embedder = None,
    llm_base_url: LlmUrl = None,
    llm_model: LlmModel = None,
    extractive: Extractive = False,
) -> None:
    """Answer a question from the indexed reports, citing each sentence with its source number.

    Example: assistant ask "市住建局有多少在职党员" -k 4
    """
    _run(
        question,
        "answer",
        k,
        pipeline,
        _filters(org, year, genre),
        data_dir,
        embedder,
        llm_base_url,
        llm_model,
        extractive,
    )


def draft(
    topic: Annotated[str, typer.Argument(help="The topic to summarise, advise on or outline.")],
    mode: Annotated[str, typer.Option("--mode", help="summary | suggest | outline")] = "outline",
    k: K = None,
    pipeline: Pipeline = "hybrid",
    org: Org = None,
    year: Year = None,
    genre: Genre = None,
    data_dir: DataDir = None,
    embedder: Embedder = None,
    llm_base_url: LlmUrl = None,
    llm_model: LlmModel = None,
    extractive: Extractive = False,
) -> None:
    """Summarise what past reports say, suggest next steps, or draft a 公文 outline, cited.

    Example: assistant draft "机关党建与业务深度融合" --mode outline
    """
    if mode not in MODES or mode == "answer":
        raise typer.BadParameter(f"--mode must be summary, suggest or outline, not {mode!r}")
    _run(
        topic,
        mode,
        k,
        pipeline,
        _filters(org, year, genre),
        data_dir,
        embedder,
        llm_base_url,
        llm_model,
        extractive,
    )


def register(app: typer.Typer) -> None:
    """Add the ``ask`` and ``draft`` commands to ``app``."""
    app.command()(ask)
    app.command()(draft)


def _filters(org: str | None, year: int | None, genre: str | None) -> dict | None:
    found = {
        key: v for key, v in {"org": org, "year": year, "genre": genre}.items() if v is not None
    }
    return found or None


def _run(
    question, mode, k, pipeline, filters, data_dir, embedder, llm_base_url, llm_model, extractive
) -> None:
    from assistant.generation import generate, make_chat_model
    from assistant.retrieval import build_retriever
    from core.settings import load_settings

    settings = load_settings(
        data_dir=data_dir, embedder=embedder, llm_base_url=llm_base_url, llm_model=llm_model
    )
    chat = None if extractive else make_chat_model(settings)
    retriever = build_retriever(pipeline, settings)
    result = print_events(
        generate(
            question,
            mode=mode,
            retriever=retriever,
            chat=chat,
            settings=settings,
            filters=filters,
            k=k or settings.top_k,
        )
    )
    print_sources(result)


def print_events(events: Iterable[Event]) -> AnswerResult:
    """Stream deltas to stdout and notices to stderr; return the final result."""
    streamed = False
    result = None
    for event in events:
        if event.kind == "delta":
            sys.stdout.write(event.text)
            sys.stdout.flush()
            streamed = True
        elif event.kind == "notice":
            if streamed:  # the model failed mid-answer: the extractive answer starts afresh
                sys.stdout.write("\n")
                streamed = False
            err.print(f"[yellow]提示:[/yellow] {event.text}", markup=True)
        elif event.kind == "done":
            result = event.result
    sys.stdout.write("\n")
    return result


def print_sources(result: AnswerResult) -> None:
    """The numbered sources (title · section · file), then what the citation check found."""
    if result.sources:
        console.rule("资料来源")
    for c in result.sources:
        h = c.hit
        mark = "" if c.n in result.cited else "（未引用）"
        console.print(
            f"[{c.n}] {h.title} · {h.section_path or '正文'} · {Path(h.source_path).name}{mark}",
            markup=False,
        )
    if result.removed_citations:
        numbers = "、".join(f"[{n}]" for n in result.removed_citations)
        err.print(f"提示: 已删除不存在的引用 {numbers}", markup=False)
    if result.uncited_sentences:
        err.print(
            f"提示: 以下 {len(result.uncited_sentences)} 句没有标注来源，请核对：", markup=False
        )
        for s in result.uncited_sentences:
            err.print(f"  · {s}", markup=False)
