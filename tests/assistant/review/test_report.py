"""Renderers escape the draft and sources; the .docx carries highlights and Word comments."""

from __future__ import annotations

import json

import docx
from docx.enum.text import WD_COLOR_INDEX

from assistant.retrieval.base import Hit
from assistant.review.checker import ReviewReport, Verdict
from assistant.review.formats import to_docx, to_html, to_json, to_markdown
from assistant.review.terms import TermIssue

TEXT = "一、情况\n<script>alert(1)</script>现有党员458名。城管局组建15支突击队。\n下一步，我们将继续努力。"


def make_report() -> ReviewReport:
    hit = Hit(
        "c1", "d1", "现有党员485名<b>粗</b>。", 1.0, title="住建局<报告>", section_path="一、"
    )
    s1 = TEXT.index("<script>")
    e1 = TEXT.index("。", s1) + 1
    s2 = e1
    e2 = TEXT.index("。", s2) + 1
    s3 = TEXT.index("下一步")
    verdicts = [
        Verdict("一、情况", 0, 4, "not_claim", reason="标题"),
        Verdict(
            TEXT[s1:e1],
            s1,
            e1,
            "contradicted",
            "现有党员485名<b>粗</b>。",
            hit,
            0.9,
            [("number", "458名", "485名")],
            reason="数字不符",
        ),
        Verdict(TEXT[s2:e2], s2, e2, "unsupported", reason="未找到"),
        Verdict(TEXT[s3:], s3, len(TEXT), "not_claim", reason="计划"),
    ]
    return ReviewReport(TEXT, verdicts, [TermIssue(0, 3, "党建加", "党建+", "<i>写法</i>")])


def test_html_escapes_everything_and_marks_values():
    page = to_html(make_report())
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>粗</b>" not in page and "<报告>" not in page and "<i>写法</i>" not in page
    assert "<mark>458名</mark>" in page and "<mark>485名</mark>" in page
    assert 'class="rv-contradicted"' in page and "与来源不符 1" in page


def test_markdown_escapes_markup():
    md = to_markdown(make_report())
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "**458名**" in md and "**485名**" in md


def test_json_round_trips():
    data = json.loads(to_json(make_report()))
    assert data["totals"]["contradicted"] == 1 and data["totals"]["terms"] == 1
    assert data["verdicts"][1]["differences"] == [["number", "458名", "485名"]]
    assert data["verdicts"][1]["hit"]["title"] == "住建局<报告>"


def test_docx_has_highlights_and_comments(tmp_path):
    path = to_docx(make_report(), tmp_path / "out.docx")
    doc = docx.Document(str(path))
    runs = [r for p in doc.paragraphs for r in p.runs]
    text = "".join(r.text for r in runs)
    assert "<script>alert(1)</script>现有党员458名。" in text
    colours = {r.text: r.font.highlight_color for r in runs if r.font.highlight_color is not None}
    assert colours["<script>alert(1)</script>现有党员458名。"] == WD_COLOR_INDEX.RED
    assert colours["城管局组建15支突击队。"] == WD_COLOR_INDEX.YELLOW
    comments = list(doc.comments)
    assert len(comments) == 2
    assert "数字不符" in comments[0].text and "485名" in comments[0].text
    assert comments[0].author == "审核助手"


def test_a_terminology_issue_is_underlined_on_its_own_words_in_the_draft():
    from assistant.review.formats import draft_html

    start = TEXT.index("城管局")
    report = ReviewReport(
        TEXT, make_report().verdicts, [TermIssue(start, start + 3, "城管局", "市城管局", "简称")]
    )
    out = draft_html(report)
    assert '<u class="rv-term" title="提法：“城管局”应为“市城管局”（简称）">城管局</u>' in out
    assert out.count("rv-term") == 1 and "&lt;script&gt;" in out and "<script>" not in out
    # The underline sits inside the sentence's coloured span, not after it.
    span = out[out.index('class="rv-unsupported"') :]
    assert span.index("rv-term") < span.index("</span>")


def test_the_legend_names_every_colour_and_the_html_export_carries_it():
    from assistant.review.formats import COLOURS, legend_html

    legend = legend_html()
    for colour in COLOURS.values():
        assert colour in legend
    assert "有依据" in legend and "与来源不符" in legend and "提法问题" in legend
    assert "颜色说明" in to_html(make_report())
