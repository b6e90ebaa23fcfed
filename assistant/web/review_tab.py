"""The web app's 审核 tab: paste or upload a draft, see each sentence coloured by its verdict,
pick a sentence to see it beside its source with the differing facts marked; export the
review as .docx (Word comments) or .html.

Mounted by ``assistant/web/app.py`` inside its ``gr.Tabs()``: ``build_review_tab(ctx)``.
"""

from __future__ import annotations

import html
from pathlib import Path

from assistant.review import formats as render
from assistant.review.checker import ReviewReport, review_text
from core.errors import ConfigError

MAX_DRAFT_CHARS = 50_000


def draft_from(text: str | None, upload: str | None) -> str:
    """The pasted text, or the uploaded .txt/.docx file's text when nothing was pasted."""
    if text and text.strip():
        return text
    if upload:
        from assistant.cli.review import read_draft

        return read_draft(str(Path(upload)))
    raise ConfigError("请粘贴草稿或上传 .txt / .docx 文件")


def choice_label(n: int, v) -> str:
    """Dropdown label of one sentence: number, verdict, the sentence's first characters."""
    snippet = v.sentence if len(v.sentence) <= 24 else v.sentence[:24] + "…"
    return f"{n}. [{render.LABEL_ZH[v.label]}] {snippet}"


def detail_html(result: ReviewReport | None, choice: str | None) -> str:
    """The chosen sentence beside its source passage, differing facts in <mark>."""
    if result is None or not choice:
        return ""
    n = int(choice.split(".", 1)[0]) - 1
    if not 0 <= n < len(result.verdicts):
        return ""
    v = result.verdicts[n]
    table = (
        '<table class="rv-detail" border="1" cellpadding="6" style="border-collapse:collapse;width:100%">'
        "<tr><th>草稿</th><th>来源</th><th>说明</th></tr>" + render.verdict_html(v) + "</table>"
    )
    passage = ""
    if v.hit is not None:
        values = [s for _, _, s in v.differences]
        passage = (
            f"<details open><summary>来源段落：{html.escape(render.citation(v))}</summary>"
            f'<div style="white-space:pre-wrap">{render.highlight(v.hit.text, values)}</div></details>'
        )
    return table + passage


def run_review(
    ctx, text: str | None, upload: str | None
) -> tuple[str, str, list[str], ReviewReport]:
    """Totals HTML, the coloured draft, dropdown choices and the report (kept in gr.State)."""
    draft = draft_from(text, upload)
    if len(draft) > MAX_DRAFT_CHARS:
        raise ConfigError(
            f"草稿过长（{len(draft)} 字），请分段审核（每次不超过 {MAX_DRAFT_CHARS} 字）"
        )
    # A lease pins the index reader: an upload finishing meanwhile cannot close it under us.
    from assistant.review.terms import terms_for_reader

    with ctx.lease_index() as (retriever, reader):
        terms = terms_for_reader(reader) if reader is not None else None  # None: injected
        result = review_text(draft, retriever, terms=terms)
    chat = ctx.chat() if hasattr(ctx, "chat") else None
    if chat is not None:
        from assistant.review.second_opinion import add_second_opinions

        add_second_opinions(result, chat)
    totals = f"<p><b>{html.escape(render.totals_line(result))}</b></p>"
    totals += "".join(f"<p class='rv-notice'>{html.escape(n)}</p>" for n in result.notices)
    if result.term_issues:
        items = "".join(
            f"<li>“{html.escape(i.found)}” → “{html.escape(i.expected)}”：{html.escape(i.reason)}</li>"
            for i in result.term_issues
        )
        totals += f"<ul class='rv-terms'>{items}</ul>"
    choices = [
        choice_label(n, v) for n, v in enumerate(result.verdicts, start=1) if v.label != "not_claim"
    ]
    return totals, render.legend_html() + render.draft_html(result), choices, result


def write_review_exports(result: ReviewReport) -> tuple[str, str]:
    """The review as .docx (a Word comment on each checked sentence) and as one .html page."""
    from assistant.web.chat import export_folder

    folder = export_folder()
    docx_path = render.to_docx(result, folder / "审核结果.docx")
    html_path = folder / "审核结果.html"
    html_path.write_text(render.to_html(result), encoding="utf-8")
    return str(docx_path), str(html_path)


def build_review_tab(ctx) -> None:
    """Add the 审核 tab to the Blocks being built (call inside ``with gr.Tabs():``)."""
    import gradio as gr

    from assistant.web.errors import shows_errors

    @shows_errors
    def on_review(text, upload):
        totals, draft, choices, result = run_review(ctx, text, upload)
        first = choices[0] if choices else None
        docx_path, html_path = write_review_exports(result)
        return (
            totals,
            draft,
            gr.update(choices=choices, value=first),
            detail_html(result, first),
            result,
            gr.update(value=docx_path, interactive=True),
            gr.update(value=html_path, interactive=True),
        )

    with gr.Tab("审核", id="review"):
        with gr.Row():
            with gr.Column(scale=3):
                text = gr.Textbox(
                    label="草稿", lines=10, placeholder="粘贴要审核的文稿……", elem_id="review-text"
                )
                upload = gr.File(
                    file_types=[".txt", ".docx"],
                    label="或上传 .txt / .docx",
                    elem_id="review-upload",
                )
                button = gr.Button("审核", variant="primary", elem_id="review-run")
                with gr.Row():
                    docx_btn = gr.DownloadButton(
                        "导出 Word（带批注）", interactive=False, elem_id="review-docx"
                    )
                    html_btn = gr.DownloadButton(
                        "导出网页（.html）", interactive=False, elem_id="review-html"
                    )
            with gr.Column(scale=4):
                totals = gr.HTML(elem_id="review-totals")
                draft = gr.HTML(elem_id="review-draft")
        pick = gr.Dropdown(choices=[], label="选择句子查看来源", elem_id="review-pick")
        detail = gr.HTML(elem_id="review-detail")
        state = gr.State(None)
    button.click(
        on_review, [text, upload], [totals, draft, pick, detail, state, docx_btn, html_btn]
    )
    pick.change(detail_html, [state, pick], [detail])
