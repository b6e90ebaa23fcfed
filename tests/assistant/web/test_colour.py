"""A checked answer coloured in place: each sentence in a span by its label, the reason as its
tooltip, a note for a flagged one; every piece of model or source text escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from assistant.generation.types import AnswerResult, Citation, SentenceCheck
from assistant.generation.verify import verify_result
from assistant.retrieval.base import Hit
from assistant.web.colour import checked_line, coloured_answer, sentence_note

SOURCE = Citation(
    1,
    Hit(
        "c1", "d1", "市住建局现有基层党组织47个，在职党员485名。", 1.0, "调研报告",
        "一、基本情况", "/u/a.txt",
    ),
)  # fmt: skip


def _tags(markup: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every element a browser would make of ``markup``, with its attributes."""
    found = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Parser().feed(markup)
    return found


def test_a_hostile_sentence_is_coloured_and_escaped_everywhere():
    text = '一、情况\n党员<script>alert(1)</script>40个[1]。另有<img src=x onerror="x()">。'
    checks = [
        SentenceCheck("一、情况", "not_claim", None),
        SentenceCheck(
            "党员<script>alert(1)</script>40个。",
            "contradicted",
            1,
            [1],
            reason='草稿"40个"',
            source_text="党员47个<b>。",
            differences=[("number", "40个", '47个"><script>')],
        ),
        SentenceCheck('另有<img src=x onerror="x()">。', "unsupported", None, reason="<i>无</i>"),
    ]
    out = coloured_answer(text, checks)
    assert "<script" not in out and "<img" not in out and "<b>" not in out and "<i>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    # Only our own elements and attributes: the hostile quotes never close a title.
    tags = _tags(out)
    assert {t for t, _ in tags} == {"span", "small"}
    assert {name for _, attrs in tags for name, _ in attrs} == {"class", "title"}
    titles = [v for _, attrs in tags for name, v in attrs if name == "title"]
    assert titles[1].startswith('与来源不符：草稿“40个”，来源“47个"><script>”')
    assert "来源原句：党员47个<b>。" in titles[1]  # as text inside the attribute, decoded
    # A heading is not coloured: its span only carries the tooltip.
    assert out.startswith(
        '<span class="ans-sentence ans-not_claim" title="无需核对">一、情况</span>\n'
    )
    contradicted = re.search(r'<span class="ans-sentence ans-contradicted"[^>]*>(.*?)</span>', out)
    assert contradicted.group(1) == "党员&lt;script&gt;alert(1)&lt;/script&gt;40个[1]。"
    assert "与来源不符：草稿“40个”，来源“47个&quot;&gt;&lt;script&gt;”" in out
    assert 'class="ans-sentence ans-unsupported"' in out and "无依据：&lt;i&gt;无&lt;/i&gt;" in out


def test_a_sentence_not_found_in_the_text_stays_plain():
    checks = [SentenceCheck("别的句子。", "supported", 1)]
    assert coloured_answer("<b>原文</b>。", checks) == "&lt;b&gt;原文&lt;/b&gt;。"
    assert coloured_answer("<b>x</b>", []) == "&lt;b&gt;x&lt;/b&gt;"


def test_the_verifiers_labels_colour_the_answer_with_the_sources_value():
    result = AnswerResult(
        "answer", "市住建局现有基层党组织40个[1]。在职党员485名[1]。", [SOURCE], [1], False,
        [], [], [], question="市住建局有多少个基层党组织？", generator="local",
        generator_label="本地模型（Qwen2.5-1.5B）",
    )  # fmt: skip
    checked = verify_result(result, strict=False)
    out = coloured_answer(checked.text, checked.sentences)
    assert re.search(r'ans-contradicted" title="[^"]*">市住建局现有基层党组织40个。</span>', out)
    assert "与来源不符：草稿“40个”，来源“47个”" in out
    assert re.search(r'ans-supported" title="有依据，见来源 \[1\][^"]*">在职党员485名\[1\]。', out)
    contradicted = next(c for c in checked.sentences if c.label == "contradicted")
    assert sentence_note(contradicted) == "与来源不符：草稿“40个”，来源“47个”"
    assert "有依据 1 句，无依据 0 句，与来源不符 1 句" in checked_line(checked.sentences)
    assert checked_line([SentenceCheck("一、", "not_claim", None)]) == ""
