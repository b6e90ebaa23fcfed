"""Export a draft with its sources: Word (GB/T 9704-like) and Markdown."""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.generation.types import Citation


def file_name(source_path: str) -> str:
    """The last component of a source path, whichever separator it used."""
    return PurePath(source_path.replace("\\", "/")).name if source_path else ""


def source_label(citation: Citation) -> str:
    """``[n] 标题 · 章节 · 文件名`` (empty parts left out); plain text, not escaped."""
    hit = citation.hit
    parts = [p for p in (hit.title, hit.section_path, file_name(hit.source_path)) if p]
    return f"[{citation.n}] " + " · ".join(parts)
