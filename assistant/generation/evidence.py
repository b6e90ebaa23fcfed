"""Evidence for a model: the best windows of the retrieved passages, not the whole passages.

On 2 cores the cost of a local model is reading its prompt (prefill), so the model gets only
the parts of the passages that bear on the question:

1. Each passage is cut into windows: its sentences, and a long sentence (the 「取得不错的成绩：
   ……10个快速路……打通断头路59条……建成美丽村庄619个」 kind, where the asked fact sits in the
   middle) into runs of clauses of at most ``WINDOW_CHARS`` characters.
   A clause mark inside quotation marks, brackets or 《》 does not end a clause.
2. Each window is scored like an extractive sentence (the share of the question's character
   bigrams it holds, a small bonus for the passage's rank, a bonus for stating the count a
   「多少名」 question asks for); when the question names one of the passages' units, the other
   units' windows rank below its own. A question for the author gets each report's byline
   (「本文作者：……」, from its metadata) as a window; a 「哪些……」 question the passage's part
   of the report outline (「二、存在的问题：(一)……；(二)……；(三)……」).
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

from assistant.generation.asked_unit import asked_sources
from assistant.generation.extractive import (
    COUNT_GAIN,
    asked_measure,
    problem_only,
    query_bigrams,
    states_count,
)
from assistant.generation.prompt_sources import FittedSources, render_source, render_sources
from assistant.generation.types import Citation
from assistant.retrieval.base import Hit
from core.normalize import char_bigrams, normalize, to_simplified
from index.chunking import count_tokens, split_sentences

PER_SOURCE = 3
# A question that names one of the retrieved units (asked_unit.py) reads that unit's windows
# first; another unit's windows only fill what budget is left.
OFF_UNIT_PENALTY = 0.5
# 「存在哪些问题？」「提出了哪些设想？」: the answer is often the headings of one part of a
# report, and retrieval seldom brings a passage of every one; the passage's parent heading and
# the headings beside its own are a window of their own.
_LISTING_QUESTION_RE = re.compile(r"哪些|哪几|几个方面|几方面|几点|几条")
_MAX_SIBLINGS = 8
_MAX_HEADING_CHARS = 40
# 「那篇文章是谁写的？」: the report's author (its byline, from the catalog) is a window of its own.
_AUTHOR_QUESTION_RE = re.compile(r"谁写|谁撰写|谁起草|作者|执笔|撰稿|署名")
WINDOW_CHARS = 60
_CLAUSE_ENDS = frozenset("，,；;：:")
# A clause mark inside a quotation or a title names part of one thing (「“街镇吹哨，部门报到”工作
# 机制」, 「“把党员培养成企业标兵、……”为主要内容的“双培双创”活动」): the clause runs on.
_OPENS = {"“": "”", "「": "」", "『": "』", "《": "》", "（": "）", "(": ")", "‘": "’"}
_MAX_QUOTE_CHARS = 120  # an opening mark never closed within this many characters is a typo
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
        for clause in clauses(sentence):
            if run and len(run) + len(clause) > width:
                out.append(run)
                run = ""
            run += clause
        if run:
            out.append(run)
    return [w for w in out if len(w.strip()) >= _MIN_WINDOW_CHARS]


def document_context(hit: Hit) -> str:
    """What the evidence may show of ``hit``'s document beyond its text (its part of the
    outline, its byline): the verifier checks a sentence against it too."""
    outline = _outline(hit)
    # one sentence per heading, so a sentence stating one of them is matched against it alone
    heads = [f"{outline[0]}：{h}。" for h in outline[1]] if outline else []
    return "".join([*heads, byline_window(hit)])


def byline_window(hit: Hit) -> str:
    """「本文作者：王从香。」 from the report's metadata; "" when it names no author."""
    author = hit.metadata.get("author")
    return f"本文作者：{author}。" if author else ""


def outline_window(hit: Hit) -> str:
    """「二、存在的问题：(一)……；(二)……；(三)……。」 from a passage's parent heading and the
    headings beside its own; "" for a top-level passage or one with no sibling sections."""
    outline = _outline(hit)
    if outline is None:
        return ""
    parent, heads = outline
    shown = [h[:_MAX_HEADING_CHARS] for h in heads[:_MAX_SIBLINGS]]
    return f"{parent}：{'；'.join(shown)}。"


def _outline(hit: Hit) -> tuple[str, tuple[str, ...]] | None:
    """(the parent heading, the headings under it) of a passage, from ``sibling_sections``;
    None for a top-level passage (its siblings are the report's whole outline: rarely what was
    asked) or one with fewer than two headings beside it."""
    siblings = tuple(hit.metadata.get("sibling_sections") or ())
    if len(siblings) < 3 or not siblings[0]:
        return None
    return siblings[0].split(">")[-1].strip(), siblings[1:]


def clauses(sentence: str) -> list[str]:
    """``sentence`` cut after each ，；： that stands outside quotation marks, brackets and 《》
    (an opening mark left unclosed for ``_MAX_QUOTE_CHARS`` characters is ignored)."""
    out: list[str] = []
    start = 0
    i = 0
    n = len(sentence)
    while i < n:
        ch = sentence[i]
        close = _OPENS.get(ch)
        if close is not None:
            end = sentence.find(close, i + 1, i + 1 + _MAX_QUOTE_CHARS)
            if end != -1:
                i = end + 1
                continue
        elif ch in _CLAUSE_ENDS:
            out.append(sentence[start : i + 1])
            start = i + 1
        i += 1
    if start < n:
        out.append(sentence[start:])
    return out


def scored_windows(query: str, citations: list[Citation], mode: str = "answer") -> list[Window]:
    """Every window of ``citations``' passages, scored against ``query``, best first (for
    ``suggest``, a window that only states a problem is left out, as in extractive mode)."""
    q = query_bigrams(query)
    measure = asked_measure(query)
    asked = asked_sources(
        query,
        [
            [c.hit.metadata.get("org") or "", *(c.hit.metadata.get("org_aliases") or ())]
            for c in citations
        ],
    )
    simplified = to_simplified(query)
    listing = bool(_LISTING_QUESTION_RE.search(simplified))
    author_asked = bool(_AUTHOR_QUESTION_RE.search(simplified))
    out = []
    for i, c in enumerate(citations):
        labels = _labels(c)
        off_unit = OFF_UNIT_PENALTY if asked and i not in asked else 0.0
        if listing:
            outline = outline_window(c.hit)
            if outline:
                out.append(Window(outline, i, -2, _share(q, outline) + 0.1 / (i + 1) - off_unit))
        byline = byline_window(c.hit)
        if author_asked and byline:
            # the byline sits at the report's end, in a passage retrieval seldom brings
            out.append(Window(byline, i, -1, 1.0 + 0.1 / (i + 1) - off_unit))
        for pos, text in enumerate(windows(c.hit.text)):
            if text.strip() in labels:  # a heading line the source's label already shows
                continue
            if mode == "suggest" and problem_only(text):
                continue
            score = _share(q, text) + 0.1 / (i + 1) - off_unit
            if measure and states_count(text, measure):
                score += COUNT_GAIN
            out.append(Window(text, i, pos, score))
    out.sort(key=lambda w: (-w.score, w.source, w.position))
    return out


def _share(q: set[str], text: str) -> float:
    """The share of the question's bigrams ``q`` that ``text`` holds."""
    return len(q & char_bigrams(text)) / len(q) if q else 0.0


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
        # the outline and byline windows (position < 0) do not take a passage's turn
        own = sum(1 for m in mine if m.position >= 0)
        if (w.position >= 0 and own >= PER_SOURCE) or key in seen:
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
