"""The agency's fixed expressions (提法), mined from the indexed reports, and their variants in a draft.

Mined: quoted terms (“城市好管家”), numbered formulas (三会一课, 一岗双责, 四个意识, 两个维护),
党建+ brands, full and short organisation names (``orgs.py``). A few nationwide formulas every agency uses are always known (``KNOWN_FORMULAS``).
Flagged in a draft: 党建加/党建＋ for 党建+, a numbered formula with a wrong numeral (一岗两责,
三个意识), a quoted term one character away from a known one that the corpus never uses, and an
organisation name written with characters missing, added or changed (市场监督局 for 市场监督管理局).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.review.orgs import mine_org_names, org_variants
from core.normalize import normalize

if TYPE_CHECKING:
    from assistant.retrieval.reader import IndexReader

NUMERALS = "一二两三四五六七八九十双"
MIN_UNQUOTED_USES = 2
KNOWN_FORMULAS = (
    "三会一课", "两学一做", "一岗双责", "三严三实", "四个意识", "四个自信", "两个维护", "两个确立",
    "四个全面", "五位一体", "四风", "三重一大", "两个责任",
)  # fmt: skip
# 三会一课, 一岗双责, 三严三实: numeral, character, numeral, character.
_ALTERNATING = re.compile(rf"[{NUMERALS}][\u4e00-\u9fff][{NUMERALS}][\u4e00-\u9fff]")
# 四个意识, 三个一线, 七个不: numeral + 个 + 1–4 characters, only when quoted or known.
_COUNTED = re.compile(rf"^[{NUMERALS}]个[\u4e00-\u9fff]{{1,4}}$")
_QUOTED = re.compile(r"“([^“”]{2,12})”|「([^「」]{2,12})」")
_BRAND = re.compile(r"党建\+[\u4e00-\u9fff]{2,10}")
# 党建加 as a brand prefix, not the verb 加强/加快/加大 …
_PLUS_VARIANT = re.compile(r"党建加(?![强快大速以入紧深])")


@dataclass
class TermSet:
    """Fixed expressions with how often the corpus uses them; ``formulas`` are the numbered ones;
    ``orgs`` the organisation names (full, short and defined abbreviations)."""

    terms: Counter = field(default_factory=Counter)
    formulas: set[str] = field(default_factory=set)
    orgs: Counter = field(default_factory=Counter)

    def __contains__(self, term: str) -> bool:
        return term in self.terms or term in self.formulas


@dataclass(frozen=True)
class TermIssue:
    """A variant of a fixed expression at ``start``–``end`` of the draft, and what the corpus writes."""

    start: int
    end: int
    found: str
    expected: str
    reason: str


def mine_terms(texts: Iterable[str]) -> TermSet:
    """Quoted terms, numbered formulas and 党建+ brands from ``texts`` (normalised first)."""
    found = TermSet()
    found.formulas.update(KNOWN_FORMULAS)
    for raw in texts:
        text = normalize(raw)
        found.orgs.update(mine_org_names([text]))
        for m in _QUOTED.finditer(text):
            term = m.group(1) or m.group(2)
            found.terms[term] += 1
            if _COUNTED.match(term) or _ALTERNATING.fullmatch(term):
                found.formulas.add(term)
        for m in _ALTERNATING.finditer(text):
            found.terms[m.group(0)] += 1
        for m in _BRAND.finditer(text):
            found.terms[m.group(0)] += 1
    # Unquoted 三会一课-shaped strings count once used twice (十届三中 once is a fragment),
    # and not reduplications (一条一条).
    for term, n in found.terms.items():
        if n >= MIN_UNQUOTED_USES and _ALTERNATING.fullmatch(term) and term[:2] != term[2:]:
            found.formulas.add(term)
    return found


_CACHE: dict[str, TermSet] = {}


def terms_for_reader(reader: IndexReader) -> TermSet:
    """Mined terms of an open index, cached per index generation (the set of finished documents)."""
    docs = sorted(d.doc_id for d in reader.documents())
    key = hashlib.sha256("\n".join(docs).encode()).hexdigest()
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = mine_terms(reader.document_text(d) or "" for d in docs)
    return _CACHE[key]


def _numeral_variant(window: str, formula: str) -> bool:
    """Same characters as ``formula`` except at least one numeral, and only numerals differ."""
    if len(window) != len(formula) or window == formula:
        return False
    diffs = [(a, b) for a, b in zip(window, formula, strict=True) if a != b]
    return all(a in NUMERALS and b in NUMERALS for a, b in diffs)


def _one_char_off(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def check_terms(text: str, terms: TermSet) -> list[TermIssue]:
    """Variants of known fixed expressions in ``text``, with offsets into ``text``.

    Offsets are exact when normalisation keeps the length (it does for Simplified and
    Traditional text; only zero-width characters are dropped).
    """
    norm = normalize(text)
    issues: list[TermIssue] = []
    for m in _PLUS_VARIANT.finditer(norm):
        issues.append(
            TermIssue(
                m.start(),
                m.end(),
                text[m.start() : m.end()],
                "党建+",
                "“党建+”品牌的固定写法是“党建+”",
            )
        )
    taken = {(i.start, i.end) for i in issues}
    # Known expressions written correctly: nothing inside them is a variant (三个一 in 三个一线).
    correct = [
        (m.start(), m.end()) for t in terms.formulas for m in re.finditer(re.escape(t), norm)
    ]
    for formula in sorted(terms.formulas, key=len, reverse=True):
        n = len(formula)
        for i in range(len(norm) - n + 1):
            window = norm[i : i + n]
            if window[0] not in NUMERALS or (i, i + n) in taken or window in terms:
                continue
            if any(a < i + n and i < b for a, b in correct):
                continue
            if _numeral_variant(window, formula):
                reason = f"固定提法“{formula}”的数字不对"
                issues.append(TermIssue(i, i + n, text[i : i + n], formula, reason))
                taken.add((i, i + n))
    for m in _QUOTED.finditer(norm):
        quoted = m.group(1) or m.group(2)
        if quoted in terms:
            continue
        a = m.start() + 1
        if any(i.start < a + len(quoted) and a < i.end for i in issues):
            continue
        near = [t for t in terms.terms if _one_char_off(quoted, t)]
        if near and not any(t.startswith(quoted[0]) and t in quoted for t in near):
            best = max(near, key=lambda t: terms.terms[t])
            issues.append(
                TermIssue(
                    a, a + len(quoted), text[a : a + len(quoted)], best, f"资料中的提法是“{best}”"
                )
            )
    for org, expected in org_variants(norm, terms.orgs):
        if any(i.start < org.end and org.start < i.end for i in issues):
            continue
        found_text = text[org.start : org.end]
        issues.append(
            TermIssue(org.start, org.end, found_text, expected, f"资料中的名称是“{expected}”")
        )
    return sorted(issues, key=lambda i: i.start)
