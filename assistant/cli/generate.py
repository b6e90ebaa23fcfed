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

from assistant.cli import output
from assistant.cli.options import DataDir, Embedder, Genre, Org, Pipeline, Year
from assistant.generation.types import MODES, AnswerResult, Event

console = output.console(highlight=False, soft_wrap=True)
err = output.console(stderr=True, highlight=False, soft_wrap=True)

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
Extractive = Annotated[bool, typer.Option("--extractive", help="Same as --generator extractive.")]
Generator = Annotated[
    str | None,
    typer.Option(
        "--generator",
        help="auto | extractive | local | endpoint [setting generator, default auto].",
    ),
]
Strict = Annotated[
    bool | None,
    typer.Option(
        "--strict/--no-strict",
        help="Remove (or correct) sentences no source supports [setting strict, default on].",
    ),
]
Format = Annotated[str, typer.Option("--format", help="text | json")]


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
    generator: Generator = None,
    strict: Strict = None,
    fmt: Format = "text",
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
        "extractive" if extractive else generator,
        strict,
        fmt,
    )


def draft(
    topic: Annotated[str, typer.Argument(help="The topic to summarise, advise on or outline.")],
    mode: Annotated[str, typer.Option("--mode", help="summary | suggest | outline")] = "outline",
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit", help="The drafter's own unit, the subject of the draft [setting drafter_org]."
        ),
    ] = None,
    skeleton: Annotated[
        str | None,
        typer.Option(
            "--skeleton", help="文种 skeleton: 调研报告 | 工作总结 | 经验交流材料 | 情况汇报."
        ),
    ] = None,
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
    generator: Generator = None,
    strict: Strict = None,
    fmt: Format = "text",
) -> None:
    """Summarise what past reports say, suggest next steps, or draft a 公文 outline, cited.

    Example: assistant draft "机关党建与业务深度融合" --mode outline
    """
    if mode not in MODES or mode == "answer":
        raise typer.BadParameter(f"--mode must be summary, suggest or outline, not {mode!r}")
    from prompts import skeleton as load_skeleton

    headings = load_skeleton(skeleton) if skeleton else None
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
        "extractive" if extractive else generator,
        strict,
        fmt,
        skeleton=headings,
        drafter_org=unit,
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
    question,
    mode,
    k,
    pipeline,
    filters,
    data_dir,
    embedder,
    llm_base_url,
    llm_model,
    generator,
    strict,
    fmt,
    skeleton=None,
    drafter_org=None,
) -> None:
    from assistant.generation import check_question, generate, make_chat_model, verified
    from assistant.retrieval import build_retriever
    from core.settings import load_settings

    if fmt not in ("text", "json"):
        raise typer.BadParameter(f"--format must be text or json, not {fmt!r}")
    settings = load_settings(
        data_dir=data_dir,
        embedder=embedder,
        llm_base_url=llm_base_url,
        llm_model=llm_model,
        generator=generator,
        strict=strict,
        drafter_org=drafter_org,
    )
    check_question(question, settings)  # before any model or index is opened
    from assistant.conversation.scope import scope_conflict
    from core.errors import InputError

    conflict = scope_conflict(question, filters)
    if conflict is not None:  # not answered from the other units' or years' material
        raise InputError(conflict)
    chat = make_chat_model(settings)
    retriever = build_retriever(pipeline, settings)
    events = verified(
        generate(
            question,
            mode=mode,
            retriever=retriever,
            chat=chat,
            settings=settings,
            filters=filters,
            k=k or settings.top_k,
            skeleton=skeleton,
        ),
        strict=settings.strict,
    )
    if fmt == "json":
        from assistant.generation.formats import result_json

        result = next(e.result for e in events if e.kind == "done")
        sys.stdout.write(result_json(result) + "\n")
        return
    result = print_events(events, label=chat.label if chat is not None else "抽取式")
    print_sources(result)


def print_events(events: Iterable[Event], *, label: str = "") -> AnswerResult:
    """Stream deltas to stdout and notices to stderr; return the final result.

    The streamed text is the model's draft; when the verifier changed it (citations added,
    sentences removed or corrected), the checked text is printed after it."""
    streamed = False
    pieces: list[str] = []
    result = None
    for event in events:
        if label:  # once the first event shows the generation started (no line before an error)
            err.print(f"生成方式：{label}", markup=False)
            label = ""
        if event.kind == "delta":
            sys.stdout.write(event.text)
            sys.stdout.flush()
            pieces.append(event.text)
            streamed = True
        elif event.kind == "notice":
            if streamed:  # the model failed mid-answer: the extractive answer starts afresh
                sys.stdout.write("\n")
                streamed = False
                pieces = []
            err.print(f"[yellow]提示:[/yellow] {event.text}", markup=True)
        elif event.kind == "progress":
            err.print(f"[dim]{event.text}[/dim]", markup=True)
        elif event.kind == "done":
            result = event.result
    sys.stdout.write("\n")
    if result is not None and result.verified and result.text.strip() != "".join(pieces).strip():
        console.rule("核对后的文本")
        console.print(result.text, markup=False)
    if result is not None and result.sentences:
        print_checks(result)
    return result


def print_checks(result: AnswerResult) -> None:
    """One line per sentence the verifier did not find supported."""
    from assistant.generation.verify import LABEL_ZH

    flagged = [s for s in result.sentences if s.label in ("unsupported", "contradicted")]
    for s in flagged:
        extra = "；".join(f"来源为“{src}”" for _, _, src in s.differences if src)
        err.print(
            f"[{LABEL_ZH[s.label]}] {s.text.strip()}" + (f"（{extra}）" if extra else ""),
            markup=False,
        )


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
