"""A question about every unit (「各单位在……方面有哪些做法？」), answered one unit at a time.

A 1.5B model shown the windows of three reports at once mixes them up: it gives one unit's
practice under another's name, or writes a lead 「各单位主要有以下做法：」 and stops. Asked about one
unit with that unit's windows only, it answers as it does a one-unit question. So for a local
model:

1. ``asks_each_unit``: the question (in Simplified) says 各单位/各地/各部门/各区县 ….
2. ``by_unit``: the numbered sources grouped by the unit that wrote them (the catalog's
   ``org``, else the document's title), in the order retrieval ranked them, at most
   ``MAX_UNITS`` groups.
3. ``for_unit``: the question with 「各单位」 replaced by the unit's name.

The service streams 「<unit>：」 and the model's answer for each group; numbering stays the run's.
"""

from __future__ import annotations

import re

from assistant.generation.types import Citation
from core.normalize import to_simplified

MAX_UNITS = 4
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


def for_unit(question: str, unit: str) -> str:
    """``question`` asked of ``unit`` alone (module rule 3)."""
    return _EACH_RE.sub(unit, to_simplified(question), count=1)
