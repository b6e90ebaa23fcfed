"""Organisation names as the corpus writes them (full and short), and variants of them in a draft.

A name is found from its head word (委员会, 组织部, 管理局, 办公室 …) leftwards over jieba tokens
while they can be part of a name (places, nouns, 中共), within one clause. Kept when it starts
with a place, 中共, or a one-character level (市委组织部, 区财政局), so that 基层党组织 and
服务发展大局 are not names. Abbreviations the corpus defines (……（以下简称“市监局”）) count too.

A draft's name is a variant when the corpus never writes it but writes a name with the same head
word that differs only by missing or extra characters inside (市场监督局 for 市场监督管理局) or by
one character (市场监督局 / 市场监管局). Dropping a leading place or 中共 is the normal
short form and is not flagged (区委组织部 within 中共XX区委组织部).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from core.normalize import is_subsequence

HEADS = (
    "委员会", "人民政府", "政府", "党工委", "党委", "党组", "工委", "纪委", "监委", "组织部", "宣传部",
    "统战部", "政法委", "办公室", "办公厅", "办事处", "管理局", "分局", "局", "厅", "法院", "检察院",
    "中心", "协会", "联合会", "学会", "公司", "集团", "大学", "学院", "党支部", "党总支", "居委会",
    "村委会",
)  # fmt: skip
_HEAD = re.compile("|".join(sorted(HEADS, key=len, reverse=True)))
# A head inside a longer common word is no name: 党组织, 大局/格局/布局, 中心任务 …
_NOT_HEAD_AFTER = {"党组": "织成", "局": "面势限部", "中心": "任工环"}
_NOT_NAME_WORDS = {"大局", "格局", "布局", "全局", "结局", "当局", "中心", "核心", "重心", "开局", "破局"}  # fmt: skip
_CLAUSE = re.compile(r"[，。、；：“”‘’（）《》〈〉【】,.;:()!?！？\s]")
_STOP_FLAGS = {
    "v", "vd", "p", "c", "u", "uj", "ul", "ud", "uz", "ug", "uv", "r", "d", "m", "mq", "q", "a",
    "ad", "f", "t", "x", "y", "e", "o", "zg", "k", "h", "l", "i",
}  # fmt: skip
_LEVELS = "省市区县州镇乡村局"
_PLACE_END = re.compile(r"(省|市|区|县|州|盟|旗|镇|乡|街道|新区|开发区)$")
_PARTY = ("中共", "中国共产党")
_DEFINED = re.compile(r"([\u4e00-\u9fff]{4,30})（(?:以下)?简称“([\u4e00-\u9fff]{2,10})”）")
_WINDOW = 24
# Heads that make another body when added: 国土资源分局 is not 国土资源局, 局党组 not 局.
_BODY_HEADS = ("分局", "党工委", "党委", "党组", "党支部", "党总支", "纪委", "工委", "监委", "办公室", "办公厅")  # fmt: skip


@lru_cache(maxsize=1)
def _posseg():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    return jieba.posseg


@dataclass(frozen=True)
class OrgName:
    """An organisation name at ``start``–``end`` of the text it came from."""

    name: str
    start: int
    end: int


def _is_start(word: str, flag: str) -> bool:
    return (
        flag == "ns"
        or bool(_PLACE_END.search(word))
        or word.startswith(_PARTY)
        or word[0] in _LEVELS
    )


@lru_cache(maxsize=8192)
def _name_ending_at(clause: str) -> str | None:
    """The organisation name that ends ``clause`` (whose end is a head word), or None."""
    tokens = [(t.word, t.flag) for t in _posseg().cut(clause)]
    if not tokens or tokens[-1][0] in _NOT_NAME_WORDS:
        return None
    words: list[str] = []
    for word, flag in reversed(tokens):
        if flag in _STOP_FLAGS and words:
            break
        words.insert(0, word)
    # Trim leading tokens until the name starts with a place, 中共 or a level (市/区/局 …).
    while words and not _is_start(words[0], _posseg_flag(words[0])):
        words.pop(0)
    name = "".join(words)
    return name if len(name) >= 3 else None


@lru_cache(maxsize=8192)
def _posseg_flag(word: str) -> str:
    tokens = list(_posseg().cut(word))
    return tokens[0].flag if len(tokens) == 1 else "n"


def find_org_names(text: str) -> list[OrgName]:
    """Organisation names in ``text`` (already normalised), longest per head occurrence."""
    out: list[OrgName] = []
    for m in _HEAD.finditer(text):
        following = text[m.end() : m.end() + 1]
        if following and following in _NOT_HEAD_AFTER.get(m.group(0), ""):
            continue
        start = max(0, m.start() - _WINDOW)
        window = text[start : m.end()]
        cut = max((c.end() for c in _CLAUSE.finditer(window)), default=0)
        name = _name_ending_at(window[cut:])
        if name:
            out.append(OrgName(name, m.end() - len(name), m.end()))
    # 北京市西城区人民政府办公室 also contains 北京市西城区人民政府: keep both, they are both names.
    return out


def mine_org_names(texts: Iterable[str]) -> Counter:
    """How often each organisation name (and each defined abbreviation) occurs in ``texts``."""
    found: Counter = Counter()
    for text in texts:
        for org in find_org_names(text):
            found[org.name] += 1
        for m in _DEFINED.finditer(text):
            found[m.group(2)] += 1
    return found


def _body_head(name: str) -> str | None:
    return next((h for h in _BODY_HEADS if name.endswith(h)), None)


def _strip_prefix(name: str) -> str:
    """The name without a leading 中共 (the usual short form)."""
    for p in _PARTY:
        if name.startswith(p):
            return name[len(p) :]
    return name


def is_variant(draft: str, known: str) -> bool:
    """``draft`` writes ``known`` with characters missing, added or one changed inside it."""
    if draft == known or draft[-1] != known[-1]:  # same kind of body: 局/局, 委/委 …
        return False
    if _body_head(draft) != _body_head(known):
        return False
    d, k = _strip_prefix(draft), _strip_prefix(known)
    if d == k or d in k or k in d:  # a contiguous part: the usual short or longer form
        return False
    if len(d) == len(k):
        diffs = [(a, b) for a, b in zip(d, k, strict=True) if a != b]
        # One character off, but not a different level or place (市委 vs 区委 is another body).
        return len(diffs) == 1 and not (diffs[0][0] in _LEVELS and diffs[0][1] in _LEVELS)
    short, long = (d, k) if len(d) < len(k) else (k, d)
    if len(long) - len(short) > 3 or len(short) < 4:
        return False
    # Same place prefix: characters missing or added in the middle, not a different place.
    return short[:2] == long[:2] and is_subsequence(short, long)


def org_variants(text: str, known: Counter) -> list[tuple[OrgName, str]]:
    """Names in ``text`` (normalised) the corpus never writes, each with the corpus form it varies."""
    out: list[tuple[OrgName, str]] = []
    # Shortest first: 市场监督局 inside 市场监督局机关党委 is the precise place of the slip.
    for org in sorted(find_org_names(text), key=lambda o: (o.end - o.start, o.start)):
        name = org.name
        if name in known or any(name in k for k in known):
            continue
        if any(o.start < org.end and org.start < o.end for o, _ in out):
            continue
        near = [k for k in known if is_variant(name, k)]
        if near:
            out.append((org, max(near, key=lambda k: (known[k], k))))
    return sorted(out, key=lambda pair: pair[0].start)
