"""Render a ``ReviewReport`` as JSON, Markdown, HTML (every text escaped) or a commented .docx."""

from __future__ import annotations

import html
import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from assistant.retrieval.time_aware import hit_periods
from assistant.review.checker import ReviewReport, Verdict
from core.periods import label

LABEL_ZH = {
    "supported": "有依据",
    "contradicted": "与来源不符",
    "unsupported": "未找到依据",
    "not_claim": "非事实陈述",
}
COLOURS = {
    "supported": "#d9f2d9",
    "contradicted": "#f8c9c4",
    "unsupported": "#fff0b3",
    "not_claim": "#eeeeee",
}
COMMENT_AUTHOR = "审核助手"


def citation(v: Verdict) -> str:
    """Where the verdict's source passage comes from: title > section path (or the file)."""
    if v.hit is None:
        return ""
    where = " > ".join(p for p in (v.hit.title, v.hit.section_path) if p)
    return where or v.hit.source_path


def verdict_dict(v: Verdict) -> dict[str, Any]:
    """A verdict as plain data (the hit reduced to its provenance)."""
    out = asdict(v)
    out["hit"] = (
        None
        if v.hit is None
        else {
            **{
                k: getattr(v.hit, k)
                for k in ("chunk_id", "doc_id", "title", "section_path", "source_path", "text")
            },
            "period": label(hit_periods(v.hit)),  # what the source passage speaks of
        }
    )
    out["label_zh"] = LABEL_ZH[v.label]
    return out


def to_json(report: ReviewReport) -> str:
    """The whole report: totals, verdicts and terminology issues."""
    data = {
        "totals": report.totals,
        "verdicts": [verdict_dict(v) for v in report.verdicts],
        "term_issues": [asdict(i) for i in report.term_issues],
        "notices": list(report.notices),
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _md(text: str) -> str:
    """Escape Markdown and HTML specials so a draft cannot inject markup into the rendered page."""
    text = html.escape(text, quote=False)
    return re.sub(r"([\\`*_{}\[\]()#+\-!|>])", r"\\\1", text)


def totals_line(report: ReviewReport) -> str:
    """审核结果：有依据 3 · 与来源不符 1 · … · 提法问题 2"""
    t = report.totals
    parts = [f"{LABEL_ZH[k]} {t[k]}" for k in LABEL_ZH]
    return "审核结果：" + " · ".join(parts) + f" · 提法问题 {t['terms']}"


def to_markdown(report: ReviewReport) -> str:
    """A Markdown report: totals, then one entry per checked sentence, then terminology issues."""
    lines = [f"# 文稿审核报告\n\n{totals_line(report)}\n"] + [
        f"> {_md(n)}\n" for n in report.notices
    ]
    for n, v in enumerate(report.verdicts, start=1):
        lines.append(f"## {n}. {LABEL_ZH[v.label]}\n\n> {_md(v.sentence)}\n")
        if v.reason and v.label != "supported":
            lines.append(f"- 说明：{_md(v.reason)}")
        if v.differences:
            lines += [
                f"- {_md(kind)}：草稿 **{_md(d)}**，来源 **{_md(s)}**"
                for kind, d, s in v.differences
            ]
        if v.unbacked:
            lines.append("- 来源中没有：" + "、".join(_md(t) for _, t in v.unbacked))
        if v.source_sentence:
            lines.append(f"- 来源（{_md(citation(v))}）：{_md(v.source_sentence)}")
        if v.second_opinion:
            lines.append(f"- 模型的第二意见（仅供参考）：{_md(v.second_opinion)}")
        lines.append("")
    if report.term_issues:
        lines.append("## 提法\n")
        lines += [
            f"- “{_md(i.found)}” → “{_md(i.expected)}”：{_md(i.reason)}" for i in report.term_issues
        ]
    return "\n".join(lines) + "\n"


def highlight(text: str, values: list[str]) -> str:
    """``text`` HTML-escaped, with every occurrence of each value wrapped in <mark>."""
    values = sorted({v for v in values if v}, key=len, reverse=True)
    if not values:
        return html.escape(text)
    rx = re.compile("|".join(re.escape(v) for v in values))
    out, pos = [], 0
    for m in rx.finditer(text):
        out += [html.escape(text[pos : m.start()]), f"<mark>{html.escape(m.group(0))}</mark>"]
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _with_terms(text: str, start: int, end: int, issues: list[Any]) -> str:
    """``text[start:end]`` escaped, each terminology issue inside it underlined on its words."""
    out, pos = [], start
    for i in sorted(issues, key=lambda i: i.start):
        if i.start < pos or i.end > end:
            continue
        tip = html.escape(f"提法：“{i.found}”应为“{i.expected}”（{i.reason}）")
        out += [
            html.escape(text[pos : i.start]),
            f'<u class="rv-term" title="{tip}">{html.escape(text[i.start : i.end])}</u>',
        ]
        pos = i.end
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def legend_html() -> str:
    """What each colour of the coloured draft means, and the underline of a 提法 issue."""
    items = "".join(
        f'<span class="rv-{k}" style="background:{COLOURS[k]}">{html.escape(LABEL_ZH[k])}</span>'
        for k in ("supported", "contradicted", "unsupported", "not_claim")
    )
    return f'<div class="rv-legend">颜色说明：{items}<u class="rv-term">波浪线：提法问题</u></div>'


def draft_html(report: ReviewReport) -> str:
    """The draft itself, each sentence in a span coloured by its verdict (title = the reason),
    terminology issues underlined where they are."""
    out, pos = [], 0
    issues = list(report.term_issues)
    for n, v in enumerate(report.verdicts, start=1):
        out.append(_with_terms(report.text, pos, v.start, issues))
        style = f"background:{COLOURS[v.label]}"
        tip = html.escape(f"{n}. {LABEL_ZH[v.label]}：{v.reason}")
        body = _with_terms(report.text, v.start, v.end, issues)
        out.append(f'<span class="rv-{v.label}" style="{style}" title="{tip}">{body}</span>')
        pos = v.end
    out.append(_with_terms(report.text, pos, len(report.text), issues))
    return (
        '<div class="rv-draft" style="white-space:pre-wrap;line-height:1.9">'
        + "".join(out)
        + "</div>"
    )


def verdict_html(v: Verdict) -> str:
    """One sentence beside its source, the differing values marked in both."""
    draft_vals = [d for _, d, _ in v.differences] + [t for _, t in v.unbacked]
    source_vals = [s for _, _, s in v.differences]
    rows = [
        f'<td style="background:{COLOURS[v.label]}"><b>{html.escape(LABEL_ZH[v.label])}</b><br>'
        f"{highlight(v.sentence, draft_vals)}</td>",
        f"<td>{highlight(v.source_sentence, source_vals)}<br><small>{html.escape(citation(v))}</small></td>",
    ]
    extra = html.escape(v.reason)
    if v.second_opinion:
        extra += "<br><i>模型的第二意见（仅供参考）：" + html.escape(v.second_opinion) + "</i>"
    return f"<tr>{''.join(rows)}<td>{extra}</td></tr>"


def to_html(report: ReviewReport) -> str:
    """A standalone HTML page: totals, the coloured draft, a sentence-by-source table, terminology."""
    table = "".join(verdict_html(v) for v in report.verdicts if v.label != "not_claim")
    terms = "".join(
        f"<li>“{html.escape(i.found)}” → “{html.escape(i.expected)}”：{html.escape(i.reason)}</li>"
        for i in report.term_issues
    )
    return (
        '<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>文稿审核报告</title></head><body>'
        "<style>.rv-term{text-decoration:underline wavy #c0392b}"
        ".rv-legend span{padding:1px 8px;margin-right:8px}</style>"
        f"<h1>文稿审核报告</h1><p>{html.escape(totals_line(report))}</p>"
        + legend_html()
        + "".join(f"<p>{html.escape(n)}</p>" for n in report.notices)
        + draft_html(report)
        + '<h2>逐句核对</h2><table border="1" cellpadding="4" style="border-collapse:collapse">'
        f"<tr><th>草稿</th><th>来源</th><th>说明</th></tr>{table}</table>"
        + (f"<h2>提法</h2><ul>{terms}</ul>" if terms else "")
        + "</body></html>"
    )


def to_docx(report: ReviewReport, path: Path) -> Path:
    """The draft as .docx: sentences highlighted by verdict, a Word comment on each checked sentence."""
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX

    colours = {
        "supported": WD_COLOR_INDEX.BRIGHT_GREEN,
        "contradicted": WD_COLOR_INDEX.RED,
        "unsupported": WD_COLOR_INDEX.YELLOW,
    }
    doc = Document()
    doc.add_paragraph(totals_line(report))
    by_start = sorted(report.verdicts, key=lambda v: v.start)
    line_start = 0
    for line in report.text.split("\n"):
        line_end = line_start + len(line)
        para = doc.add_paragraph()
        pos = line_start
        for v in by_start:
            if v.start < line_start or v.start >= line_end:
                continue
            if v.start > pos:
                para.add_run(report.text[pos : v.start])
            run = para.add_run(report.text[v.start : min(v.end, line_end)])
            if v.label in colours:
                run.font.highlight_color = colours[v.label]
                doc.add_comment(run, text=_comment(v), author=COMMENT_AUTHOR, initials="审")
            pos = min(v.end, line_end)
        if pos < line_end:
            para.add_run(report.text[pos:line_end])
        line_start = line_end + 1
    for issue in report.term_issues:
        doc.add_paragraph(f"提法：“{issue.found}” → “{issue.expected}”（{issue.reason}）")
    path = Path(path)
    doc.save(str(path))
    return path


def _comment(v: Verdict) -> str:
    text = f"{LABEL_ZH[v.label]}：{v.reason}"
    if v.source_sentence:
        text += f"\n来源（{citation(v)}）：{v.source_sentence}"
    if v.second_opinion:
        text += f"\n模型的第二意见（仅供参考）：{v.second_opinion}"
    return text
