"""``assistant chat``: a conversation in the terminal, kept with the web app's conversations.

Questions are read one a line: typed at a ``> `` prompt, or piped in until EOF. Each
follow-up is made standalone first (by the chat model, else by rule) and printed as
「理解为：……」 when it differs from what was typed; then the answer streams with its
sources, as ``assistant ask`` prints them. ``exit`` or ``quit`` ends an interactive chat.
Mounted by the main CLI with ``register(app)``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Annotated

import typer

from assistant.cli import output
from assistant.cli.generate import (
    Extractive,
    Generator,
    K,
    LlmModel,
    LlmUrl,
    Strict,
    _filters,
    print_events,
    print_sources,
)
from assistant.cli.options import DataDir, Embedder, Genre, Org, Pipeline, Year
from assistant.generation.types import MODE_NAMES_ZH, MODES

console = output.console(highlight=False, soft_wrap=True)
err = output.console(stderr=True, highlight=False, soft_wrap=True)
EXIT_WORDS = {"exit", "quit", "退出"}
SCOPE_LABEL = "筛选提示"


def _questions(interactive: bool) -> Iterator[str]:
    """Lines typed at the prompt (until exit/quit or Ctrl-D), or read from stdin until EOF."""
    if not interactive:
        for line in sys.stdin:
            yield line.rstrip("\n")
        return
    while True:
        try:
            line = input("> ")
        except EOFError:
            sys.stdout.write("\n")
            return
        if line.strip().lower() in EXIT_WORDS:
            return
        yield line


def chat(
    resume: Annotated[
        bool,
        typer.Option("--continue", "-c", help="Resume the last conversation instead of a new one."),
    ] = False,
    mode: Annotated[
        str, typer.Option("--mode", help="answer | summary | suggest | outline")
    ] = "answer",
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="The drafter's own unit, the subject of drafts."),
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
) -> None:
    """Ask question after question; follow-ups like 「那在职党员有多少名？」 are understood.

    Example: assistant chat --continue
    """
    from assistant.conversation import (
        LOCAL_USER,
        ConversationStore,
        Turn,
        make_resolver,
        scope_conflict,
    )
    from assistant.generation import check_question, generate, make_chat_model, verified
    from assistant.retrieval import build_retriever
    from core.errors import InputError
    from core.settings import load_settings

    if mode not in MODES:
        raise typer.BadParameter(f"--mode must be one of {', '.join(MODES)}, not {mode!r}")
    settings = load_settings(
        data_dir=data_dir,
        embedder=embedder,
        llm_base_url=llm_base_url,
        llm_model=llm_model,
        generator="extractive" if extractive else generator,
        strict=strict,
        drafter_org=unit,
    )
    filters = _filters(org, year, genre)
    store = ConversationStore(settings)
    conv = store.last(LOCAL_USER) if resume else None
    if resume and conv is None:
        err.print("提示: 还没有可以继续的对话，已开始新对话", markup=False)
    elif conv is not None:
        err.print(f"继续对话：{conv.title}（已有 {len(conv.turns)} 轮）", markup=False)
    chat_model = make_chat_model(settings)
    resolver = make_resolver(chat_model)
    retriever = None
    interactive = sys.stdin.isatty()
    if interactive:
        err.print(
            f"对话中（{MODE_NAMES_ZH[mode]}）：输入问题后回车；输入 exit 或 quit 结束。",
            markup=False,
        )
    for line in _questions(interactive):
        question = line.strip()
        if not question:
            continue
        try:
            check_question(question, settings)
        except InputError as exc:  # one bad line does not end the conversation
            err.print(f"错误: {exc}", markup=False)
            continue
        if conv is None:
            conv = store.create(LOCAL_USER)
        understood = resolver.resolve(question, conv.turns)
        if understood != question:
            console.print(f"理解为：{understood}", markup=False)
        conflict = scope_conflict(understood, filters)
        if conflict is not None:
            err.print(f"提示: {conflict}", markup=False)
            shown = understood if understood != question else ""
            turn = Turn(question, conflict, shown, mode, filters, SCOPE_LABEL)
        else:
            if retriever is None:
                retriever = build_retriever(pipeline, settings)
            events = verified(
                generate(
                    understood,
                    mode=mode,
                    retriever=retriever,
                    chat=chat_model,
                    settings=settings,
                    filters=filters,
                    k=k or settings.top_k,
                ),
                strict=settings.strict,
            )
            label = chat_model.label if chat_model is not None else "抽取式"
            result = print_events(events, label=label)
            print_sources(result)
            turn = Turn.from_result(question, understood, result, filters)
        store.add_turn(LOCAL_USER, conv.id, turn)
        conv.turns.append(turn)
        console.print("", markup=False)


def register(app: typer.Typer) -> None:
    """Add the ``chat`` command to ``app``."""
    app.command()(chat)
