"""Numbered sources, fenced as data and fitted into a token budget.

Each source is rendered as::

    <<<资料 [n] 标题 · 章节
    passage
    资料 [n] 结束>>>

Inside titles, section paths and passages, runs of angle brackets and ``[digits]`` are
neutralised, so a source can neither close its own fence nor pass for a citation marker.

Fitting (``fit_sources``), counted in cl100k tokens (``index.chunking.count_tokens``):
1. drop sources from the end until every remaining one gets at least ``min_passage_tokens``;
2. find the largest per-passage cap that keeps the total within the budget (water-filling:
   short passages stay whole, long ones share what is left equally);
3. trim each long passage to the cap at a sentence end (at a token boundary when even its
   first sentence is too long), marked with "……";
4. render and count the whole block; if token merges at the joins pushed it over, shrink and redo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.generation.types import Citation
from core.normalize import to_simplified
from index.chunking import ENCODING_NAME, count_tokens, split_sentences

ELLIPSIS = "……"
_ANGLE_OPEN_RE = re.compile(r"[<＜﹤‹«]{2,}")
_ANGLE_CLOSE_RE = re.compile(r"[>＞﹥›»]{2,}")
_BRACKET_NUM_RE = re.compile(r"[\[［]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]］]")


@lru_cache(maxsize=1)
def _encoding():
    import tiktoken

    return tiktoken.get_encoding(ENCODING_NAME)


def neutralise(text: str) -> str:
    """``text`` with fence-like ``<<`` / ``>>`` runs and ``[n]`` markers made harmless.

    ``<<<`` becomes ``〈〈〈``, ``>>>`` becomes ``〉〉〉`` and ``[1]`` (a footnote in a past
    report, or a forged citation) becomes ``〔1〕``.
    """
    text = _ANGLE_OPEN_RE.sub(lambda m: "〈" * len(m.group()), text)
    text = _ANGLE_CLOSE_RE.sub(lambda m: "〉" * len(m.group()), text)
    return _BRACKET_NUM_RE.sub(lambda m: f"〔{m.group(1)}〕", text)


def fence_label(citation: Citation, *, short: bool = False) -> str:
    """``标题 · 章节`` of a source (section omitted when the passage has none).

    ``short`` (for a small model, which copies labels into its text): ``单位 · 年份 · 小节``
    with the title only when no unit is known, cut to 20 characters."""
    hit = citation.hit
    if short:
        org, year = hit.metadata.get("org"), hit.metadata.get("year")
        section = hit.section_path.split(">")[-1].strip() if hit.section_path else ""
        head = org or (hit.title[:20] if hit.title else "")
        parts = [p for p in (head, f"{year}年" if year else "", section[:30]) if p]
        return " · ".join(parts) or "（无标题）"
    parts = [p for p in (hit.title, hit.section_path) if p]
    return " · ".join(parts) or "（无标题）"


# How a reply starts to copy the prompt back (a small model that has answered sometimes goes on
# with the next fence or the question): generation stops there.
ECHO_STOPS = ("\n资料 [", "<<<资料", "\n问题：", "\n要求：")


def render_source(citation: Citation, passage: str, *, short: bool = False) -> str:
    """One fenced source block; ``passage`` is the (possibly trimmed) text shown."""
    n = citation.n
    # Shown to the model in Simplified, as the passages are: a label is copied into drafts.
    label = " ".join(neutralise(to_simplified(fence_label(citation, short=short))).split())
    return f"<<<资料 [{n}] {label}\n{neutralise(passage).strip()}\n资料 [{n}] 结束>>>"


def render_sources(
    citations: list[Citation], passages: list[str] | None = None, *, short: bool = False
) -> str:
    """All source blocks, separated by blank lines (untrimmed hit texts by default)."""
    passages = passages if passages is not None else [c.hit.text for c in citations]
    return "\n\n".join(
        render_source(c, p, short=short) for c, p in zip(citations, passages, strict=True)
    )


def trim_to_tokens(text: str, max_tokens: int) -> str:
    """``text`` if it fits, else its longest sentence prefix that fits, plus "……"."""
    text = text.strip()
    if count_tokens(text) <= max_tokens:
        return text
    room = max_tokens - count_tokens(ELLIPSIS)
    if room <= 0:
        return ""
    end = 0
    for _, b in split_sentences(text):
        if count_tokens(text[:b]) > room:
            break
        end = b
    if end:
        return text[:end] + ELLIPSIS
    # Even the first sentence is too long: cut at a token boundary, dropping a split character.
    head = _encoding().decode(_encoding().encode_ordinary(text)[:room]).rstrip("\ufffd")
    while head and count_tokens(head) > room:
        head = head[:-1]
    return head + ELLIPSIS if head else ""


@dataclass
class FittedSources:
    """The sources that fit (a prefix of those given) and their rendered block."""

    citations: list[Citation]
    passages: list[str]
    text: str

    @property
    def tokens(self) -> int:
        """cl100k tokens of the rendered block."""
        return count_tokens(self.text)


def fit_sources(
    citations: list[Citation],
    budget: int,
    *,
    min_passage_tokens: int = 48,
    passages: list[str] | None = None,
    short: bool = False,
) -> FittedSources:
    """Render as many leading ``citations`` as fit in ``budget`` tokens, passages trimmed.

    ``passages``: the text to show for each citation (default: its whole passage); ``short``:
    the labels of ``fence_label(short=True)``, counted as rendered."""
    kept = list(citations)
    texts = list(passages) if passages is not None else [c.hit.text for c in kept]
    passage_tokens = [count_tokens(t.strip()) for t in texts]
    overhead = [count_tokens(render_source(c, "", short=short)) + 1 for c in kept]  # +1: join
    # 1. drop from the end until each passage can get its minimum (or its whole self)
    while kept:
        need = sum(overhead) + sum(min(t, min_passage_tokens) for t in passage_tokens)
        if need <= budget:
            break
        kept.pop()
        texts.pop()
        passage_tokens.pop()
        overhead.pop()
    room = budget - sum(overhead)
    for _ in range(20):
        # 2. water-filling cap
        cap = _largest_cap(passage_tokens, room)
        # 3. trim
        shown = [trim_to_tokens(t, cap) for t in texts]
        text = render_sources(kept, shown, short=short)
        # 4. verify on the real rendering
        excess = count_tokens(text) - budget
        if excess <= 0:
            return FittedSources(kept, shown, text)
        room -= max(excess, 1)
    raise AssertionError("fit_sources did not converge")  # pragma: no cover - shrinking always ends


def _largest_cap(lengths: list[int], room: int) -> int:
    """Largest c with Σ min(l, c) ≤ room (0 when nothing fits)."""
    if not lengths or room <= 0:
        return 0
    lo, hi = 0, max(lengths)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if sum(min(n, mid) for n in lengths) <= room:
            lo = mid
        else:
            hi = mid - 1
    return lo
