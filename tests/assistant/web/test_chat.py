"""The 对话 tab's downloads: one folder per answer, and old folders pruned."""

from __future__ import annotations

import os

import docx

from assistant.generation.types import AnswerResult, Citation
from assistant.retrieval.base import Hit
from assistant.web import chat

SOURCE = Citation(
    1, Hit("c1", "d1", "市住建局现有在职党员485名。", 1.0, "调研报告", "", "/u/甲.txt")
)


def test_exports_write_docx_and_markdown_in_a_fresh_folder(monkeypatch):
    monkeypatch.setattr(chat, "_exports", {})
    result = AnswerResult("answer", "在职党员485名[1]。", [SOURCE], [1], True, [], [], [])
    docx_path, md_path = chat.write_exports(result, "在职党员有多少？", "问答")
    assert os.path.dirname(docx_path) == os.path.dirname(md_path)
    assert "在职党员485名" in "\n".join(p.text for p in docx.Document(docx_path).paragraphs)
    assert "调研报告" in open(md_path, encoding="utf-8").read()
    again, _ = chat.write_exports(result, "在职党员有多少？", "问答")
    assert os.path.dirname(again) != os.path.dirname(docx_path)


def test_only_the_newest_export_folders_are_kept(monkeypatch):
    monkeypatch.setattr(chat, "_exports", {})
    monkeypatch.setattr(chat, "KEEP_EXPORTS", 3)
    made = []
    for n in range(6):
        folder = chat.export_folder()
        (folder / "answer.md").write_text(str(n), encoding="utf-8")
        os.utime(folder, ns=(n * 10**9, n * 10**9))  # creation order, whatever the clock
        made.append(folder)
    root = made[0].parent
    assert all(f.parent == root for f in made)
    assert sorted(p.name for p in root.iterdir()) == sorted(f.name for f in made[-3:])
