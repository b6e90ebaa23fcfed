"""A question about every unit (「各单位在……方面有哪些做法？」), answered one unit at a time.

A 1.5B model shown the windows of three reports at once mixes them up: it gives one unit's
practice under another's name, or writes a lead 「各单位主要有以下做法：」 and stops. Asked about one
unit with that unit's windows only, it answers as it does a one-unit question. So for a local
model:

1. ``asks_each_unit``: the question (in Simplified) says 各单位/各地/各部门/各区县 ….
2. ``unit_groups``: the units of the first ``UNIT_POOL`` passages retrieved for the question
   (the catalog's ``org``, else the document's title), in the order retrieval ranked them, at
   most ``MAX_UNITS`` of them, each with its documents (``by_unit`` groups them).
3. ``for_unit``: the question with 「各单位」 replaced by the unit's name; ``bare_question``: the
   question without 「各单位」.

4. ``answer_each_unit``: for each unit, a retrieval of its own, over that unit's documents only,
   for the bare question (the six passages of the whole question seldom hold every unit's
   answer, and a unit's long name in the query pulls its byline ahead of its practice); the
   best windows of those passages (``UNIT_EVIDENCE_SHARE`` of the evidence budget) are
   numbered after the run's sources and shown to the model with the unit's question; the
   reply is streamed, led by 「<unit>：」 unless it names the unit itself; a unit whose reply is
   a bare refusal is left out of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.generation.citations import REFUSAL
from assistant.generation.extractive import NO_CONTENT
from assistant.generation.types import Citation, Event
from core.normalize import to_simplified

MAX_UNITS = 4
UNIT_POOL = 20  # passages retrieved for the whole question to find its units
UNIT_EVIDENCE_MIN = 200  # evidence tokens for one unit, at least
UNIT_EVIDENCE_SHARE = 2 / 3  # of the run's evidence budget, for one unit (400 of the default 600)
UNIT_REPLY_MIN = 8  # characters besides a refusal that make a unit's reply an answer
_EACH_RE = re.compile(
    r"各(?:个)?(?:单位|地区|地方|地|部门|区县|县区|级党组织|基层党组织|党组织|机关)"
)


def asks_each_unit(question: str) -> bool:
    """Whether ``question`` asks about every unit rather than one (module rule 1)."""
    return bool(_EACH_RE.search(to_simplified(question)))


def unit_of(citation: Citation) -> str:
    """The unit that wrote a source: its catalog ``org``, else its title."""
    meta = citation.hit.metadata or {}
    return (meta.get("org") or citation.hit.title or citation.hit.doc_id).strip()


def by_unit(citations: list[Citation]) -> list[tuple[str, list[Citation]]]:
    """``(unit, its citations)`` in the order of each unit's first source (module rule 2)."""
    groups: dict[str, list[Citation]] = {}
    for c in citations:
        unit = unit_of(c)
        if unit not in groups and len(groups) == MAX_UNITS:
            continue
        groups.setdefault(unit, []).append(c)
    return list(groups.items())


def unit_groups(run) -> list[tuple[str, list[Citation]]]:
    """The units a 「各单位」 question is answered for, each with its passages among the first
    ``UNIT_POOL`` (module rule 2); ``run`` is the service's run."""
    hits = run.retriever.retrieve(run.question, k=max(UNIT_POOL, run.k), filters=run.filters)
    return by_unit([Citation(i + 1, h) for i, h in enumerate(hits)])


def for_unit(question: str, unit: str) -> str:
    """``question`` asked of ``unit`` alone (module rule 3)."""
    return _EACH_RE.sub(unit, to_simplified(question), count=1)


def bare_question(question: str) -> str:
    """``question`` without its 「各单位」 (module rule 3), what a unit's passages are found by."""
    return _EACH_RE.sub("", to_simplified(question), count=1).strip() or question


def answer_each_unit(run, groups: list[tuple[str, list[Citation]]]) -> Iterator[Event]:
    """The events of one answer per unit (module rule 4); ``run`` is the service's run (its
    retriever, chat model, messages, numbered sources and streamed parts)."""
    bare = bare_question(run.question)
    budget = max(UNIT_EVIDENCE_MIN, int(run.evidence_budget * UNIT_EVIDENCE_SHARE))
    for unit, citations in groups:
        docs = sorted({c.hit.doc_id for c in citations})
        filters = {**(run.filters or {}), "doc_id": docs}
        hits = run._dedupe(run.retriever.retrieve(bare, k=run.k, filters=filters))
        kept, block, added = run._number(hits, fit=True, query=bare, budget=budget)
        if added:
            yield run._sources_event()
        if not kept:
            continue
        start = len(run.parts)
        messages = run._messages(run.mode, question=for_unit(run.question, unit), sources=block)
        yield from _unit_reply(run, unit, run.chat.stream(messages), start > 0)
        if _refused(unit, "".join(run.parts[start:])):
            del run.parts[start:]
    if not "".join(run.parts).strip():
        yield from run._stream_text(NO_CONTENT)


def _unit_reply(run, unit: str, pieces: Iterator[str], after: bool) -> Iterator[Event]:
    sep = "\n\n" if after else ""
    held: str | None = ""  # the reply's start, until it shows whether it names the unit
    for piece in pieces:
        if held is None:
            yield run._delta(piece)
            continue
        held += piece
        if len(held.lstrip()) >= len(unit):
            yield run._delta(sep + _lead(unit, held) + held)
            held = None
    if held is not None and held.strip():
        yield run._delta(sep + _lead(unit, held) + held)


def _lead(unit: str, reply: str) -> str:
    return "" if reply.lstrip().startswith(unit) else f"{unit}："


def _refused(unit: str, reply: str) -> bool:
    """Whether a unit's reply says only that the sources are silent (a small model also
    appends the refusal to an answer it gave: that answer stays)."""
    rest = re.sub(r"[\s\[\]\d：:，,。.]", "", reply.replace(REFUSAL, "").replace(unit, ""))
    return REFUSAL in reply and len(rest) < UNIT_REPLY_MIN
