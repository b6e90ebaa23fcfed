"""Names of people, places and organisations, from jieba's part-of-speech tags.

People are ``nr``; organisations ``nt`` or a noun ending in 局/委/大学/监狱 …; places ``ns``.
"""

from __future__ import annotations

from functools import lru_cache

from assistant.review.facts import Fact, extract_facts, inside
from core.normalize import normalize

ORG_SUFFIXES = (
    "党委", "党组", "党支部", "支部", "工委", "纪委", "委员会", "局", "委", "部", "办", "厅", "院", "室", "中心",
    "大学", "学院", "学校", "监狱", "公司", "集团", "协会", "政府", "街道", "社区", "分局", "所", "队", "站",
)  # fmt: skip


@lru_cache(maxsize=1)
def _posseg():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    return jieba.posseg


@lru_cache(maxsize=4096)
def pos_tokens(text: str) -> tuple[tuple[str, str, int, int], ...]:
    """(word, jieba POS flag, start, end) for ``text`` (cached: alignment asks for the same text often)."""
    out, pos = [], 0
    for tok in _posseg().cut(text):
        out.append((tok.word, tok.flag, pos, pos + len(tok.word)))
        pos += len(tok.word)
    return tuple(out)


def extract_names(text: str, taken: list[tuple[int, int]] | None = None) -> list[Fact]:
    """People (jieba ``nr``), organisations (``nt`` or a word ending in 局/委/大学/监狱 …), places (``ns``)."""
    taken = taken or []
    out = []
    for word, flag, a, b in pos_tokens(text):
        if inside(a, taken) or len(word) < 2:
            continue
        if flag == "nr" and 2 <= len(word) <= 4:
            kind = "person"
        elif flag == "nt" or (
            flag in ("n", "nz", "ns") and len(word) >= 3 and word.endswith(ORG_SUFFIXES)
        ):
            kind = "org"
        elif flag == "ns":
            kind = "place"
        else:
            continue
        out.append(Fact(kind, word, a, b, key=word))
    return out


def extract_facts_and_names(text: str) -> list[Fact]:
    """``extract_facts`` plus the person, place and organisation names outside those facts."""
    text = normalize(text)
    facts = extract_facts(text)
    facts += extract_names(text, [(f.start, f.end) for f in facts])
    return sorted(facts, key=lambda f: (f.start, f.end))
