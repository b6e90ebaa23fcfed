"""Markdown export."""

from __future__ import annotations

import re

from assistant.export.markdown import to_markdown
from assistant.generation.types import Citation
from assistant.retrieval.base import Hit


def _cite(n, title, text, section="一、基本情况", path="/x/报告.txt"):
    return Citation(n, Hit(f"c{n}", f"d{n}", text, 1.0, title, section, path))


def test_markdown_has_title_text_and_numbered_sources():
    md = to_markdown(
        "关于党建工作的总结",
        "一、主要做法\n在职党员485名[1]。",
        [
            _cite(1, "市住建局调研报告", "市住建局现有在职党员485名。"),
            _cite(2, "另一篇", "x" * 300),
        ],
    )
    lines = md.splitlines()
    assert lines[0] == "# 关于党建工作的总结"
    assert "在职党员485名[1]。" in md
    assert "## 参考来源" in md
    assert r"\[1\] 市住建局调研报告 · 一、基本情况 · 报告.txt" in md
    assert "> 市住建局现有在职党员485名。" in md
    assert "> " + "x" * 200 + "…" in md  # long passages are cut


def test_markdown_escapes_html_in_sources_and_omits_empty_list():
    md = to_markdown(
        "题", "正文", [_cite(1, "<script>alert(1)</script>", "<img src=x onerror=alert(1)>")]
    )
    assert not re.search(r"(?<!\\)<", md)  # every < is backslash-escaped
    assert r"\<script\>alert(1)\</script\>" in md
    assert "参考来源" not in to_markdown("题", "正文", None)
