"""A finished answer as JSON (``assistant ask/draft --format json``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.generation.types import AnswerResult


def result_dict(result: AnswerResult) -> dict[str, Any]:
    """``{"text", "generator", "citations": [...], "sentences": [...], ...}``."""
    return {
        "text": result.text,
        "mode": result.mode,
        "generator": result.generator,
        "generator_label": result.generator_label,
        "verified": result.verified,
        "notices": list(result.notices),
        "citations": [
            {
                "n": c.n,
                "doc_id": c.hit.doc_id,
                "title": c.hit.title,
                "org": c.hit.metadata.get("org") or None,
                "year": c.hit.metadata.get("year") or None,
                "section": c.hit.section_path or None,
                "file": Path(c.hit.source_path).name if c.hit.source_path else None,
                "chunk_id": c.hit.chunk_id,
                "cited": c.n in result.cited,
                "text": c.hit.text,
            }
            for c in result.sources
        ],
        "sentences": [
            {
                "text": s.text.strip(),
                "label": s.label,
                "n": s.n,
                "written": s.written,
                "reason": s.reason,
                "source_text": s.source_text,
                "differences": [
                    {"kind": k, "text": d, "source": src} for k, d, src in s.differences
                ],
            }
            for s in result.sentences
        ],
    }


def result_json(result: AnswerResult) -> str:
    """``result_dict`` as one line of JSON (UTF-8, not ASCII-escaped)."""
    return json.dumps(result_dict(result), ensure_ascii=False)
