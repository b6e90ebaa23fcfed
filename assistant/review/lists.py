"""Enumerations: a draft that restates a source's list with other items (issue #16).

A draft sentence enumerates when a count label introduces items (「三亮：亮身份、亮承诺、亮形象」,
「“四个一”即……」, 「五个到位（……）」) or when 包括/分别是/，即/： introduces a 、-list of short terms.
Each such list is compared with the corresponding list of the sources:
1. Source lists: the same shapes, plus a compound label's groups (「三亮三比三创（亮身份、亮承诺、
   亮形象，比技能……）」 gives 三亮, 三比 and 三创 their own items), plus every 、-run of short terms.
2. The corresponding list is one under the same label; failing that (or for an unlabelled list) the
   source list sharing most items, at least two and half of the draft's.
3. Draft items that are no item of it → a conflict, with the source's items as the value; a subset
   in any order is fine. Items match when one contains the other or is a subsequence of it
   (亮身份 ~ 亮明身份): loose on wording, strict on which items.
4. A labelled list with no corresponding list, whose label a source names or the draft quotes, is
   unbacked; one the sources never name is left to the coverage check.
5. A count label that disagrees with its own number of items (三亮 with four) is a conflict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.review.align import content
from assistant.review.facts import to_chinese
from core.normalize import is_subsequence
from core.numerals import cn_int

_NUM = "一二两三四五六七八九十"
_CJK = r"\u4e00-\u9fff"
# 三亮三比三创, 三会一课, 两学一做: numeral + one or two characters, at least twice.
_COMPOUND = rf"(?:[{_NUM}][^{_NUM}个\W\d_]{{1,2}}){{2,3}}"
# 四个一, 五个到位, 三亮, 四零服务: a numeral run, then 个 + 1–4 characters or a non-numeral + 0–3.
_SIMPLE = rf"[{_NUM}]{{1,2}}(?:个[{_CJK}]{{1,4}}|[^{_NUM}个\W\d_][{_CJK}]{{0,3}})"
_SUFFIX = "活动|行动|工程|制度|机制|要求|工作法|工作|举措|服务|模式|标准"
# The label's own text (leading quote optional), then how it introduces its items.
_LABELLED_RE = re.compile(
    rf"(?<![{_NUM}第])[“「]?(?P<label>{_COMPOUND}|{_SIMPLE})(?:{_SUFFIX})?[”」]?(?:{_SUFFIX})?"
    r"(?P<intro>:|\(|,?(?:即|是指|就是|包括|分别是|分别为))"
)
_INTRO_RE = re.compile(r"(?:包括|包含|涵盖|主要有|分别是|分别为)[:]?|,即|:")
_LEAD_RE = re.compile("包括|包含|涵盖|主要有|分别是|分别为")  # cut from a source run's first item
_NOT_LABEL = re.compile(rf"^[{_NUM}]+个?(?:[年月日天周次时分秒倍成是]|季度)")
_CLAUSE_END = re.compile(r"[。;!?)]")
_SOURCE_CLAUSES = re.compile(r"[,。;:()“”「」《》!?]")
_AND_RE = re.compile("以及|和|及|与")
MAX_ITEM = 12  # content characters of a draft item: longer pieces are prose, not terms
MAX_SOURCE_ITEM = 16  # a source item may carry a lead-in verb (开展…) or a trailer
MIN_SHARED = 2


@dataclass(frozen=True)
class Listing:
    """One enumeration: its items (content form), the label's text and count, and whether the
    items are given in full (no 等), so the count can be checked."""

    items: tuple[str, ...]
    label: str = ""
    count: int | None = None
    complete: bool = True
    exhaustive: bool = False  # 分别是/分别为: fewer items than the count is wrong too

    @property
    def text(self) -> str:
        return "、".join(self.items)


def _label_count(label: str) -> int | None:
    """三亮 → 3, 四个一 → 4, 十二个字 → 12; None for compound labels (三会一课)."""
    if re.fullmatch(_COMPOUND, label):
        return None
    m = re.match(rf"[{_NUM}]+", label)
    return cn_int(m.group(0)) if m else None


def _sub_labels(label: str) -> list[str]:
    """三亮三比三创 → [三亮, 三比, 三创]; [] for a simple label."""
    if not re.fullmatch(_COMPOUND, label):
        return []
    return re.findall(rf"[{_NUM}][^{_NUM}]{{1,2}}", label)


def _items(piece: str, limit: int) -> list[str] | None:
    """The 、-separated items of ``piece``, or None unless there are two or more, all short."""
    piece = re.sub(r"[”」]、[“「]", "、", piece)
    out = [content(p) for p in piece.split("、")]
    if len(out) < 2 or not all(2 <= len(p) <= limit for p in out):
        return None
    return out


def _cut_etc(items: list[str]) -> tuple[list[str], bool]:
    """Drop what follows 等 in the last item; complete=False when there was an 等."""
    last, etc, _ = items[-1].partition("等")
    if not etc:
        return items, True
    return (items[:-1] + [last]) if len(last) >= 2 else items[:-1], False


def _split_last(items: list[str], count: int | None) -> list[str]:
    """「亮承诺和亮形象」 as two items when that makes the list as long as its label says."""
    if count is None or len(items) + 1 != count:
        return items
    halves = _AND_RE.split(items[-1], maxsplit=1)
    if len(halves) == 2 and all(len(h) >= 2 for h in halves):
        return items[:-1] + halves
    return items


def _after_label(text: str, m: re.Match, limit: int) -> list[Listing]:
    """The items a label introduces, as one list (or, for a compound label, one per group too)."""
    label = m.group("label")
    count = _label_count(label)
    compound = re.fullmatch(_COMPOUND, label) is not None
    if _NOT_LABEL.match(label) or (not compound and (count is None or count < 2)):
        return []
    rest = text[m.end() :]
    every = m.group("intro").lstrip(",") in ("分别是", "分别为")
    if m.group("intro") == "(":
        body = rest.split(")", 1)[0]
        groups = [g for g in re.split(r"[,;]", body) if g]
    else:
        body = _CLAUSE_END.split(rest, 1)[0]
        groups = [body.split(",", 1)[0]]
        if "、" not in groups[0] and count:  # 四个一：一面旗帜，一个阵地，……
            pieces = [content(p) for p in body.split(",")]
            if len(pieces) == count and all(2 <= len(p) <= limit for p in pieces):
                return [Listing(tuple(pieces), label, count, True, every)]
    parts = [_items(g, limit) for g in groups]
    if not parts or any(p is None for p in parts):
        return []
    lists = [_cut_etc(p) for p in parts if p]
    out = []
    subs = _sub_labels(label)
    if len(subs) == len(lists) > 1:  # 三亮三比三创（亮…，比…，创…）: group i is sub-label i
        for sub, (items, done) in zip(subs, lists, strict=True):
            out.append(Listing(tuple(items), sub, _label_count(sub), done))
    items = [i for group, _ in lists for i in group]
    done = all(d for _, d in lists)
    out.append(Listing(tuple(_split_last(items, count)), label, count, done, every))
    return out


def draft_lists(claim: str) -> list[Listing]:
    """The enumerations a (normalised) draft sentence makes: labelled first, then 包括/：-lists."""
    out: list[Listing] = []
    taken: list[tuple[int, int]] = []
    for m in _LABELLED_RE.finditer(claim):
        found = _after_label(claim, m, MAX_ITEM)
        if found:
            out += found
            taken.append((m.start(), m.end()))
    for m in _INTRO_RE.finditer(claim):
        if any(m.start() <= b and m.end() >= a for a, b in taken):
            continue
        items = _items(_CLAUSE_END.split(claim[m.end() :], 1)[0].split(",", 1)[0], MAX_ITEM)
        if items:
            items, done = _cut_etc(items)
            if len(items) >= 2:
                out.append(Listing(tuple(items), "", None, done))
    return out


@lru_cache(maxsize=256)
def source_lists(passage: str) -> tuple[Listing, ...]:
    """Every list a (normalised) passage gives: labelled ones and each 、-run of short terms."""
    out: list[Listing] = []
    for m in _LABELLED_RE.finditer(passage):
        out += _after_label(passage, m, MAX_SOURCE_ITEM)
    glued = re.sub(r"[”」]、[“「]", "、", passage)
    for clause in _SOURCE_CLAUSES.split(glued):
        head = clause.split("、", 1)[0]
        lead = max((m.end() for m in _LEAD_RE.finditer(head)), default=0)
        items = _items(clause[lead:], MAX_SOURCE_ITEM) if "、" in clause else None
        if items:
            out.append(Listing(tuple(_cut_etc(items)[0])))
    return tuple(out)


def item_matches(item: str, source_item: str) -> bool:
    """Same item, allowing a lead-in, a trailer or dropped characters (亮身份 ~ 开展亮明身份)."""
    short, long = sorted((item, source_item), key=len)
    return len(short) >= 2 and (short in long or is_subsequence(short, long))


def _has(listing: Listing, item: str) -> bool:
    if any(item_matches(item, s) for s in listing.items):
        return True
    halves = _AND_RE.split(item, maxsplit=1)  # 「党建和业务」 against 「党建、业务」
    return len(halves) == 2 and all(
        len(h) >= 2 and any(item_matches(h, s) for s in listing.items) for h in halves
    )


def _shared(draft: Listing, source: Listing) -> int:
    return sum(_has(source, i) for i in draft.items)


@dataclass
class ListCheck:
    """What ``compare_lists`` found: (draft, source) conflicts and unbacked draft lists."""

    conflicts: list[tuple[str, str]]
    unbacked: list[str]
    matched: list[tuple[str, str]]


def _label_key(label: str) -> str:
    """三亮活动 → 三亮, 四零服务 → 四零, 三个一线 → 三一线: what two spellings of a label share."""
    key = re.sub(rf"(?:{_SUFFIX})$", "", label) or label
    return key.replace("个", "", 1)


def _same_label(a: str, b: str) -> bool:
    return _label_key(a) == _label_key(b)


def _corresponding(draft: Listing, sources: list[Listing]) -> list[Listing]:
    """The source lists the draft's list restates: same label, else most shared items."""
    if draft.label:
        named = [s for s in sources if s.label and _same_label(s.label, draft.label)]
        if named:
            return sorted(named, key=lambda s: -_shared(draft, s))
    scored = [(_shared(draft, s), -i, s) for i, s in enumerate(sources)]
    enough = [t for t in scored if t[0] >= MIN_SHARED and 2 * t[0] >= len(draft.items)]
    return [s for *_, s in sorted(enough, key=lambda t: t[:2], reverse=True)]


def compare_lists(claim: str, passages: list[str]) -> ListCheck:
    """Compare each enumeration of ``claim`` with the passages' lists (the first passage is the
    best window's: its lists are preferred when two fit equally)."""
    check = ListCheck([], [], [])
    drafts = draft_lists(claim)
    if not drafts:
        return check
    sources = [s for p in passages for s in source_lists(p)]
    for d in drafts:
        n = len(d.items)
        if d.count is not None and d.complete and (n > d.count or (d.exhaustive and n < d.count)):
            named = _corresponding(d, sources)
            value = named[0].text if named else f"“{d.label}”应为{to_chinese(d.count)}项"
            check.conflicts.append((f"{d.label}：{d.text}", value))
            continue
        candidates = _corresponding(d, sources)
        if not candidates:
            quoted = re.search(rf"[“「]{re.escape(d.label)}", claim) if d.label else None
            if d.label and (quoted or any(d.label in p for p in passages)):
                check.unbacked.append(f"“{d.label}”所列的{d.text}")
            continue
        fits = next((s for s in candidates if _shared(d, s) == len(d.items)), None)
        if fits is not None:
            check.matched.append((d.text, fits.text))
        else:
            check.conflicts.append((d.text, candidates[0].text))
    return check
