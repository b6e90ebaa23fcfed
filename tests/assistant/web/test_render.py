"""Escaping and highlighting: source text is always shown as text, never as HTML."""

from __future__ import annotations

from assistant.generation.types import AnswerResult, Citation
from assistant.retrieval.base import Hit
from assistant.web import render


def _cite(n, text, title="标题", section="一、情况", path="/u/报告.txt"):
    return Citation(n, Hit(f"c{n}", "d", text, 1.0, title, section, path))


def test_script_in_text_is_escaped_and_terms_marked():
    out = render.highlight("<script>alert(1)</script>党员485名", ["党员", "485"])
    assert out == "&lt;script&gt;alert(1)&lt;/script&gt;<mark>党员</mark><mark>485</mark>名"
    assert (
        render.highlight("<script>alert(1)</script>", []) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    )


def test_terms_never_match_inside_entities():
    out = render.highlight('a<b & "c"', ["lt", "amp", "quot"])
    assert "<mark>" not in out
    assert out == "a&lt;b &amp; &quot;c&quot;"


def test_marked_term_is_escaped_too():
    assert render.highlight("x<b>y", ["<b>"]) == "x<mark>&lt;b&gt;</mark>y"


def test_question_terms_are_words_not_single_characters():
    terms = render.question_terms("市住建局有多少在职党员？")
    assert "党员" in terms and "在职" in terms
    assert all(len(t) >= 2 for t in terms)


def test_sources_panel_escapes_title_section_and_file_name():
    html = render.sources_html(
        [
            _cite(
                2,
                "党员<img src=x onerror=alert(1)>作用",
                title="<script>alert('t')</script>",
                section="一、<b>问题</b>",
                path="/u/<i>evil.txt",
            )
        ],
        "党员作用",
    )
    assert "<script" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert '<span class="source-n">[2]</span>' in html
    assert "<mark>党员</mark>" in html and "<mark>作用</mark>" in html
    assert "&lt;i&gt;evil.txt" in html


def test_cited_sources_and_labels():
    sources = [_cite(1, "甲"), _cite(2, "乙"), _cite(3, "丙")]
    result = AnswerResult("answer", "乙[2]甲[1]", sources, [2, 1], True, [], [], [])
    chosen, note = render.cited_sources(result)
    assert [c.n for c in chosen] == [1, 2] and note == ""
    result.cited = []
    chosen, note = render.cited_sources(result)
    assert [c.n for c in chosen] == [1, 2, 3] and "未引用" in note
    assert "抽取式模式（未使用大模型）" in render.mode_label_html(result)
    result.extractive = False
    assert "抽取式" not in render.mode_label_html(result)
    assert render.escape_answer("<script>x</script>[1]") == "&lt;script&gt;x&lt;/script&gt;[1]"


def test_highlights_are_whole_words_never_fragments_of_a_unit():
    terms = render.question_terms("西安市住建局有多少个基层党组织？")
    assert "建局" not in terms and "多少" not in terms
    assert {"西安市住建局", "住建局", "基层", "党组织"} <= set(terms)
    out = render.highlight("市住建局现有基层党组织48个。", terms)
    assert "<mark>住建局</mark>" in out and "<mark>基层</mark><mark>党组织</mark>" in out
    # a two-character term marks only a whole jieba word of the passage
    assert "<mark>" not in render.highlight("基层党组织", ["层党"])
    out = render.highlight("市住建局党委", render.question_terms("市住建局党委有多少党员？"))
    assert "<mark>建局</mark>" not in out and "住建局" in out
