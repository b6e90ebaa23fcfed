"""What a question is about: its unit (organisation or place), its year, and the rest (topic).

Units are found as the review stage finds organisation names (``assistant.review.orgs``), plus
the short forms drafters type (西安市住建局: a place, then words up to a head such as 局) and
bare places (滨海新区). Years are the periods ``core.periods`` reads (2021年, 今年 …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.review.orgs import find_org_names
from core.normalize import normalize
from core.periods import mentions

# Heads of a short unit name after a place: 住建局, 组织部, 市委, 管委会 …
_SHORT_HEADS = ("局", "委", "厅", "办", "部", "院", "中心", "公司", "党组", "党委", "管委会")
_PLACE_END = re.compile(r"(省|市|区|县|州|盟|旗|镇|乡|街道|新区|开发区)$")
_MAX_TOKENS_AFTER_PLACE = 3
_LEAD_RE = re.compile(r"^\s*(?:那么|那|还有|另外|再问一下|请问|再看看|换成|换到)\s*[，,]?\s*")
_TRAIL_RE = re.compile(r"(?:的情况|的呢|呢|吗|怎么样|如何)?\s*[？?。！!…\s]*$")
_PRONOUN_RE = re.compile(r"该单位|该局|该部门|他们|它们|其")
# 市住建局, 区财政局, 市委组织部: a level, then a short name ending in a head.
_LEVEL_UNIT_RE = re.compile(r"[省市区县](?:委)?[\u4e00-\u9fff]{1,5}?(?:局|厅|办|部|委员会)")
_FILLER_RE = re.compile(r"[\s，,。？?！!、：:；;“”\"'（）()]+")


@dataclass(frozen=True)
class Subject:
    """A question's unit and year as written (``""`` when absent) and its topic words."""

    unit: str
    year: str
    topic: str


@lru_cache(maxsize=1)
def _posseg():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    return jieba.posseg


def _is_place(word: str, flag: str) -> bool:
    return flag == "ns" or (len(word) >= 2 and bool(_PLACE_END.search(word)))


@lru_cache(maxsize=4096)
def find_units(text: str) -> tuple[str, ...]:
    """Units named in ``text``, longest first: organisation names, short forms, bare places."""
    found = {o.name for o in find_org_names(normalize(text))}
    found.update(m.group() for m in _LEVEL_UNIT_RE.finditer(text))
    tokens = [(t.word, t.flag) for t in _posseg().cut(text)]
    i = 0
    while i < len(tokens):
        word, flag = tokens[i]
        if not _is_place(word, flag):
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and _is_place(*tokens[j]):  # 天津市滨海新区
            j += 1
        name = "".join(w for w, _ in tokens[i:j])
        for k in range(j, min(j + _MAX_TOKENS_AFTER_PLACE, len(tokens))):
            w = tokens[k][0]
            if not re.fullmatch(r"[\u4e00-\u9fff]+", w):
                break
            if w.endswith(_SHORT_HEADS):
                name = "".join(t for t, _ in tokens[i : k + 1])
                j = k + 1
                break
        found.add(name)
        i = j
    # A place inside a longer unit found here is part of it, not a unit of its own.
    units = sorted(found, key=len, reverse=True)
    return tuple(u for n, u in enumerate(units) if not any(u in longer for longer in units[:n]))


def find_years(text: str) -> list[str]:
    """The year expressions of ``text`` as written (2021年, 2019—2021年 …)."""
    return [text[a:b] for a, b, _ in mentions(text, None)]


def subject_of(question: str) -> Subject:
    """The unit, year and topic of ``question``."""
    units = find_units(question)
    years = find_years(question)
    rest = _LEAD_RE.sub("", question)
    rest = _TRAIL_RE.sub("", rest)
    for part in (*units, *years):
        rest = rest.replace(part, "")
    rest = _FILLER_RE.sub("", rest).lstrip("的")
    return Subject(units[0] if units else "", years[0] if years else "", rest)


def question_body(question: str) -> str:
    """``question`` without the follow-up lead-in (那、还有 …)."""
    return _LEAD_RE.sub("", question).strip()


def replace_pronoun(body: str, unit: str) -> str | None:
    """``body`` with 该单位/他们/其 replaced by ``unit``, or None when it has no such word."""
    return _PRONOUN_RE.sub(unit, body, count=1) if _PRONOUN_RE.search(body) else None
