"""A whole conversation as Markdown or Word: each turn's question, how it was understood, who
answered, the answer, and the sources that turn cites (numbered per turn, as on the page)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from assistant.export import source_label
from assistant.export.markdown import _escape

if TYPE_CHECKING:
    from assistant.conversation.types import Conversation, Turn

UNDERSTOOD = "理解为："


def _mode_line(turn: Turn) -> str:
    from assistant.generation.types import MODE_NAMES_ZH

    return f"{MODE_NAMES_ZH.get(turn.mode, turn.mode)} · {turn_label(turn)}"


def turn_label(turn: Turn) -> str:
    """Who wrote a turn's answer, as the exports and the page state it."""
    if turn.extractive:
        return "抽取式（资料原文摘录）"
    return f"{turn.label or '大模型'}生成，已逐句核对"


def conversation_markdown(conv: Conversation) -> str:
    """``# title``, then per turn: ``## 问`` the question, 理解为, mode, answer, 参考来源."""
    out = [f"# {_escape(conv.title)}", ""]
    for i, turn in enumerate(conv.turns, start=1):
        out += [f"## {i}. {_escape(turn.question)}", ""]
        if turn.understood:
            out += [f"> {UNDERSTOOD}{_escape(turn.understood)}", ""]
        out += [f"*{_mode_line(turn)}*", "", turn.answer.strip() or "（无回答）", ""]
        sources = turn.cited_sources if turn.cited else []
        if sources:
            out += ["参考来源：", ""]
            out += [f"- {_escape(source_label(c))}" for c in sources]
            out.append("")
    return "\n".join(out)


def conversation_docx(conv: Conversation, path: Path) -> Path:
    """The conversation in the house style: one 黑体 heading per question; returns ``path``."""
    from assistant.export.docx import (
        add_heading,
        add_plain,
        add_sources,
        add_text,
        add_title,
        new_document,
        save_document,
    )

    doc = new_document()
    add_title(doc, conv.title)
    for i, turn in enumerate(conv.turns, start=1):
        add_heading(doc, f"{i}. {turn.question}")
        if turn.understood:
            add_plain(doc, f"{UNDERSTOOD}{turn.understood}")
        add_plain(doc, f"（{_mode_line(turn)}）")
        add_text(doc, turn.answer or "（无回答）")
        sources = turn.cited_sources if turn.cited else []
        if sources:
            add_sources(doc, sources)
    return save_document(doc, path)
