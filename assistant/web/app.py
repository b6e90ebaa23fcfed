"""The Gradio app: 对话 (a conversation with cited sources, ``chat_tab.py``), 文档库 (library)
and 审核 (review) tabs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from assistant.retrieval.base import Retriever
from assistant.web import library, render
from assistant.web.app_context import AppContext
from assistant.web.chat import ALL
from assistant.web.chat_tab import build_chat_tab
from assistant.web.errors import shows_errors
from assistant.web.review_tab import build_review_tab
from assistant.web.uploads import PICKER_SUFFIXES, UPLOAD_SUFFIXES
from core.errors import AssistantError
from core.settings import Settings
from index.ingest_report import STATUS_ZH

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
        _table(library.document_rows(docs, library.version_groups(ctx)), library.DOC_HEADERS),
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

    @shows_errors
    def ingest(files: list[str] | None, progress=gr.Progress()):
        if not files:
            gr.Warning("请先选择要上传的文件。", title="提示")
            return (gr.skip(),) * 6

        def report(done: int, total: int, chunks: int) -> None:
            if total:
                progress((done, total), desc=f"已处理 {done}/{total} 个文件，已嵌入 {chunks} 段")

        rows = library.ingest_uploads(ctx, files, report)
        # The upload list clears: what was sent is now in the outcome table.
        return (None, _table(rows, library.OUTCOME_HEADERS), *_library_outputs(ctx))

    def ask_delete(doc_ids: list[str]):
        """删除所选 asks first: the confirmation row names how many documents go."""
        if not doc_ids:
            gr.Warning("请先勾选要删除的文档。", title="提示")
            return gr.update(visible=False), gr.skip()
        note = f"确定删除所选的 {len(doc_ids)} 篇文档吗？删除后需重新上传才能恢复。"
        return gr.update(visible=True), note

    @shows_errors
    def delete(doc_ids: list[str]):
        if not doc_ids:
            return (gr.update(visible=False), gr.skip(), *(gr.skip(),) * 5)
        files = library.delete(ctx, doc_ids)  # said in the outcome table, not in a toast
        rows = [[STATUS_ZH["removed"], f, "已从库中删除"] for f in files]
        return (
            gr.update(visible=False),
            _table(rows, library.OUTCOME_HEADERS),
            *_library_outputs(ctx),
        )

    @shows_errors
    def edit_cells(table):
        rows = table.values.tolist() if hasattr(table, "values") else table["data"]
        done = library.edit_cells(ctx, rows)
        if done:  # one short toast per save: never a stack of them under an English header
            gr.Success("；".join(done), title="完成", duration=4)
        return _library_outputs(ctx)

    # delete_cache: Gradio's copies of uploads and downloads older than a day, checked hourly
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 86400)) as app:
        gr.Markdown(f"# {TITLE}")
        with gr.Tabs():
            chat_tab = build_chat_tab(ctx)
            org, year, genre = chat_tab.org, chat_tab.year, chat_tab.genre
            with gr.Tab("文档库", id="library"):
                files = gr.File(
                    file_count="multiple",
                    file_types=list(PICKER_SUFFIXES),
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
                    interactive=True,
                    static_columns=library.STATIC_COLUMNS,
                    column_widths=library.COLUMN_WIDTHS,
                    label="已入库文档（标题、单位、日期、文种可直接修改，回车保存）",
                    elem_id="documents",
                    wrap=True,
                )
                to_delete = gr.CheckboxGroup(label="选择要删除的文档", elem_id="to-delete")
                with gr.Row():
                    delete_btn = gr.Button("删除所选", variant="stop", elem_id="delete")
                    refresh_btn = gr.Button("刷新", elem_id="refresh")
                with gr.Row(visible=False, elem_id="confirm-delete") as confirm_row:
                    confirm_note = gr.Markdown(elem_id="confirm-note")
                    confirm_btn = gr.Button("确认删除", variant="stop", elem_id="confirm")
                    cancel_btn = gr.Button("取消", elem_id="cancel")
            build_review_tab(ctx)

        chat_tab.on_load(app)
        lib_out = [docs_table, to_delete, org, year, genre]
        # One library writer at a time per app (the index's file lock would make the second wait).
        ingest_btn.click(
            ingest,
            [files],
            [files, outcomes, *lib_out],
            concurrency_limit=1,
            concurrency_id="library",
        )
        delete_btn.click(ask_delete, [to_delete], [confirm_row, confirm_note])
        cancel_btn.click(lambda: gr.update(visible=False), None, confirm_row)
        confirm_btn.click(
            delete,
            [to_delete],
            [confirm_row, outcomes, *lib_out],
            concurrency_limit=1,
            concurrency_id="library",
        )
        docs_table.input(
            edit_cells, [docs_table], lib_out, concurrency_limit=1, concurrency_id="library"
        )
        refresh_btn.click(lambda: _library_outputs(ctx), None, lib_out)
        app.load(lambda: _library_outputs(ctx), None, lib_out)
    app.assistant_context = ctx  # for tests and serve()
    app.assistant_context = ctx  # serve() warms it up; tests inspect it
    return app
