"""A checked answer with each sentence coloured in place by the verifier's label, as the 审核
tab colours a draft: 有依据 green, 无依据 yellow, 与来源不符 red (with the source's value in a
small note); 无需核对 (headings, plans) stays uncoloured. The reason is the sentence's tooltip.

The answer and the sources are model and upload text: every piece is escaped on its own
before any markup is added; a sentence that cannot be found in the text stays plain.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.generation.citations import CITATION_RE

if TYPE_CHECKING:
    from assistant.generation.types import SentenceCheck

COLOURED = ("supported", "unsupported", "contradicted")
SPANNED = (*COLOURED, "not_claim")  # a not_claim sentence gets its tooltip, no colour


def _zh(label: str) -> str:
    """The verifier's word for ``label`` (imported late: the checker loads jieba)."""
    from assistant.generation.verify import LABEL_ZH

    return LABEL_ZH[label]


def _without_markers(text: str) -> tuple[str, list[int]]:
    """``text`` without its ``[n]`` markers, and each remaining character's offset in ``text``."""
    clean: list[str] = []
    where: list[int] = []
    pos = 0
    for m in CITATION_RE.finditer(text):
        clean.append(text[pos : m.start()])
        where.extend(range(pos, m.start()))
        pos = m.end()
    clean.append(text[pos:])
    where.extend(range(pos, len(text)))
    return "".join(clean), where


def sentence_note(check: SentenceCheck) -> str:
    """What a flagged sentence's note says: 「与来源不符：草稿“40个”，来源“47个”」, or
    「无依据：……」 (plain text; empty for a supported one)."""
    if check.label == "contradicted":
        pairs = [(d, s) for _, d, s in check.differences if d or s]
        if pairs:
            said = "；".join(f"草稿“{d}”，来源“{s}”" for d, s in pairs)
            return f"{_zh('contradicted')}：{said}"
        return f"{_zh('contradicted')}：{check.reason}" if check.reason else _zh("contradicted")
    if check.label == "unsupported":
        return f"{_zh('unsupported')}：{check.reason or '资料中未找到依据'}"
    return ""


def _tooltip(check: SentenceCheck) -> str:
    head = _zh(check.label)
    if check.label == "not_claim":
        return f"{head}：{check.reason}" if check.reason else head
    if check.label == "supported":
        where = f"，见来源 [{check.n}]" if check.n is not None else ""
        return f"{head}{where}" + (f"：{check.reason}" if check.reason else "")
    tip = sentence_note(check)
    if check.source_text:  # one line: a line break inside an attribute would meet Markdown
        near = "来源原句" if check.label == "contradicted" else "最接近的来源句子"
        tip += f"；{near}：{check.source_text}"
    return tip


def _span(check: SentenceCheck, body: str) -> str:
    tip = html.escape(" ".join(_tooltip(check).split()), quote=True)
    out = f'<span class="ans-sentence ans-{check.label}" title="{tip}">{body}</span>'
    note = sentence_note(check)
    if note:
        out += f'<small class="ans-note ans-note-{check.label}">{html.escape(note)}</small>'
    return out


def coloured_answer(text: str, checks: Sequence[SentenceCheck]) -> str:
    """``text`` escaped for a Markdown component, each checked sentence in a coloured span
    (its ``[n]`` inside it) with its reason as the tooltip; text between sentences plain."""
    if not checks:
        return html.escape(text, quote=False)
    clean, where = _without_markers(text)
    out: list[str] = []
    pos = at = 0  # pos: in ``text``; at: in ``clean``
    for check in checks:
        needle = check.text.strip()
        if check.label not in SPANNED or not needle:
            continue
        found = clean.find(needle, at)
        if found < 0:
            continue
        start, end = where[found], where[found + len(needle) - 1] + 1
        out.append(html.escape(text[pos:start], quote=False))
        out.append(_span(check, html.escape(text[start:end], quote=False)))
        pos, at = end, found + len(needle)
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out)


def checked_line(checks: Sequence[SentenceCheck]) -> str:
    """「核对结果：有依据 3 句，无依据 1 句，与来源不符 0 句」 and the colours' legend (HTML)."""
    if not any(c.label in COLOURED for c in checks):
        return ""
    counts = {k: sum(c.label == k for c in checks) for k in COLOURED}
    line = "，".join(f"{_zh(k)} {v} 句" for k, v in counts.items())
    legend = "".join(f'<span class="ans-{k}">{_zh(k)}</span>' for k in COLOURED)
    return (
        f'<small class="ans-checked">核对结果：{line}。颜色：{legend}（鼠标停在句子上可看原因）'
        "</small>"
    )
