"""Aligning a draft sentence with source sentences: bigram coverage, fact pairing, name substitutions.

1. ``coverage``: the share of the draft's character bigrams (facts masked out) found in a source window.
2. ``pair_facts``: equal facts pair first, one to one; a leftover draft fact is compared with the
   leftover source fact of the same kind and unit whose surrounding words match best, the counted
   noun on either side of the number (「5条断头路」 = 「断头路59条」).
3. ``name_conflicts``: a character diff of the two sentences; a replaced or dropped span inside a
   person, place or organisation name (jieba POS, or a word ending in 局/大学/监狱 …) is a conflict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from assistant.review.facts import Fact, comparable, facts_agree, parse_number, to_chinese
from assistant.review.names import ORG_SUFFIXES, pos_tokens

_NON_CONTENT = re.compile(r"[^\w+%]|_")
# Function characters that paraphrases add or drop freely; they say nothing a source must back.
_FUNCTION_CHARS = re.compile("[的了着过并和与及而已均都共也又还把被等]")
CONTEXT_CHARS = 6
_CLAUSE_END = re.compile(r"[，,、；;。：:！!？?]")
MIN_CONTEXT_SHARED = 2  # shared context bigrams/chars for two differing facts to be "the same slot"


def content(text: str) -> str:
    """Letters, digits, CJK, + and %: what alignment compares."""
    return _NON_CONTENT.sub("", text)


def content_bigrams(text: str) -> set[str]:
    """Character bigrams of the content of ``text``, function characters (的/了/并 …) dropped."""
    t = _FUNCTION_CHARS.sub("", content(text))
    if len(t) == 1:
        return {t}
    return {t[i : i + 2] for i in range(len(t) - 1)}


def masked_bigrams(text: str, facts: list[Fact]) -> set[str]:
    """Bigrams of ``text`` outside the fact spans: what the words around the facts say."""
    out: set[str] = set()
    pos = 0
    for f in sorted(facts, key=lambda f: f.start):
        if f.kind in ("quote",):
            continue  # a quoted name's words are part of what the source must say
        out |= content_bigrams(text[pos : f.start])
        pos = max(pos, f.end)
    out |= content_bigrams(text[pos:])
    return out


def masked_words(text: str, facts: list[Fact]) -> list[str]:
    """The claim's words of two or more characters outside the fact spans (jieba), in order."""
    pieces, pos = [], 0
    for f in sorted(facts, key=lambda f: f.start):
        if f.kind != "quote":
            pieces.append(text[pos : f.start])
            pos = max(pos, f.end)
    pieces.append(text[pos:])
    words: list[str] = []
    for piece in pieces:
        for word, _, _, _ in pos_tokens(content(piece)):
            if len(_FUNCTION_CHARS.sub("", word)) >= 2 and word not in words:
                words.append(word)
    return words


def word_coverage(words: list[str], source: str) -> float:
    """Share of ``words`` found verbatim in ``source`` (1.0 when there are none)."""
    if not words:
        return 1.0
    found = content(source)
    return sum(w in found for w in words) / len(words)


def coverage(claim_bigrams: set[str], source_bigrams: set[str]) -> float:
    """|claim ∩ source| / |claim| (1.0 for a claim with no bigrams)."""
    if not claim_bigrams:
        return 1.0
    return len(claim_bigrams & source_bigrams) / len(claim_bigrams)


def _context(text: str, fact: Fact) -> tuple[str, str]:
    left = content(text[: fact.start])[-CONTEXT_CHARS:]
    right = content(text[fact.end :])[:CONTEXT_CHARS]
    return left, right


def _clause_context(text: str, fact: Fact) -> tuple[set[str], set[str]]:
    """Bigrams of the words beside ``fact`` inside its own clause (up to ，、；。： on each side)."""
    left = _CLAUSE_END.split(text[: fact.start])[-1]
    right = _CLAUSE_END.split(text[fact.end :])[0]
    return (
        content_bigrams(content(left)[-CONTEXT_CHARS:]),
        content_bigrams(content(right)[:CONTEXT_CHARS]),
    )


def _clause_match(d_text: str, d: Fact, s_text: str, s: Fact) -> int:
    """Context bigrams two facts share inside their clauses, the counted noun on either side."""
    (dl, dr), (sl, sr) = _clause_context(d_text, d), _clause_context(s_text, s)
    in_order = len(dl & sl) + len(dr & sr)
    noun_before_in_source = len((dl | dr) & sl)  # 「打通了5条断头路」 vs 「打通断头路59条」
    noun_before_in_draft = len(dl & (sl | sr))  # 「打通断头路5条」 vs 「打通了59条断头路」
    return max(in_order, noun_before_in_source, noun_before_in_draft)


def context_match(d_text: str, d: Fact, s_text: str, s: Fact) -> int:
    """How many context bigrams two facts share, in the better of two readings.

    Same word order: left with left, right with right, six characters each side. Counted noun
    moved across the number (「打通了5条断头路」 vs 「打通断头路59条」): the side holding verb
    and noun in one against both sides of the other, inside their clauses.
    """
    dl, dr = _context(d_text, d)
    sl, sr = _context(s_text, s)
    in_order = len(content_bigrams(dl) & content_bigrams(sl)) * bool(dl and sl) + len(
        content_bigrams(dr) & content_bigrams(sr)
    ) * bool(dr and sr)
    return max(in_order, _clause_match(d_text, d, s_text, s))


def context_rank(d_text: str, d: Fact, s_text: str, s: Fact) -> tuple[bool, int]:
    """Sort key among rival source facts: a match inside the clauses beats one reaching into the
    next clause (in 「快速路12个,建成美丽村庄600个」 12个 is the 快速路's count, not 619个)."""
    clause = _clause_match(d_text, d, s_text, s) >= MIN_CONTEXT_SHARED
    return clause, context_match(d_text, d, s_text, s)


@dataclass
class Pairing:
    """What ``pair_facts`` found: agreeing pairs, conflicting pairs, draft facts with no counterpart."""

    matched: list[tuple[Fact, Fact]]
    conflicts: list[tuple[Fact, Fact]]
    unmatched: list[Fact]


def _bare_numeral_backs(fact: Fact, d_text: str, s_text: str) -> bool:
    """``三个国土资源所`` is backed by ``第一、二、三国土资源所``: the value right before the same noun."""
    if fact.value is None or fact.value != int(fact.value) or fact.value > 9999:
        return False
    noun = content(d_text[fact.end :])[:2]
    if len(noun) < 2:
        return False
    forms = {str(int(fact.value)), to_chinese(int(fact.value))}
    return any(re.search(re.escape(f) + r"\W?" + re.escape(noun), s_text) for f in forms)


def pair_facts(
    d_text: str,
    d_facts: list[Fact],
    s_text: str,
    s_facts: list[Fact],
    wider: list[Fact],
    *,
    by_context: bool = False,
) -> Pairing:
    """Pair draft facts (numbers, percentages, dates, weekdays) with the source window's.

    ``wider`` are the facts of the whole passage: an agreeing fact there also backs the draft,
    but only the window's facts can contradict it. ``by_context`` (generated text, which copies
    numbers next to the wrong noun): a draft fact goes first to the window's fact that shares
    most context with it, so 「建成10个美丽村庄」 meets 「美丽村庄619个」, not 「10个快速路」.
    """
    kinds = ("number", "percent", "date", "weekday")
    todo = [f for f in d_facts if f.kind in kinds]
    pool = [f for f in s_facts if f.kind in kinds]
    matched, conflicts, unmatched = [], [], []
    if by_context:
        todo = _pair_by_context(d_text, todo, s_text, pool, matched, conflicts)
    left = []
    for d in todo:
        same = [s for s in pool if facts_agree(d, s)]
        if same:
            best = max(same, key=lambda s: context_rank(d_text, d, s_text, s))
            matched.append((d, best))
            pool.remove(best)
        else:
            left.append(d)
    for d in left:
        rivals = [s for s in pool if comparable(d, s)]
        scored = sorted(
            ((*context_rank(d_text, d, s_text, s), -i, s) for i, s in enumerate(rivals)),
            key=lambda t: t[:3],
            reverse=True,
        )
        if scored and scored[0][1] >= MIN_CONTEXT_SHARED:
            conflicts.append((d, scored[0][3]))
            pool.remove(scored[0][3])
            continue
        backing = next((s for s in wider if facts_agree(d, s)), None)
        if backing is not None:
            matched.append((d, backing))
        elif d.kind == "number" and _bare_numeral_backs(d, d_text, s_text):
            matched.append((d, d))
        else:
            unmatched.append(d)
    return Pairing(matched, conflicts, unmatched)


def _pair_by_context(
    d_text: str,
    todo: list[Fact],
    s_text: str,
    pool: list[Fact],
    matched: list[tuple[Fact, Fact]],
    conflicts: list[tuple[Fact, Fact]],
) -> list[Fact]:
    """Pair each draft fact with its best-context comparable window fact (agreeing or not, when
    that context is strong enough); return the facts left for the plain pairing."""
    rest = []
    for d in todo:
        rivals = [s for s in pool if comparable(d, s) or facts_agree(d, s)]
        scored = sorted(
            (
                (*context_rank(d_text, d, s_text, s), facts_agree(d, s), -i, s)
                for i, s in enumerate(rivals)
            ),
            key=lambda t: t[:4],
            reverse=True,
        )
        if scored and scored[0][1] >= MIN_CONTEXT_SHARED:
            best = scored[0][4]
            (matched if scored[0][2] else conflicts).append((d, best))
            pool.remove(best)
        else:
            rest.append(d)
    return rest


def _is_name(word: str, flag: str) -> bool:
    if len(word) < 2 or word.endswith(("干部", "党员", "群众")):
        return False
    return flag in ("nr", "nt", "ns") or (
        len(word) >= 3 and flag in ("n", "nz") and word.endswith(ORG_SUFFIXES)
    )


def _name_tokens(text: str, a: int, b: int) -> list[tuple[str, int, int]]:
    """Name tokens of ``text`` overlapping [a, b)."""
    return [
        (w, s, e)
        for w, f, s, e in pos_tokens(text)
        if s < max(b, a + 1) and e > a and _is_name(w, f)
    ]


def _has_number(span: str) -> bool:
    return bool(re.search(r"[\d零〇一二两三四五六七八九十百千万亿]", span)) and any(
        parse_number(c) is not None for c in span
    )


def name_conflicts(draft: str, source: str, min_anchor: int = 2) -> list[tuple[str, str]]:
    """(draft name, source name) pairs where a name in an otherwise aligned sentence differs.

    南京大学 vs 南京农业大学 (a whole word dropped inside a name) is a conflict; 市场监管局 vs
    市场监督管理局 (single characters dropped: an abbreviation) is not.
    """
    d, s = content(draft), content(source)
    ops = SequenceMatcher(None, d, s, autojunk=False).get_opcodes()
    out = []
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            continue
        before = ops[n - 1] if n else None
        after = ops[n + 1] if n + 1 < len(ops) else None
        anchored_left = (
            before is not None and before[0] == "equal" and before[2] - before[1] >= min_anchor
        )
        anchored_right = (
            after is not None and after[0] == "equal" and after[2] - after[1] >= min_anchor
        )
        if not (anchored_left and anchored_right):
            continue
        d_span, s_span = d[i1:i2], s[j1:j2]
        if _has_number(d_span) or _has_number(s_span) or max(len(d_span), len(s_span)) > 8:
            continue
        if tag == "replace":
            # Both sides must be names: 凌丽 vs 顾吟, 南京(监狱) vs 盐城(监狱), 市场监督管理局 vs 政务服务办公室.
            dn, sn = _name_tokens(d, i1, i2), _name_tokens(s, j1, j2)
            if dn and sn:
                out.append((dn[0][0], sn[0][0]))
        elif len(s_span) >= 2 and tag == "insert":  # the source has a word the draft's name lacks
            for word, a, b in _name_tokens(s, j1, j2):
                if a < j1 and b > j2:
                    out.append((d[i1 - (j1 - a) : i1 + (b - j2)], word))
        elif len(d_span) >= 2 and tag == "delete":
            for word, a, b in _name_tokens(d, i1, i2):
                if a < i1 and b > i2:
                    out.append((word, s[j1 - (i1 - a) : j1 + (b - i2)]))
    return out
