"""The Gradio app: 对话 (ask and draft with cited sources), 文档库 (library) and 审核 (review) tabs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from assistant.retrieval.base import Retriever
from assistant.web import library, render
from assistant.web.app_context import AppContext
from assistant.web.chat import ALL, MODES, NO_SKELETON, View, stream_answer
from assistant.web.errors import shows_errors
from assistant.web.review_tab import build_review_tab
from assistant.web.uploads import UPLOAD_SUFFIXES
from core.errors import AssistantError
from core.settings import Settings
from prompts import skeleton_names

TITLE = "文稿起草助手"
FONTS = (
    "ui-sans-serif",
    "system-ui",
    "PingFang SC",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "WenQuanYi Zen Hei",
    "sans-serif",
)


def launch_style() -> dict[str, Any]:
    """Theme and CSS, which Gradio 6 takes in ``launch()``; local fonts only (offline)."""
    return {"theme": gr.themes.Default(font=FONTS), "css": render.CSS}


def _view_outputs(view: View) -> tuple:
    return (
        view.answer,
        view.label,
        render.notices_markdown(view.notices),
        view.sources,
        gr.update(value=view.docx, interactive=view.docx is not None),
        gr.update(value=view.md, interactive=view.md is not None),
    )


def _table(rows: list[list[str]], headers: list[str]) -> dict:
    return {"headers": headers, "data": rows}


def _library_outputs(ctx: AppContext) -> tuple:
    """Document table, delete choices and the three filter dropdowns, from the catalog."""
    try:
        docs = library.documents(ctx)
    except AssistantError as exc:
        gr.Warning(str(exc), title="提示")
        docs = []
    choices = library.filter_choices(docs)
    return (
        _table(library.document_rows(docs), library.DOC_HEADERS),
        gr.update(choices=library.document_choices(docs), value=[]),
        *(gr.update(choices=[ALL, *choices[key]], value=ALL) for key in ("org", "year", "genre")),
    )


def build_app(
    settings: Settings,
    *,
    generate_fn: Callable[..., Any] | None = None,
    retriever: Retriever = None,
    embedder: Any = None,
    chat: Any = None,
) -> gr.Blocks:
    """The web app. ``generate_fn``/``retriever``/``embedder``/``chat`` replace the configured ones (tests)."""
    ctx = AppContext(
        settings, generate_fn=generate_fn, retriever=retriever, embedder=embedder, chat=chat
    )

    def ask(
        question: str,
        mode_label: str,
        org: str,
        year: str,
        genre: str,
        strict: bool = True,
        skeleton_name: str = NO_SKELETON,
        unit: str = "",
    ):
        views = stream_answer(
            ctx, question, mode_label, org, year, genre, strict, skeleton_name, unit
        )
        for view in views:
            yield _view_outputs(view)

    @shows_errors
    def ingest(files: list[str] | None, progress=gr.Progress()):
        if not files:
            gr.Warning("请先选择要上传的文件。", title="提示")
            return (gr.skip(),) * 6

        def report(done: int, total: int, chunks: int) -> None:
            if total:
                progress((done, total), desc=f"已处理 {done}/{total} 个文件，已嵌入 {chunks} 段")

        rows = library.ingest_uploads(ctx, files, report)
        return (_table(rows, library.OUTCOME_HEADERS), *_library_outputs(ctx))

    @shows_errors
    def delete(doc_ids: list[str]):
        if not doc_ids:
            gr.Warning("请先勾选要删除的文档。", title="提示")
            return (gr.skip(),) * 5
        n = library.delete(ctx, doc_ids)
        gr.Info(f"已删除 {n} 篇文档。", title="完成")
        return _library_outputs(ctx)

    # delete_cache: Gradio's copies of uploads and downloads older than a day, checked hourly
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 86400)) as app:
        gr.Markdown(f"# {TITLE}")
        with gr.Tabs():
            with gr.Tab("对话", id="chat"):
                with gr.Row():
                    with gr.Column(scale=3):
                        mode = gr.Radio(list(MODES), value="问答", label="模式", elem_id="mode")
                        with gr.Row():
                            org = gr.Dropdown([ALL], value=ALL, label="单位", elem_id="filter-org")
                            year = gr.Dropdown(
                                [ALL], value=ALL, label="年份", elem_id="filter-year"
                            )
                            genre = gr.Dropdown(
                                [ALL], value=ALL, label="文种", elem_id="filter-genre"
                            )
                        question = gr.Textbox(
                            label="问题或起草要求",
                            lines=3,
                            placeholder="例如：市住建局有多少在职党员？",
                            max_length=settings.max_question_chars,
                            elem_id="question",
                        )
                        with gr.Row():
                            skeleton_name = gr.Dropdown(
                                [NO_SKELETON, *skeleton_names()],
                                value=NO_SKELETON,
                                label="文种模板（总结、建议、提纲起草）",
                                elem_id="skeleton",
                            )
                            unit = gr.Textbox(
                                value=settings.drafter_org or "",
                                label="本单位（起草主体）",
                                placeholder="例如：江北区财政局",
                                elem_id="unit",
                            )
                        strict = gr.Checkbox(
                            value=settings.strict,
                            label="严格模式：删除或更正资料不支持的句子",
                            elem_id="strict",
                        )
                        submit = gr.Button("提交", variant="primary", elem_id="submit")
                        label = gr.HTML(elem_id="mode-label", js_on_load=None)
                        notices = gr.Markdown(elem_id="notices")
                        answer = gr.Markdown(
                            label="回答", elem_id="answer", buttons=["copy"], line_breaks=True
                        )
                        with gr.Row():
                            docx_btn = gr.DownloadButton(
                                "下载 Word（.docx）", interactive=False, elem_id="download-docx"
                            )
                            md_btn = gr.DownloadButton(
                                "下载 Markdown（.md）", interactive=False, elem_id="download-md"
                            )
                    with gr.Column(scale=2):
                        gr.Markdown("### 来源")
                        sources = gr.HTML(elem_id="sources", js_on_load=None)
            with gr.Tab("文档库", id="library"):
                files = gr.File(
                    file_count="multiple",
                    file_types=list(UPLOAD_SUFFIXES),
                    label=f"上传报告（{' '.join(UPLOAD_SUFFIXES)}，每个不超过 {settings.max_file_mb:g} MB）",
                    elem_id="upload",
                )
                ingest_btn = gr.Button("入库", variant="primary", elem_id="ingest")
                outcomes = gr.Dataframe(
                    headers=library.OUTCOME_HEADERS,
                    interactive=False,
                    label="入库结果",
                    elem_id="outcomes",
                )
                docs_table = gr.Dataframe(
                    headers=library.DOC_HEADERS,
                    interactive=False,
                    label="已入库文档",
                    elem_id="documents",
                )
                to_delete = gr.CheckboxGroup(label="选择要删除的文档", elem_id="to-delete")
                with gr.Row():
                    delete_btn = gr.Button("删除所选", variant="stop", elem_id="delete")
                    refresh_btn = gr.Button("刷新", elem_id="refresh")
            build_review_tab(ctx)

        chat_in = [question, mode, org, year, genre, strict, skeleton_name, unit]
        chat_out = [answer, label, notices, sources, docx_btn, md_btn]
        submit.click(ask, chat_in, chat_out)
        question.submit(ask, chat_in, chat_out)
        lib_out = [docs_table, to_delete, org, year, genre]
        # One library writer at a time per app (the index's file lock would make the second wait).
        ingest_btn.click(
            ingest, [files], [outcomes, *lib_out], concurrency_limit=1, concurrency_id="library"
        )
        delete_btn.click(
            delete, [to_delete], lib_out, concurrency_limit=1, concurrency_id="library"
        )
        refresh_btn.click(lambda: _library_outputs(ctx), None, lib_out)
        app.load(lambda: _library_outputs(ctx), None, lib_out)
    app.assistant_context = ctx  # for tests and serve()
    app.assistant_context = ctx  # serve() warms it up; tests inspect it
    return app
