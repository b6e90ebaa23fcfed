"""A whole conversation exported: every turn, its 理解为, who answered, its own sources."""

from __future__ import annotations

import docx

from assistant.conversation.types import Conversation, Turn
from assistant.export.conversation import conversation_docx, conversation_markdown
from assistant.generation.types import Citation
from assistant.retrieval.base import Hit

HIT = Hit("c1", "d1", "……", 1.0, "调研报告", "一、基本情况", "/u/x.txt", {"org": "西安市住建局"})


def _conversation() -> Conversation:
    first = Turn(
        "西安市住建局有多少个基层党组织？", "48个[1]。", sources=[Citation(1, HIT)], cited=[1]
    )
    second = Turn(
        "那在职党员有多少名？", "485名[1]。", "西安市住建局在职党员有多少名？", label="本地模型（Qwen）",
        extractive=False, sources=[Citation(1, HIT)], cited=[1],
    )  # fmt: skip
    refused = Turn("火星呢？", "资料中没有相关内容。")
    return Conversation("id", "甲", "住建局党建", turns=[first, second, refused])


def test_markdown_has_every_turn_with_its_sources():
    md = conversation_markdown(_conversation())
    assert md.startswith("# 住建局党建\n")
    assert "## 1. 西安市住建局有多少个基层党组织？" in md and "## 3. 火星呢？" in md
    assert "> 理解为：西安市住建局在职党员有多少名？" in md
    assert "*问答 · 本地模型（Qwen）生成，已逐句核对*" in md
    assert md.count("参考来源") == 2  # the refused turn cites nothing
    assert "- \\[1\\] 调研报告 · 一、基本情况 · 西安市住建局" in md


def test_docx_has_every_turn_with_its_sources(tmp_path):
    path = conversation_docx(_conversation(), tmp_path / "c.docx")
    paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
    assert paragraphs[0] == "住建局党建"
    assert "2. 那在职党员有多少名？" in paragraphs
    assert "理解为：西安市住建局在职党员有多少名？" in paragraphs
    assert "（问答 · 抽取式（资料原文摘录））" in paragraphs
    assert paragraphs.count("参考来源") == 2
    assert "[1] 调研报告 · 一、基本情况 · 西安市住建局" in paragraphs
