"""Citation numbers as a reader expects them: 1…n in order of first use.

Sources are numbered as they were retrieved, so a text may cite [1][3][4][6]. For the page
and the exports the cited sources are renumbered 1…n in the order the text first cites them;
sources the text never cites follow, numbered after them. The text, its sentence checks and
the source list change together, so every ``[n]`` still points at the same passage.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.generation.citations import CITATION_RE
from assistant.generation.types import AnswerResult, Citation

_SPLIT_RE = re.compile(r"\s*[,，、]\s*")


def renumber_text(text: str, mapping: dict[int, int]) -> str:
    """``text`` with every ``[n]`` (and ``[n, m]``) rewritten by ``mapping``."""

    def fix(match):
        numbers = [mapping.get(int(x), int(x)) for x in _SPLIT_RE.split(match.group(1))]
        return f"[{', '.join(map(str, numbers))}]"

    return CITATION_RE.sub(fix, text)


def in_order_of_use(result: AnswerResult) -> AnswerResult:
    """``result`` with its sources renumbered 1…n in the order its text first cites them."""
    order = list(result.cited) + [c.n for c in result.sources if c.n not in result.cited]
    mapping = {old: new for new, old in enumerate(order, start=1)}
    if all(old == new for old, new in mapping.items()):
        return result
    sources = sorted(
        (Citation(mapping.get(c.n, c.n), c.hit) for c in result.sources), key=lambda c: c.n
    )
    sentences = [
        replace(
            s,
            text=renumber_text(s.text, mapping),
            n=mapping.get(s.n, s.n) if s.n is not None else None,
            written=[mapping.get(n, n) for n in s.written],
        )
        for s in result.sentences
    ]
    return replace(
        result,
        text=renumber_text(result.text, mapping),
        sources=sources,
        cited=[mapping[n] for n in result.cited],
        sentences=sentences,
    )
