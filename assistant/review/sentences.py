"""Split a draft into checkable units with offsets, and tell factual claims from plans and exhortations.

Units are sentences (。！？； and newlines, as the indexer splits), list items and headings,
each with ``start``/``end`` into the original text so the report can colour the draft in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.review.names import pos_tokens
from core.normalize import normalize
from index.chunking import split_sentences

_HEADING_RE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|第[一二三四五六七八九十]+[章节部分])"
)
_LIST_RE = re.compile(r"^\s*(?:\d+[.、．)）]|（\d+）|\(\d+\)|[①-⑳]|[-•·*]\s)")
_END = "。！？；!?;…"
# Cues that the sentence states a plan, a duty or a wish rather than a fact.
PLAN_STARTS = (
    "下一步", "下步", "今后", "下阶段", "下一阶段", "接下来", "未来", "明年", "希望", "建议", "务必",
    "我们要", "我们将", "我们必须", "我们应", "要坚持", "要进一步", "必须", "应当", "要把", "要以",
)  # fmt: skip
MIN_CJK = 4
MODALS = {
    "要",
    "应",
    "应当",
    "应该",
    "必须",
    "务必",
    "需要",
    "须",
    "需",
    "力争",
    "希望",
    "建议",
    "亟需",
    "亟待",
}
FUTURE_AFTER_JIANG = {
    "d",
    "v",
    "vd",
    "vn",
    "ad",
    "p",
    "c",
}  # 将 + verb/adverb = "will"; 将 + noun = 把


@dataclass(frozen=True)
class Unit:
    """One checkable unit of a draft: a sentence, list item or heading."""

    text: str
    start: int
    end: int
    heading: bool = False


def split_draft(text: str) -> list[Unit]:
    """Sentences, list items and headings of ``text`` with offsets into it.

    A line starting with 一、/（一）/第一章 and not ending in sentence punctuation is a heading;
    one that ends in punctuation keeps its label and is checked as a sentence.
    """
    units = []
    for a, b in split_sentences(text):
        piece = text[a:b]
        line_start = text.rfind("\n", 0, a) + 1
        at_line_start = not text[line_start:a].strip()
        heading = bool(
            at_line_start
            and piece[-1] not in _END
            and (_HEADING_RE.match(piece) or (len(piece) <= 20 and not _LIST_RE.match(piece)))
        )
        units.append(Unit(piece, a, b, heading))
    return units


def strip_label(text: str) -> str:
    """The sentence without a leading outline or list label (一、 （二） 3. ①)."""
    for rx in (_HEADING_RE, _LIST_RE):
        m = rx.match(text)
        if m:
            return text[m.end() :].lstrip()
    return text


def is_claim(text: str) -> bool:
    """False for plans, exhortations, wishes, questions and headings-like fragments.

    ``将`` counts as "will" only before a verb or adverb (我们将继续…); before a noun it is the
    literary 把 (今年以来，我们将党建与业务融合…), which states a fact.
    """
    s = normalize(strip_label(text)).strip()
    if len(re.findall(r"[\u4e00-\u9fff]", s)) < MIN_CJK or s.endswith(("?", "？")):
        return False  # fragments (stray markup, numbers alone) and questions state nothing
    if s.startswith(PLAN_STARTS):
        return False
    tokens = pos_tokens(s)
    for i, (word, _flag, start, _) in enumerate(tokens):
        prev = tokens[i - 1][0] if i else ""
        if word in MODALS and prev not in ("的", "主", "重", "只"):
            # 要/应 near the start of a clause: a duty, not a fact ("各级党组织要…").
            clause_start = max(s.rfind(p, 0, start) for p in "，,；;：:") + 1
            if start - clause_start <= 12:
                return False
        if word == "将" and i + 1 < len(tokens):
            nxt_word, nxt_flag = tokens[i + 1][0], tokens[i + 1][1]
            if nxt_flag in FUTURE_AFTER_JIANG and nxt_word not in ("党建", "工作"):
                return False
        if word in ("将要", "即将", "拟", "计划", "打算"):
            return False
    return not s.endswith(("!", "！"))
