"""Evidence for a model: the best windows of the retrieved passages, not the whole passages.

On 2 cores the cost of a local model is reading its prompt (prefill), so the model gets only
the parts of the passages that bear on the question:

1. Each passage is cut into windows: its sentences, and a long sentence (the 「取得不错的成绩：
   ……10个快速路……打通断头路59条……建成美丽村庄619个」 kind, where the asked fact sits in the
   middle) into runs of clauses of at most ``WINDOW_CHARS`` characters.
2. Each window is scored like an extractive sentence (the share of the question's character
   bigrams it holds, a small bonus for the passage's rank, a bonus for stating the count a
   「多少名」 question asks for).
3. The best windows are taken across all passages until the token budget is spent, at most
   ``PER_SOURCE`` per passage, a window another passage repeats word for word only once (an
   archive holds copies of the same report); a passage with no window taken is left out. The
   windows of a passage are shown in their original order, converted to Simplified Chinese
   (the draft is written in Simplified), under short labels (单位 · 年份 · 小节).
4. The sources shown are numbered 1, 2, 3 … in retrieval order (sources a draft already cited
   keep their numbers), so a model never sees a gap in the numbering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.generation.extractive import (
    COUNT_GAIN,
    asked_measure,
    problem_only,
    query_bigrams,
    states_count,
)
from assistant.generation.prompt_sources import FittedSources, render_source, render_sources
from assistant.generation.types import Citation
from core.normalize import char_bigrams, normalize, to_simplified
from index.chunking import count_tokens, split_sentences

PER_SOURCE = 3
WINDOW_CHARS = 60
_CLAUSE_RE = re.compile(r"(?<=[，,；;：:])")
_MIN_WINDOW_CHARS = 6


@dataclass
class Window:
    """A piece of one passage: its text, its place there, its score for the query."""

    text: str
    source: int  # index into the citations given
    position: int
    score: float


def windows(text: str, width: int = WINDOW_CHARS) -> list[str]:
    """``text`` as sentences, a sentence longer than 1.5 × ``width`` as runs of its clauses of
    at most ``width`` characters (a single longer clause stays whole)."""
    out: list[str] = []
    for a, b in split_sentences(text):
        sentence = text[a:b].strip()
        if len(sentence) <= width * 3 // 2:
            out.append(sentence)
            continue
        run = ""
        for clause in _CLAUSE_RE.split(sentence):
            if run and len(run) + len(clause) > width:
                out.append(run)
                run = ""
            run += clause
        if run:
            out.append(run)
    return [w for w in out if len(w.strip()) >= _MIN_WINDOW_CHARS]


def scored_windows(query: str, citations: list[Citation], mode: str = "answer") -> list[Window]:
    """Every window of ``citations``' passages, scored against ``query``, best first (for
    ``suggest``, a window that only states a problem is left out, as in extractive mode)."""
    q = query_bigrams(query)
    measure = asked_measure(query)
    out = []
    for i, c in enumerate(citations):
        labels = _labels(c)
        for pos, text in enumerate(windows(c.hit.text)):
            if text.strip() in labels:  # a heading line the source's label already shows
                continue
            if mode == "suggest" and problem_only(text):
                continue
            shared = len(q & char_bigrams(text))
            score = (shared / len(q) if q else 0.0) + 0.1 / (i + 1)
            if measure and states_count(text, measure):
                score += COUNT_GAIN
            out.append(Window(text, i, pos, score))
    out.sort(key=lambda w: (-w.score, w.source, w.position))
    return out


def _labels(citation: Citation) -> set[str]:
    hit = citation.hit
    return {p.strip() for p in hit.section_path.split(">") if p.strip()} | {hit.title.strip()}


def fit_evidence(
    query: str,
    citations: list[Citation],
    budget: int,
    *,
    mode: str = "answer",
    first_new: int | None = None,
) -> FittedSources:
    """The best windows of ``citations`` (module docstring), rendered as fenced sources within
    ``budget`` tokens. Citations numbered ``first_new`` or higher are new to this run and are
    renumbered consecutively from it in the order given; the others keep their numbers."""
    chosen: dict[int, list[Window]] = {}
    seen: set[str] = set()  # a window another passage repeats word for word is shown once
    used = 0
    for w in scored_windows(query, citations, mode):
        mine = chosen.get(w.source, [])
        key = normalize(w.text).strip()
        if len(mine) >= PER_SOURCE or key in seen:
            continue
        cost = count_tokens(to_simplified(w.text))
        if not mine:  # the source's fence and label come with its first window
            cost += count_tokens(render_source(citations[w.source], "", short=True)) + 1
        if used + cost > budget:
            continue
        chosen.setdefault(w.source, []).append(w)
        seen.add(key)
        used += cost
    kept: list[Citation] = []
    passages: list[str] = []
    next_n = first_new
    for i, c in enumerate(citations):
        if i not in chosen:
            continue
        if first_new is not None and c.n >= first_new:
            c = Citation(next_n, c.hit)
            next_n += 1
        kept.append(c)
        parts = sorted(chosen[i], key=lambda w: w.position)
        passages.append(to_simplified("".join(w.text for w in parts)))
    return FittedSources(kept, passages, render_sources(kept, passages, short=True))
