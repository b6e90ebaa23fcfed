"""A question that names a unit or year the active filters exclude is told so, not answered
from other material.

A unit agrees with the 单位 filter when one is written inside the other, or as its short form
(西安市住建局 for 西安市住房和城乡建设局: the characters in order). A year agrees with the 年份
filter when one of the question's periods contains it.
"""

from __future__ import annotations

from typing import Any

from assistant.conversation.subject import find_units
from core.normalize import is_subsequence, normalize
from core.periods import mentions


def unit_agrees(unit: str, org: str) -> bool:
    """Whether ``unit`` (from a question) may be the organisation ``org`` (a filter value)."""
    a, b = normalize(unit), normalize(org)
    return a in b or b in a or is_subsequence(a, b)


def scope_conflict(question: str, filters: dict[str, Any] | None) -> str | None:
    """A Chinese line saying which filter excludes what ``question`` asks about, or None."""
    if not filters:
        return None
    org = filters.get("org")
    if org:
        units = find_units(question)
        if units and not any(unit_agrees(u, str(org)) for u in units):
            return (
                f"问题问的是“{units[0]}”，但当前“单位”筛选为“{org}”，该单位的资料已被排除；"
                "请把单位筛选改为“全部”或相应单位后再问。"
            )
    year = filters.get("year")
    if year:
        periods = [p for _, _, p in mentions(question, None)]
        if periods and not any(p.start <= int(year) <= p.end for p in periods):
            asked = "、".join(
                f"{p.start}年" if p.start == p.end else f"{p.start}—{p.end}年" for p in periods
            )
            return (
                f"问题问的是{asked}，但当前“年份”筛选为{year}年，所问年份的资料已被排除；"
                "请把年份筛选改为“全部”或相应年份后再问。"
            )
    return None
