"""The 对话 tab: past conversations on the left, the chat in the middle, the chosen turn's
来源 on the right. Mounted by ``app.py`` inside its ``gr.Tabs()``: ``build_chat_tab(ctx)``
returns its three filter dropdowns (the 文档库 tab refreshes their choices)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

import gradio as gr

from assistant.web import render
from assistant.web.chat import ALL, MODES, NO_SKELETON, stream_answer
from assistant.web.conversation import ChatSession, ChatView, user_of
from assistant.web.errors import shows_errors
from assistant.web.generators import generator_picker, refuse_missing
from prompts import skeleton_names

if TYPE_CHECKING:
    from assistant.web.app_context import AppContext

INPUT_LABEL = "问题或起草要求（Enter 发送，Shift+Enter 换行）"


def build_chat_tab(ctx: AppContext) -> ChatTab:
    """Add the 对话 tab to the Blocks being built (call inside ``with gr.Tabs():``)."""
    settings = ctx.settings
    session = ChatSession(ctx)
    missing = ctx.unavailable()  # generators this server cannot run (fixed until a restart)

    def outputs(view: ChatView, user: str, *, clear_question: bool = False) -> tuple:
        return (
            view.messages,
            view.sources,
            view.understood,
            view.conversation_id,
            view.turn,
            gr.update(choices=session.conversations(user), value=view.conversation_id),
            gr.update(value=view.docx, interactive=view.docx is not None),
            gr.update(value=view.md, interactive=view.md is not None),
            "" if clear_question else gr.skip(),
        )

    @shows_errors
    def send(
        question, conv_id, mode, org, year, genre, strict, skel, unit, gen, request: gr.Request
    ):
        user = user_of(request)
        options = (mode, org, year, genre, strict, skel, unit, gen)
        for view in session.ask(user, conv_id, question, *options):
            yield outputs(view, user, clear_question=True)

    @shows_errors
    def regenerate(
        conv_id, turn, understood, mode, org, year, genre, strict, skel, unit, gen,
        request: gr.Request,
    ):  # fmt: skip
        user = user_of(request)
        options = (mode, org, year, genre, strict, skel, unit, gen)
        for view in session.regenerate(user, conv_id, turn, understood, *options):
            yield outputs(view, user)

    def ask_once(
        question, mode, org, year, genre, strict=True, skel=NO_SKELETON, unit="", generator=None
    ):
        for view in stream_answer(
            ctx, question, mode, org, year, genre, strict, skel, unit, generator
        ):
            yield (
                view.answer,
                view.label,
                render.notices_markdown(view.notices),
                view.sources,
                view.docx,
                view.md,
            )

    @shows_errors
    def pick_turn(conv_id, evt: gr.SelectData, request: gr.Request):
        index = evt.index if isinstance(evt.index, int) else evt.index[0]
        return outputs(session.show_turn(user_of(request), conv_id, index), user_of(request))

    @shows_errors
    def open_conversation(conv_id, request: gr.Request):
        return outputs(session.open(user_of(request), conv_id), user_of(request))

    @shows_errors
    def new_conversation(request: gr.Request):
        return outputs(session.open(user_of(request), None), user_of(request))

    @shows_errors
    def rename(conv_id, title, request: gr.Request):
        session.rename(user_of(request), conv_id, title)
        gr.Success("对话已重命名。", title="完成")
        return (*outputs(session.open(user_of(request), conv_id), user_of(request)), "")

    @shows_errors
    def delete(conv_id, request: gr.Request):
        session.delete(user_of(request), conv_id)
        gr.Success("对话已删除。", title="完成")
        return outputs(session.open(user_of(request), None), user_of(request))

    with gr.Tab("对话", id="chat"):
        with gr.Row(elem_id="chat-row", equal_height=False):
            with gr.Column(scale=1, min_width=180, elem_id="chat-list-col"):
                new_btn = gr.Button("＋ 新对话", elem_id="new-conversation")
                history = gr.Radio([], label="历史对话", elem_id="conversations", interactive=True)
                title = gr.Textbox(
                    label="重命名当前对话", placeholder="新名称", elem_id="rename-text"
                )
                with gr.Row():
                    rename_btn = gr.Button("重命名", size="sm", elem_id="rename")
                    delete_btn = gr.Button(
                        "删除", size="sm", variant="stop", elem_id="delete-conversation"
                    )
            with gr.Column(scale=4, min_width=320, elem_id="chat-main-col"):
                with gr.Row(equal_height=True):
                    mode = gr.Radio(
                        list(MODES), value="问答", label="模式", elem_id="mode", scale=3
                    )
                    generator = generator_picker(settings, missing, scale=2)
                with gr.Row():
                    org = gr.Dropdown([ALL], value=ALL, label="单位", elem_id="filter-org")
                    year = gr.Dropdown([ALL], value=ALL, label="年份", elem_id="filter-year")
                    genre = gr.Dropdown([ALL], value=ALL, label="文种", elem_id="filter-genre")
                chatbot = gr.Chatbot(
                    label="对话",
                    elem_id="chat",
                    height=520,
                    buttons=["copy", "copy_all"],
                    feedback_options=None,
                    placeholder="在下方输入问题。追问时可以省略单位和年份，例如“那在职党员有多少名？”",
                    line_breaks=True,
                )
                question = gr.Textbox(
                    label=INPUT_LABEL,
                    lines=1,
                    max_lines=6,
                    placeholder="例如：市住建局有多少在职党员？（Enter 发送，Shift+Enter 换行）",
                    max_length=settings.max_question_chars,
                    elem_id="question",
                )
                with gr.Row():
                    submit = gr.Button("发送", variant="primary", elem_id="submit")
                    docx_btn = gr.DownloadButton(
                        "导出对话 Word（.docx）", interactive=False, elem_id="download-docx"
                    )
                    md_btn = gr.DownloadButton(
                        "导出对话 Markdown（.md）", interactive=False, elem_id="download-md"
                    )
                with gr.Row():
                    understood = gr.Textbox(
                        label="理解为（可修改，再点“重新生成”）",
                        elem_id="understood",
                        scale=4,
                    )
                    regen_btn = gr.Button("重新生成", elem_id="regenerate", scale=1)
                with gr.Accordion("起草选项", open=False):
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
            with gr.Column(scale=3, min_width=280, elem_id="chat-sources-col"):
                gr.Markdown("### 来源（点击对话中的某一轮查看）")
                sources = gr.HTML(elem_id="sources", js_on_load=None)
        conv_id = gr.State(None)
        turn = gr.State(None)
        # The one-shot `/ask` API (scripts, load tests): one answer, kept in no conversation.
        with gr.Group(visible=False):
            api_out = [gr.Markdown(), gr.HTML(), gr.Markdown(), gr.HTML(), gr.File(), gr.File()]
            api_btn = gr.Button()

    out = [chatbot, sources, understood, conv_id, turn, history, docx_btn, md_btn, question]
    options = [mode, org, year, genre, strict, skeleton_name, unit, generator]
    generator.change(refuse_missing(settings, missing), [generator], [generator])
    submit.click(send, [question, conv_id, *options], out, api_name="chat_send")
    question.submit(send, [question, conv_id, *options], out, api_visibility="private")
    api_btn.click(ask_once, [question, *options], api_out, api_name="ask")
    regen_btn.click(
        regenerate, [conv_id, turn, understood, *options], out, api_name="chat_regenerate"
    )
    chatbot.select(pick_turn, [conv_id], out, api_visibility="private")
    history.input(open_conversation, [history], out, api_name="chat_open")
    new_btn.click(new_conversation, None, out, api_name="chat_new")
    chatbot.clear(
        new_conversation, None, out, api_visibility="private"
    )  # the chat's own 清空 starts a new conversation
    rename_btn.click(rename, [conv_id, title], [*out, title], api_name="chat_rename")
    delete_btn.click(delete, [conv_id], out, api_name="chat_delete")

    @shows_errors
    def on_page_load(request: gr.Request):
        return gr.update(choices=session.conversations(user_of(request)), value=None)

    return ChatTab(
        org,
        year,
        genre,
        lambda app: app.load(on_page_load, None, [history], api_visibility="private"),
    )


class ChatTab(NamedTuple):
    """The 对话 tab's filter dropdowns and ``on_load(app)``, which lists the user's conversations
    when a page opens (a Blocks-level event, so the app registers it)."""

    org: gr.Dropdown
    year: gr.Dropdown
    genre: gr.Dropdown
    on_load: Callable[[gr.Blocks], object]
