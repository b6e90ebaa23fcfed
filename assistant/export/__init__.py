"""Export a draft with its sources: Word (GB/T 9704-like) and Markdown."""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.generation.types import Citation


def file_name(source_path: str) -> str:
    """The last component of a source path, whichever separator it used."""
    return PurePath(source_path.replace("\\", "/")).name if source_path else ""


# An upload is stored under its content hash (3f9a0c…e1.txt): a name that tells a reader nothing.
_HASHED = re.compile(r"(?:^|_)[0-9a-f]{12,}$")


def source_label(citation: Citation) -> str:
    """``[n] 标题 · 章节 · 单位 · 年份`` (empty parts left out); the file name only when the
    unit and year are unknown and the name is not a content hash. Plain text, not escaped."""
    hit = citation.hit
    org = str(hit.metadata.get("org") or "")
    year = hit.metadata.get("year")
    parts = [hit.title, hit.section_path, org, f"{year}年" if year else ""]
    if not (org or year):
        name = file_name(hit.source_path)
        if not _HASHED.search(PurePath(name).stem):
            parts.append(name)
    return f"[{citation.n}] " + " · ".join(p for p in parts if p)
