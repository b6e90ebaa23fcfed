"""Dataclasses passed between the write-path stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class LoadedText:
    """What a loader returns: the raw text of one file plus anything it noticed."""

    text: str
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    title_hint: str | None = None  # e.g. <title> of a web page, docx core title


@dataclass
class Section:
    """One heading of the 公文 outline: level 0 = title, 1 = 一、, 2 = （一）, 3 = 1., 4 = （1）."""

    level: int
    heading: str
    start: int  # offset of the heading line in Document.text
    end: int  # offset where the section's own text ends (next heading at same or higher level)


@dataclass
class Document:
    """One cleaned report. ``text`` is the display text (cleaned, not normalised)."""

    doc_id: str
    source_path: str
    title: str
    text: str
    content_hash: str
    metadata: dict[str, Any] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Chunk:
    """A retrievable passage. ``text`` == ``Document.text[start:end]`` (shown, cited)."""

    chunk_id: str
    doc_id: str
    position: int
    text: str
    start: int
    end: int
    section_path: str
    embed_text: str  # title + section path + text: what the embedder sees
    norm_text: str  # normalised text: what the keyword index sees
    n_tokens: int = 0
