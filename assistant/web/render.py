"""HTML for the web app. Every piece of source text is escaped before any markup is added.

Sources come from files anyone could have uploaded; a ``<script>`` or ``onerror`` in a
report must show as text, never run. So highlighting finds matches in the *raw* text and
escapes each segment separately (escaping first and then searching would let a term such
as ``lt`` match inside ``&lt;``).
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from assistant.export import file_name

if TYPE_CHECKING:
    from assistant.generation.types import AnswerResult, Citation

EXTRACTIVE_LABEL = "抽取式模式（未使用大模型）"
MAX_TERMS = 24
# Question words that say nothing about the topic: never highlighted.
QUESTION_WORDS = {"多少", "哪些", "什么", "怎么", "如何", "怎样", "是否", "有没有", "情况", "请问"}


def question_terms(question: str) -> list[str]:
    """Words of ``question`` worth highlighting: jieba words of two or more characters, or
    digits; a unit the question names (西安市住建局) is one term with its short form (住建局),
    never the fragments jieba cuts it into (建局)."""
    import jieba

    from assistant.conversation.subject import find_units

    units = find_units(question)
    terms: set[str] = set()
    for unit in units:
        terms.add(unit)
        short = re.sub(r"^.*?(?:省|市|区|县|州|新区)(?=.{2,})", "", unit)
        if len(short) >= 2:
            terms.add(short)
    pos = 0
    for word in jieba.lcut(question):
        start, pos = pos, pos + len(word)
        inside = any(u in question and _within(question, u, start, pos) for u in units)
        if inside or word in QUESTION_WORDS:
            continue
        if len(word) >= 2 or word.isdigit():
            terms.add(word)
    return sorted(terms, key=lambda t: (-len(t), t))[:MAX_TERMS]


def _within(text: str, unit: str, start: int, end: int) -> bool:
    at = text.find(unit)
    while at != -1:
        if at <= start and end <= at + len(unit):
            return True
        at = text.find(unit, at + 1)
    return False


def _word_bounds(text: str) -> set[int]:
    """Offsets where a jieba word starts or ends."""
    import jieba

    bounds = {0, len(text)}
    for _, start, end in jieba.tokenize(text):
        bounds.update((start, end))
    return bounds


def highlight(text: str, terms: list[str]) -> str:
    """``text`` HTML-escaped, with every occurrence of ``terms`` wrapped in ``<mark>``; a match
    of two characters only when it is a whole jieba word (「建局」 inside 「住建局」 is not)."""
    if not terms:
        return html.escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    bounds = _word_bounds(text)
    out, pos = [], 0
    for m in pattern.finditer(text):
        whole = len(m.group()) >= 3 or (m.start() in bounds and m.end() in bounds)
        if not whole:  # a short match must be a word: 「建局」 inside 「住建局」 is not
            continue
        out.append(html.escape(text[pos : m.start()]))
        out.append(f"<mark>{html.escape(m.group())}</mark>")
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def escape_answer(text: str) -> str:
    """The answer for a Markdown component: any HTML in it shows as text."""
    return html.escape(text, quote=False)


def sources_html(
    citations: list[Citation], question: str, note: str = "", asked_period: str = ""
) -> str:
    """The 来源 panel: ``[n] 标题 · 章节 · 文件名``, the period each passage speaks of
    (「所述时期：2022年」) and the passage, matches highlighted; ``asked_period``: the period the
    question asks about, shown on top."""
    from assistant.retrieval.time_aware import hit_periods

    if not citations:
        return '<div class="sources-empty">暂无来源</div>'
    terms = question_terms(question)
    parts = ['<div class="sources">']
    if asked_period:
        parts.append(f'<div class="sources-asked">问题所问时期：{html.escape(asked_period)}</div>')
    if note:
        parts.append(f'<div class="sources-note">{html.escape(note)}</div>')
    for c in citations:
        hit = c.hit
        head = []
        if hit.title:
            head.append(f'<span class="source-title">{html.escape(hit.title)}</span>')
        if hit.section_path:
            head.append(f'<span class="source-section">{html.escape(hit.section_path)}</span>')
        name = file_name(hit.source_path)
        if name:
            head.append(f'<span class="source-file">{html.escape(name)}</span>')
        hit_periods(hit)
        period = hit.metadata.get("period") or ""
        when = f'<div class="source-period">所述时期：{html.escape(period)}</div>' if period else ""
        parts.append(
            f'<div class="source" id="source-{c.n}">'
            f'<div class="source-head"><span class="source-n">[{c.n}]</span> {" · ".join(head)}</div>'
            f"{when}"
            f'<div class="source-text">{highlight(hit.text, terms)}</div></div>'
        )
    parts.append("</div>")
    return "".join(parts)


def cited_sources(result: AnswerResult) -> tuple[list[Citation], str]:
    """The sources the final text cites (by number); all of them, with a note, when none is cited."""
    cited = set(result.cited)
    chosen = sorted((c for c in result.sources if c.n in cited), key=lambda c: c.n)
    if chosen:
        return chosen, ""
    return result.sources, "回答未引用任何来源；以下为检索到的段落。" if result.sources else ""


def mode_label_html(result: AnswerResult | None) -> str:
    """A clear banner saying whether a language model wrote the text."""
    if result is None:
        return ""
    checked = _checked_html(result)
    if result.extractive:
        return (
            f'<div class="mode-label extractive">{EXTRACTIVE_LABEL}：以下内容摘自来源原文。</div>'
            + checked
        )
    who = html.escape(result.generator_label or "大模型", quote=False)
    return f'<div class="mode-label generated">由{who}生成，已逐句对照来源核对。</div>' + checked


def progress_html(text: str) -> str:
    """Which section of a draft is being written."""
    return f'<div class="mode-label progress">{html.escape(text, quote=False)}</div>'


def _checked_html(result: AnswerResult) -> str:
    """Counts of the verifier's labels (each sentence is coloured in the answer itself)."""
    from assistant.generation.verify import LABEL_ZH

    if not result.verified or not result.sentences:
        return ""
    counts = {k: 0 for k in ("supported", "unsupported", "contradicted")}
    for s in result.sentences:
        if s.label in counts:
            counts[s.label] += 1
    line = "，".join(f"{LABEL_ZH[k]} {v} 句" for k, v in counts.items())
    return f'<div class="checked">核对结果：{line}（句子按核对结果着色）</div>'


def notices_markdown(notices: list[str]) -> str:
    """Notices as an escaped bullet list for the info box."""
    return "\n".join(f"- {html.escape(n, quote=False)}" for n in notices)


CSS = """
.source { border-left: 3px solid #c0392b; padding: 4px 10px; margin: 8px 0; }
.source-head { font-weight: 600; margin-bottom: 4px; }
.source-period, .sources-asked { color: #555; font-size: 0.9em; margin-bottom: 4px; }
.source-text { white-space: pre-wrap; line-height: 1.7; }
.source-text mark { background: #ffe58a; padding: 0 1px; }
.mode-label { padding: 6px 10px; border-radius: 4px; font-weight: 600; }
.mode-label.extractive { background: #fff4e5; color: #8a4b00; border: 1px solid #f0b35a; }
.mode-label.generated { background: #eef6ff; color: #1d4f8c; border: 1px solid #9cc3f0; }
.mode-label.progress { background: #f4f4f4; color: #333; border: 1px solid #ccc; }
.checked { color: #555; font-size: 0.9em; margin: 4px 0; }
/* A checked answer, coloured in place as the 审核 tab colours a draft (review.formats.COLOURS). */
.ans-supported { background: #d9f2d9; }
.ans-unsupported { background: #fff0b3; }
.ans-contradicted { background: #f8c9c4; }
.ans-sentence { border-radius: 3px; padding: 0 1px; cursor: help; }
.ans-note { margin: 0 4px; padding: 0 4px; border-radius: 3px; font-size: 0.85em; color: #7a1f12;
  border: 1px solid #e3a59c; }
.ans-note-unsupported { color: #6b5200; border-color: #e6cf73; }
.ans-checked { display: block; color: #555; }
.ans-checked span { display: inline-block; padding: 0 6px; margin: 0 2px; border-radius: 3px; }
.sources-turn { font-weight: 600; color: #333; margin: 4px 0 8px; }
#chat .message blockquote { color: #555; border-left: 3px solid #9cc3f0; margin: 0 0 6px;
  padding: 2px 8px; }
/* The copy icon sits in its own strip, never over the first line of text. */
#chat .message-buttons-right, #chat .message-buttons-left { position: static; }
#chat .message { padding-right: 12px; }
#chat .top-panel { position: static; display: flex; justify-content: flex-end; }
.rv-legend span { display: inline-block; padding: 1px 8px; margin-right: 8px; border-radius: 3px; }
.rv-term { text-decoration: underline wavy #c0392b; text-underline-offset: 3px; }
/* Toast headers in Chinese: Gradio 6 heads a toast with its type in English ("Info",
   "Warning (2)") and does not show the title it is given. */
.toast-title { font-size: 0 !important; }
.toast-title::before { font-size: var(--text-md, 14px); }
.toast-title.info::before, .toast-title.warning::before { content: "提示"; }
.toast-title.error::before { content: "错误"; }
.toast-title.success::before { content: "完成"; }
/* Narrow windows (800 px): one column, the chat first, then its sources, then the list. */
@media (max-width: 900px) {
  #chat-row { flex-direction: column; }
  #chat-row > * { width: 100%; min-width: 0 !important; }
  #chat-list-col { order: 3; }
  #chat-main-col { order: 1; }
  #chat-sources-col { order: 2; }
}
"""
