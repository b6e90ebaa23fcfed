"""Metrics for generated answers and drafts: facts, citations, ROUGE-L, refusals.

All text is compared in its normalised form (``core.normalize.normalize``), the same form
the index searches, so Traditional/Simplified and full-/half-width differences never count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.generation.citations import CITATION_RE, LEADING_CITATIONS_RE, citation_numbers
from core.normalize import char_bigrams, normalize
from evals.metrics.retrieval import Fact, fact_alternatives, fact_present

# The one list of phrases that mark "the sources do not say". Matched after normalisation.
REFUSAL_PHRASES: tuple[str, ...] = (
    "资料中未提及",
    "资料未提及",
    "资料中没有",
    "来源未涉及",
    "来源中未提及",
    "来源中没有",
    "未提及相关",
    "没有提及",
    "没有提到",
    "未找到相关",
    "没有找到相关",
    "没有相关信息",
    "无相关信息",
    "无法回答",
    "无法根据",
    "不足以回答",
    "无法确定",
)

_SENTENCE_END = "。！？!?；;\n"
_SPLIT_RE = re.compile(f"(?<=[{re.escape(_SENTENCE_END)}])")
# What bigrams are taken over: letters, digits and CJK; punctuation and spaces are noise.
_NOISE_RE = re.compile(r"[\s\W_]+")


def fact_coverage(answer: str, facts: Sequence[Fact]) -> float:
    """Share of ``facts`` (any spelling) found as substrings of the normalised answer.

    0.0 when ``facts`` is empty.
    """
    if not facts:
        return 0.0
    text = normalize(answer)
    return sum(fact_present(f, text) for f in facts) / len(facts)


def citation_validity(answer: str, n_passages: int) -> float | None:
    """Share of citation numbers in ``answer`` that point at a passage 1..``n_passages``.

    ``None`` when the answer cites nothing (there is nothing to be valid or invalid).
    """
    numbers = citation_numbers(answer)
    if not numbers:
        return None
    return sum(1 <= n <= n_passages for n in numbers) / len(numbers)


def split_cited_sentences(answer: str) -> list[tuple[str, list[int]]]:
    """Split the normalised answer into sentences, each with the citation numbers it carries.

    Sentences end at 。！？!?；; or a newline. Markers written right after the end mark
    (``……增长5%。[1]``) belong to the sentence before them. The returned sentence text has
    its markers removed.
    """
    pieces = [p for p in _SPLIT_RE.split(normalize(answer)) if p]
    # Move markers that open a piece back onto the previous piece.
    merged: list[str] = []
    for piece in pieces:
        lead = LEADING_CITATIONS_RE.match(piece)
        if lead and merged:
            merged[-1] += lead.group(0)
            piece = piece[lead.end() :]
        if piece.strip():
            merged.append(piece)
    result: list[tuple[str, list[int]]] = []
    for sentence in merged:
        numbers = citation_numbers(sentence)
        bare = CITATION_RE.sub("", sentence).strip()
        if bare:
            result.append((bare, numbers))
    return result


def bigram_overlap(sentence: str, passage: str) -> float:
    """Share of the sentence's character bigrams that also occur in the passage (0.0 if none)."""
    grams = char_bigrams(sentence)
    if not grams:
        return 0.0
    return len(grams & char_bigrams(passage)) / len(grams)


def citation_support(
    answer: str,
    passages: Sequence[str],
    *,
    facts: Sequence[Fact] = (),
    threshold: float = 0.5,
) -> float | None:
    """Share of valid (sentence, cited passage) pairs where the passage supports the sentence.

    For each sentence and each valid citation number ``n`` in it, passage ``n`` (1-based)
    supports the sentence when either
    1. the sentence states some of ``facts`` and passage ``n`` contains every one of them, or
    2. ``bigram_overlap(sentence, passage) >= threshold``.
    Citations outside 1..len(passages) are left to ``citation_validity``. ``None`` when
    there is no valid citation.
    """
    supported = total = 0
    for sentence, numbers in split_cited_sentences(answer):
        stated = [f for f in facts if fact_present(f, sentence)]
        for n in numbers:
            if not 1 <= n <= len(passages):
                continue
            total += 1
            passage = normalize(passages[n - 1])
            has_facts = bool(stated) and all(
                any(alt in passage for alt in fact_alternatives(f)) for f in stated
            )
            if has_facts or bigram_overlap(sentence, passage) >= threshold:
                supported += 1
    return supported / total if total else None


def _lcs_length(a: str, b: str) -> int:
    previous = [0] * (len(b) + 1)
    for ch in a:
        current = [0]
        for j, other in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if ch == other else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def rouge_l_chars(candidate: str, reference: str) -> float:
    """ROUGE-L F1 over characters: LCS-based precision and recall, harmonic mean (β = 1).

    Both texts are normalised and whitespace is removed before comparing; punctuation
    counts as characters. 0.0 when either text is empty.
    """
    cand = re.sub(r"\s+", "", normalize(candidate))
    ref = re.sub(r"\s+", "", normalize(reference))
    if not cand or not ref:
        return 0.0
    lcs = _lcs_length(cand, ref)
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(cand), lcs / len(ref)
    return 2 * precision * recall / (precision + recall)


def is_refusal(answer: str) -> bool:
    """Whether the answer says the sources are silent (any of ``REFUSAL_PHRASES``)."""
    text = normalize(answer)
    return any(phrase in text for phrase in REFUSAL_PHRASES)
