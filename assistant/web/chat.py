"""One answer streamed into what a page shows (``stream_answer``), the filters from the
dropdowns, and the folder each answer's or conversation's downloads are written to."""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.generation.citations import REFUSAL
from assistant.generation.renumber import in_order_of_use
from assistant.generation.service import NOTICE_NO_LLM
from assistant.generation.types import MODE_NAMES_ZH
from assistant.web import render
from assistant.web.colour import coloured_answer
from assistant.web.errors import shows_errors
from assistant.web.generators import check_choice
from assistant.web.uploads import safe_name
from core.errors import ConfigError
from index.store import index_exists

if TYPE_CHECKING:
    from assistant.generation.types import AnswerResult
    from assistant.web.app_context import AppContext

MODES = {zh: mode for mode, zh in MODE_NAMES_ZH.items()}  # the radio's labels -> modes
ALL = "全部"
NO_SKELETON = "不套用"
EMPTY_LIBRARY = "文档库还是空的：请先在「文档库」页上传报告并入库。"
# Each answer's downloads go to a folder of their own under one folder per process; beyond
# KEEP_EXPORTS the oldest are removed (a server running for months would otherwise fill
# /tmp), and the whole folder at exit (atexit; on SIGTERM ``serve`` calls ``remove_exports``).
# Gradio serves its own copy of each file.
KEEP_EXPORTS = 200
_exports: dict[str, Path] = {}
_exports_lock = threading.Lock()


@dataclass
class View:
    """Everything the 对话 tab shows for one question, at one moment of the stream."""

    answer: str = ""  # escaped, for a Markdown component
    label: str = ""
    notices: list[str] = field(default_factory=list)
    sources: str = ""
    result: AnswerResult | None = None
    docx: str | None = None
    md: str | None = None


def filters_from(org: str | None, year: str | None, genre: str | None) -> dict[str, Any] | None:
    """The retriever's filters from the three dropdowns (``全部`` or empty = no filter)."""
    filters: dict[str, Any] = {}
    if org and org != ALL:
        filters["org"] = org
    if year and year != ALL:
        filters["year"] = int(year)
    if genre and genre != ALL:
        filters["genre"] = genre
    return filters or None


def write_exports(result: AnswerResult, title: str, mode_label: str) -> tuple[str, str]:
    """The final text as .docx and .md (cited sources only) in a fresh temp folder."""
    from assistant.export.docx import to_docx
    from assistant.export.markdown import to_markdown

    cited, _ = render.cited_sources(result)
    short = re.sub(r"[\s?？]+", "", title)[:24]
    stem = safe_name(f"{mode_label}-{short}")
    folder = export_folder()
    label = (
        "抽取式（资料原文摘录）"
        if result.extractive
        else f"{result.generator_label}生成，已逐句核对"
    )
    docx_path = to_docx(
        title, result.text, cited, folder / f"{stem}.docx", checks=result.sentences, label=label
    )
    md_path = folder / f"{stem}.md"
    md_path.write_text(to_markdown(title, result.text, cited), encoding="utf-8")
    return str(docx_path), str(md_path)


def export_folder() -> Path:
    """A new empty folder for one answer's downloads, after pruning the oldest ones."""
    with _exports_lock:
        root = _exports.get("root")
        if root is None or not root.is_dir():
            root = _exports["root"] = Path(tempfile.mkdtemp(prefix="assistant-exports-"))
            atexit.register(shutil.rmtree, root, ignore_errors=True)
        folders = sorted(root.iterdir(), key=lambda p: p.stat().st_mtime_ns)
        for old in folders[: max(0, len(folders) - KEEP_EXPORTS + 1)]:
            shutil.rmtree(old, ignore_errors=True)
        return Path(tempfile.mkdtemp(dir=root))


def remove_exports() -> None:
    """Remove this process's export folder and every answer's downloads in it."""
    with _exports_lock:
        root = _exports.pop("root", None)
    if root is not None:
        shutil.rmtree(root, ignore_errors=True)


@shows_errors
def stream_answer(
    ctx: AppContext,
    question: str,
    mode_label: str,
    org: str | None = None,
    year: str | None = None,
    genre: str | None = None,
    strict: bool | None = None,
    skeleton_name: str | None = None,
    unit: str | None = None,
    generator: str | None = None,
) -> Iterator[View]:
    """One View per event (library errors become toasts: ``web.errors.shows_errors``);
    ``generator``: the 生成方式 picked for this answer (default: the setting)."""
    question = (question or "").strip()
    if not question:
        gr.Warning("请先输入问题或起草要求。", title="提示")
        return
    from assistant.generation.service import check_question

    check_question(question, ctx.settings)  # the textbox's max_length is only the browser's
    mode = MODES.get(mode_label)
    if mode is None:
        raise ConfigError(f"未知模式：{mode_label}")
    generator = check_choice(generator, ctx.unavailable())
    if not index_exists(ctx.settings):
        gr.Warning(EMPTY_LIBRARY, title="提示")
        return
    from assistant.retrieval.time_aware import query_time

    asked = query_time(question, ctx.settings.reference_date).label()
    view = View()
    text = ""
    yield View()  # clear the previous answer and disable its downloads
    from prompts import skeleton

    headings = skeleton(skeleton_name) if skeleton_name and skeleton_name != NO_SKELETON else None
    events = ctx.generate(
        question,
        mode=mode,
        filters=filters_from(org, year, genre),
        strict=strict,
        skeleton=headings if mode != "answer" else None,
        drafter_org=(unit or "").strip() or None,
        generator=generator,
    )
    for event in events:
        if event.kind == "sources":
            view.sources = render.sources_html(event.sources, question, asked_period=asked)
        elif event.kind == "notice":  # shown once, in the notices box: no toast besides
            if not (generator == "extractive" and event.text == NOTICE_NO_LLM):  # as chosen
                view.notices.append(event.text)
            text = ""  # a notice after deltas means the model failed; its text is void
        elif event.kind == "delta":
            text += event.text
        elif event.kind == "progress":
            view.label = render.progress_html(event.text)
        elif event.kind == "done" and event.result is not None:
            result = in_order_of_use(event.result)
            text = result.text
            for notice in result.notices:
                if notice not in view.notices and not (
                    generator == "extractive" and notice == NOTICE_NO_LLM
                ):
                    view.notices.append(notice)
            cited, note = render.cited_sources(result)
            view.sources = render.sources_html(cited, question, note, asked_period=asked)
            view.label = render.mode_label_html(result)
            view.result = result
            if result.text.strip().rstrip("。.") != REFUSAL:  # nothing to keep otherwise
                view.docx, view.md = write_exports(result, question, mode_label)
        view.answer = (
            coloured_answer(text, view.result.sentences)
            if view.result is not None and view.result.verified
            else render.escape_answer(text)
        )
        yield replace(view, notices=list(view.notices))  # a snapshot: the view goes on changing
