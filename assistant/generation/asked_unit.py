"""Which of the retrieved units a question asks about.

「国土分局对……提出了哪些设想？」 asks about XXX国土分局 only, though retrieval also brings
滨海新区's passages on the same theme; 「各单位……」 names no unit. A question names a unit when
it holds a run of at least three characters ending in a unit character (局 区 委 厅 …) that is
part of the unit's name or a short form of it (the characters in order: 盐城城管局 for
盐城市城市管理局, 住建局 for 市住建局, 滨海新区 for 天津市滨海新区区委区级机关工委), or the
unit's whole name (X区). Questions and names are
compared in Simplified Chinese, placeholders (X, XXX) left out of the name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.normalize import is_subsequence, normalize, to_simplified

_SUFFIXES = frozenset("局区委厅办院部处所室站队会司署馆校县市镇乡街社组")
_PLACEHOLDER_RE = re.compile(r"^[XＸ×x]+")
_MIN_RUN = 3


def _plain(text: str) -> str:
    return normalize(to_simplified(text)).replace(" ", "")


def names_unit(question: str, name: str) -> bool:
    """Whether ``question`` names the unit ``name`` (module docstring)."""
    q, full = _plain(question), _plain(name)
    core = _PLACEHOLDER_RE.sub("", full)
    if not core:
        return False
    if full in q or (len(core) >= 2 and core in q):
        return True
    for end, ch in enumerate(q):
        if ch not in _SUFFIXES or ch not in core:
            continue
        start = end
        # the longest run ending here that is still a short form of the name
        while start > 0 and is_subsequence(q[start - 1 : end + 1], core):
            start -= 1
        if end + 1 - start >= _MIN_RUN:
            return True
    return False


def asked_sources(question: str, names: list[Iterable[str]]) -> set[int]:
    """The indexes of ``names`` (each source's unit name and aliases) that ``question`` names;
    empty when it names none of them."""
    return {
        i for i, aliases in enumerate(names) if any(names_unit(question, a) for a in aliases if a)
    }
