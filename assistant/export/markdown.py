"""Markdown export: the draft, then a numbered 参考来源 list."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.export import source_label

if TYPE_CHECKING:
    from assistant.generation.types import Citation

EXCERPT_CHARS = 200
# Characters a Markdown renderer would turn into markup or raw HTML in a source's title/text.
_SPECIAL = re.compile(r"([\\`*_<>\[\]#|])")


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def to_markdown(title: str, text: str, sources: list[Citation] | None) -> str:
    """``# title``, the text as written (citations ``[n]`` kept), then each source and an excerpt."""
    out = [f"# {_escape(title.strip())}" if title.strip() else "", "", text.strip(), ""]
    if sources:
        out += ["## 参考来源", ""]
        for c in sources:
            out.append(_escape(source_label(c)))
            excerpt = " ".join(c.hit.text.split())
            if len(excerpt) > EXCERPT_CHARS:
                excerpt = excerpt[:EXCERPT_CHARS] + "…"
            if excerpt:
                out += ["", f"> {_escape(excerpt)}"]
            out.append("")
    return "\n".join(out).lstrip("\n")
