"""Raw text → :class:`Document`: clean, detect title and outline, extract metadata, chunk.

Everything here is pure (no I/O) so it can run in a worker thread while the main thread
embeds the previous batch.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from core.normalize import normalize
from index.chunking import chunk_document
from index.clean import clean_text
from index.metadata import extract_metadata
from index.outline import parse_outline
from index.store.keyword import keyword_tokens
from index.titles import derive_title
from index.types import Chunk, Document


@dataclass
class Prepared:
    """A document ready to be written: its chunks and their keyword tokens."""

    doc: Document
    chunks: list[Chunk]
    tokens: list[list[str]]
    signature: bytes = b""  # MinHash of the text (index.versions), to find its versions


def content_hash(text: str) -> str:
    """SHA-256 of the normalised text: identical reports in any script/width hash alike."""
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()


def build_document(
    raw: str,
    *,
    source_path: str,
    title_hint: str | None = None,
    warnings: list[str] | None = None,
) -> Document | None:
    """Clean and structure ``raw``; ``None`` when nothing is left after cleaning."""
    cleaned = clean_text(raw)
    text = cleaned.text.strip("\n")
    if not text.strip():
        return None
    outline = parse_outline(text, title_hint=title_hint)
    stated = "" if outline.title_source == "derived" else outline.title
    # Lines dropped as debris still say where and when the report appeared (来源, 发布时间).
    metadata = extract_metadata(text, stated, debris=cleaned.removed)
    title = outline.title
    if outline.title_source == "derived":
        title = derive_title(text, metadata.get("org"), metadata.get("genre"))
    metadata["title_source"] = outline.title_source
    if cleaned.author and not metadata.get("author"):
        metadata["author"] = cleaned.author
    digest = content_hash(text)
    return Document(
        doc_id="d" + digest[:24],
        source_path=source_path,
        title=title,
        text=text,
        content_hash=digest,
        metadata=metadata,
        sections=outline.sections,
        warnings=list(warnings or []),
    )


def prepare(doc: Document, *, max_tokens: int, overlap_sentences: int) -> Prepared:
    """Chunk a document and tokenise its chunks for the keyword index."""
    chunks = chunk_document(doc, max_tokens=max_tokens, overlap_sentences=overlap_sentences)
    tokens = [keyword_tokens(c.norm_text, normalized=True) for c in chunks]
    return Prepared(doc, chunks, tokens)


def chunk_metadata(doc: Document, chunk: Chunk, source_id: str) -> dict:
    """What Chroma stores beside each vector: enough to filter and to cite."""
    meta = doc.metadata
    return {
        "doc_id": doc.doc_id,
        "source_id": source_id,
        "title": doc.title,
        "section_path": chunk.section_path,
        "position": chunk.position,
        "start": chunk.start,
        "end": chunk.end,
        "org": meta.get("org"),
        "year": meta.get("year"),
        "genre": meta.get("genre"),
    }
