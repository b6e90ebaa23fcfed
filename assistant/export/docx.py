"""Word export in the house style of 党政机关公文 (GB/T 9704-2012, approximately).

Title 方正小标宋简体 二号 centred; body 仿宋_GB2312 三号 with a two-character first-line
indent and a fixed 28-point line; headings by their numbering: ``一、`` 黑体, ``（一）``
楷体_GB2312, ``1.`` 仿宋_GB2312 bold. When a numbered heading runs on into its paragraph
(``（一）加强领导。正文……``) only the heading sentence takes the heading font. Sources
follow as a numbered 参考来源 list.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from assistant.export import source_label

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph

    from assistant.generation.types import Citation

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
LINE = Pt(28)
INDENT_CHARS = 2

_NUM = "一二三四五六七八九十百"
HEADINGS = (  # (level, pattern, font, bold)
    (1, re.compile(rf"^[{_NUM}]+、"), H1_FONT, False),
    (2, re.compile(rf"^[（(][{_NUM}]+[）)]"), H2_FONT, False),
    (3, re.compile(r"^\d{1,2}[.．](?!\d)"), BODY_FONT, True),
)
_MD_HEADING = re.compile(r"^#{1,6}\s*")
_SENTENCE_END = re.compile(r"[。！？]")
_LABEL_LINE = re.compile(r"^【[^】]*】$")


def _set_font(run_or_style, font: str, size: Pt, bold: bool = False) -> None:
    """Font on a run or style, East-Asian slot included; theme fonts removed so ours win."""
    run_or_style.font.name = font
    run_or_style.font.size = size
    run_or_style.font.bold = bold
    run_or_style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(slot), font)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)


def _indent_first_line(paragraph: Paragraph) -> None:
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = BODY_SIZE * INDENT_CHARS
    # Word measures the indent in characters when firstLineChars is present.
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(INDENT_CHARS * 100))


def _setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    _set_font(normal, BODY_FONT, BODY_SIZE)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    title = doc.styles["Title"]
    _set_font(title, TITLE_FONT, TITLE_SIZE)
    ppr = title.element.get_or_add_pPr()
    for extra in ppr.findall(qn("w:pBdr")) + title.element.rPr.findall(qn("w:spacing")):
        extra.getparent().remove(extra)  # the template's blue rule and letter spacing
    tfmt = title.paragraph_format
    tfmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    tfmt.line_spacing = Pt(36)
    tfmt.space_before, tfmt.space_after = Pt(0), LINE
    for level, _, font, bold in HEADINGS:
        style = doc.styles[f"Heading {level}"]
        _set_font(style, font, BODY_SIZE, bold)
        style.font.italic = False
        sfmt = style.paragraph_format
        sfmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        sfmt.line_spacing = LINE
        sfmt.space_before = sfmt.space_after = Pt(0)
        sfmt.keep_with_next = True


def _clean(line: str) -> str:
    """Drop Markdown a model may have added (``## ``, ``**``)."""
    return _MD_HEADING.sub("", line).replace("**", "").strip()


def _heading_of(line: str) -> tuple[int, str, bool] | None:
    for level, pattern, font, bold in HEADINGS:
        if pattern.match(line):
            return level, font, bold
    return None


def _add_line(doc, line: str, flagged: dict[str, str] | None = None) -> None:
    heading = _heading_of(line)
    if heading is None:
        p = doc.add_paragraph()
        _indent_first_line(p)
        _add_body(doc, p, line, flagged or {})
        return
    level, font, bold = heading
    end = _SENTENCE_END.search(line)
    head, rest = (line[: end.end()], line[end.end() :]) if end else (line, "")
    if not rest.strip():
        p = doc.add_paragraph(style=f"Heading {level}")
        _indent_first_line(p)
        _set_font(p.add_run(line), font, BODY_SIZE, bold)
        return
    p = doc.add_paragraph()
    _indent_first_line(p)
    _set_font(p.add_run(head), font, BODY_SIZE, bold)
    _set_font(p.add_run(rest), BODY_FONT, BODY_SIZE)


def _add_body(doc, p, line: str, flagged: dict[str, str]) -> None:
    """The line's runs; a sentence the verifier flagged is a run of its own with a comment."""
    spans = sorted(
        (line.find(sentence), sentence, note)
        for sentence, note in flagged.items()
        if sentence and sentence in line
    )
    pos = 0
    for at, sentence, note in spans:
        if at < pos:
            continue
        if at > pos:
            _set_font(p.add_run(line[pos:at]), BODY_FONT, BODY_SIZE)
        run = p.add_run(sentence)
        _set_font(run, BODY_FONT, BODY_SIZE)
        doc.add_comment(run, text=note, author="文稿起草助手", initials="核")
        pos = at + len(sentence)
    if pos < len(line):
        _set_font(p.add_run(line[pos:]), BODY_FONT, BODY_SIZE)


def flagged_sentences(checks) -> dict[str, str]:
    """Sentence text → Word comment, for each sentence the verifier found 无依据 or 与来源不符."""
    out = {}
    for c in checks or []:
        if c.label == "unsupported":
            out[c.text.strip().rstrip("。；;")] = f"无依据：{c.reason}"
        elif c.label == "contradicted":
            values = "；".join(f"草稿“{d}”，来源“{src}”" for _, d, src in c.differences)
            out[c.text.strip().rstrip("。；;")] = f"与来源不符：{values or c.reason}"
    return out


def add_text(doc, text: str, checks=None) -> None:
    """``text`` one paragraph a line; extractive 【标题 · 章节】 labels are left out (the
    sources list names every passage)."""
    flagged = flagged_sentences(checks)
    for raw in text.splitlines():
        line = _clean(raw)
        if line and not _LABEL_LINE.match(line):
            _add_line(doc, line, flagged)


def add_sources(doc, sources) -> None:
    """A 参考来源 heading and one line per source: number, title, section, unit, year."""
    p = doc.add_paragraph(style="Heading 1")
    p.paragraph_format.space_before = LINE
    _set_font(p.add_run("参考来源"), H1_FONT, BODY_SIZE)
    for c in sources:
        _set_font(doc.add_paragraph().add_run(source_label(c)), BODY_FONT, BODY_SIZE)


def new_document():
    """An empty document in the house style."""
    doc = Document()
    _setup(doc)
    return doc


def add_title(doc, title: str, label: str = "") -> None:
    """The centred title and, under it, who wrote the text (``label``)."""
    if title.strip():
        p = doc.add_paragraph(style="Title")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(p.add_run(title.strip()), TITLE_FONT, TITLE_SIZE)
    if label:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(p.add_run(f"（{label}）"), BODY_FONT, BODY_SIZE)


def add_heading(doc, text: str) -> None:
    """A 黑体 heading line (one turn of a conversation)."""
    p = doc.add_paragraph(style="Heading 1")
    p.paragraph_format.space_before = LINE
    _set_font(p.add_run(text), H1_FONT, BODY_SIZE)


def add_plain(doc, text: str) -> None:
    """One indented body paragraph, as written."""
    p = doc.add_paragraph()
    _indent_first_line(p)
    _set_font(p.add_run(text), BODY_FONT, BODY_SIZE)


def to_docx(
    title: str,
    text: str,
    sources: list[Citation] | None,
    path: Path,
    *,
    checks=None,
    label: str = "",
) -> Path:
    """Write ``text`` (one paragraph a line) under ``title`` to ``path``; returns ``path``.

    ``checks``: the verifier's ``SentenceCheck``s; flagged sentences carry Word comments.
    ``label``: who wrote it (e.g. 本地模型（Qwen2.5-1.5B）), stated under the title."""
    doc = new_document()
    add_title(doc, title, label)
    add_text(doc, text, checks)
    if sources:
        add_sources(doc, sources)
    return save_document(doc, path)


def save_document(doc, path: str | Path) -> Path:
    """Write ``doc`` to ``path`` (its folder made if needed); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
