"""The period a draft sentence states, checked against the period its source sentence speaks of.

A draft's 「2022年全年完成改造46个」 is backed by the early-2023 report's 「全年完成改造46个」:
the source's 全年 resolves to 2022 against its document's date. The same number stated for
another period is a contradiction, shown with both periods.

1. The draft's periods: explicit years and ranges (2022年, 2012年至2017年) and plans or
   congresses (「十三五」期间, 十八大以来的五年). Their year-only date facts are taken out of
   the number/date pairing: the period check below decides them.
2. The source's periods: what the source sentence itself says (relative words resolved
   against its document's date), else what the passage's section heading or document says
   (``hit_periods`` without the other sentences of the chunk).
3. Consistent (the draft's years all among the source's, or overlapping one of its periods by
   half) backs the draft; apart (a
   draft period sharing at most a boundary year with every source period) contradicts it;
   a partial overlap leaves it unbacked; a source that names no period leaves the draft's
   year facts to the ordinary date check.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.retrieval.base import Hit
from assistant.retrieval.time_aware import document_periods
from assistant.review.facts import Fact
from core.periods import Period, TimeRef, label, mentions, periods_in

CONSISTENT_OVERLAP = 0.5
# Below this overlap two periods are different ones: 1993—1997 and 1997—2002 share only the
# congress year at their boundary.
DISJOINT_OVERLAP = 0.2
# Finds the spans of relative expressions (这五年, 五年来) in a draft, whose years are unknown.
_ANY_REF = TimeRef(2000, 2000)


@dataclass
class PeriodCheck:
    """``status``: consistent | disjoint | partial | unknown (no period on one side);
    ``draft``/``source``: the periods' labels."""

    status: str
    draft: str
    source: str


def draft_periods(claim: str, facts: list[Fact]) -> tuple[list[Period], list[Fact], list[Fact]]:
    """What a normalised draft sentence states about time.

    Returns the periods it states outright (2022年, 2012年至2017年, 十八大以来的五年), the
    date and number facts inside any time expression (2012 of 「2012—2017年」, 五年 of
    「这五年」: not facts a source must repeat), and those expressions as ``period`` facts,
    for masking them out of the word coverage.
    """
    spans = mentions(claim, _ANY_REF)
    stated: list[Period] = []
    for _, _, p in mentions(claim, None):
        if p not in stated:
            stated.append(p)
    inside = [
        f
        for f in facts
        if f.kind in ("date", "number") and any(a <= f.start and f.end <= b for a, b, _ in spans)
    ]
    masks = [Fact("period", claim[a:b], a, b) for a, b, _ in spans]
    return stated, inside, masks


def source_periods(sentence: str, hit: Hit, passage: list[Period] | None = None) -> list[Period]:
    """What a normalised source sentence speaks of (see the module docstring, step 2).

    ``passage``: ``document_periods(hit)`` when the caller already has it (one computation
    for all the sentence windows of a passage)."""
    own = periods_in(sentence, TimeRef.of_document(hit.metadata))
    if own:
        return own
    return passage if passage is not None else document_periods(hit)


def _consistent(draft: Period, source: Period) -> bool:
    """The draft's period lies within the source's, or the two overlap by half."""
    inside = draft.start >= source.start and draft.end <= source.end
    return inside or draft.overlap(source) >= CONSISTENT_OVERLAP


def check_periods(draft: list[Period], source: list[Period]) -> PeriodCheck:
    """Whether the draft's periods agree with the source's (step 3)."""
    d, s = label(draft), label(source)
    if not draft or not source:
        return PeriodCheck("unknown", d, s)
    covered = set().union(*(q.years() for q in source))
    if all(p.years() <= covered or any(_consistent(p, q) for q in source) for p in draft):
        return PeriodCheck("consistent", d, s)
    if any(all(_apart(p, q) for q in source) for p in draft):
        return PeriodCheck("disjoint", d, s)
    return PeriodCheck("partial", d, s)


def _apart(a: Period, b: Period) -> bool:
    inside = (a.start >= b.start and a.end <= b.end) or (b.start >= a.start and b.end <= a.end)
    return not inside and a.overlap(b) < DISJOINT_OVERLAP
