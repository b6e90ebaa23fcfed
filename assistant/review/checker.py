"""Check a draft against the indexed sources, sentence by sentence, without an LLM.

For each sentence:
1. Plans, exhortations, questions and headings are ``not_claim`` and not checked.
2. Retrieve the top-k passages (hybrid); split them into sentences; the best window (one
   sentence, or two adjacent ones) is the one holding most of the draft's character bigrams,
   with the facts masked out and the passage title counted (the report's subject often is
   only there).
3. Compare facts: numbers with their unit, percentages, dates, weekdays, 文号, quoted names and
   names of people and organisations (see ``align``); enumerations item by item (see ``lists``).
4. Decide: a conflicting fact in a well-aligned window → ``contradicted``; too little of the
   sentence in any source, or a number/date/quote no source gives → ``unsupported``; else
   ``supported`` with the passage cited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.retrieval.base import Hit, Retriever
from assistant.retrieval.time_aware import document_periods
from assistant.review import align
from assistant.review.facts import Fact, extract_facts, extract_quotes, extract_wenhao, facts_agree
from assistant.review.lists import compare_lists
from assistant.review.periods import check_periods, draft_periods, source_periods
from assistant.review.polarity import polarity_markers
from assistant.review.sentences import is_claim, split_draft
from core.normalize import normalize
from core.periods import Period
from index.chunking import split_sentences

if TYPE_CHECKING:
    from assistant.review.terms import TermSet

LABELS = ("supported", "contradicted", "unsupported", "not_claim")
HARNESS_LABEL = {
    "supported": "supported",
    "contradicted": "contradicted",
    "unsupported": "not_supported",
    "not_claim": "not_supported",
}
# Coverage = mean of character-bigram and word coverage of the draft (facts masked) by the best
# source window. Calibrated on evals/sets/seeds_review.jsonl and the first 100 OCNLI claims.
SUPPORT_COVERAGE = 0.7
CONTRADICT_COVERAGE = 0.6
QUOTE_SIMILARITY = 0.34
POLARITY_COVERAGE = 0.5
_QUESTION_WORDS_RE = re.compile(r"多少|几个|几|哪些|哪|什么|怎么|如何|是否|吗|呢|？|\?")
WINDOW_GAIN = 0.1  # a two-sentence window must add this much coverage to beat one sentence
PERIOD_GAIN = 0.1  # a window about the draft's period is preferred by this much coverage
_REASON_PREFIX = {"period": "所述时期：", "list": "所列各项："}


@dataclass
class Verdict:
    """The checker's finding for one draft sentence.

    ``differences``: (kind, draft value, source value) for each conflicting fact;
    ``unbacked``: draft facts no source gives; ``second_opinion``: an LLM's note, never the verdict.
    """

    sentence: str
    start: int
    end: int
    label: str
    source_sentence: str = ""
    hit: Hit | None = None
    similarity: float = 0.0
    differences: list[tuple[str, str, str]] = field(default_factory=list)
    unbacked: list[tuple[str, str]] = field(default_factory=list)
    matched: list[tuple[str, str, str]] = field(default_factory=list)
    reason: str = ""
    second_opinion: str | None = None

    @property
    def harness_label(self) -> str:
        """The eval harness's label: unsupported and not_claim both score as ``not_supported``."""
        return HARNESS_LABEL[self.label]


@dataclass
class ReviewReport:
    """All verdicts for a draft, plus terminology issues."""

    text: str
    verdicts: list[Verdict]
    term_issues: list[Any] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # Chinese, e.g. the LLM was unreachable

    @property
    def totals(self) -> dict[str, int]:
        """How many sentences got each label, plus ``terms`` for terminology issues."""
        out = {label: 0 for label in LABELS}
        for v in self.verdicts:
            out[v.label] += 1
        out["terms"] = len(self.term_issues)
        return out


@dataclass
class _Window:
    text: str
    hit: Hit
    score: float


def _windows(hit: Hit) -> list[str]:
    text = normalize(hit.text)
    sents = [text[a:b] for a, b in split_sentences(text)]
    return sents + [sents[i] + sents[i + 1] for i in range(len(sents) - 1)]


def _about(hit: Hit) -> str:
    """The passage's title and organisation: the subject a draft sentence often names only there."""
    names = [hit.metadata.get("org") or "", *(hit.metadata.get("org_aliases") or ())]
    return normalize("|".join([hit.title or "", *names]))


def window_score(bigrams: set[str], words: list[str], window: str, about: str) -> float:
    """Mean of character-bigram and word coverage of the claim by ``window`` (+ title/org)."""
    by_bigrams = align.coverage(
        bigrams, align.content_bigrams(window) | align.content_bigrams(about)
    )
    return (by_bigrams + align.word_coverage(words, window + "|" + about)) / 2


def best_window(
    claim: str,
    facts: list[Fact],
    hits: list[Hit],
    stated: list[Period] | None = None,
    context: str = "",
) -> _Window | None:
    """The source sentence (or adjacent pair) that holds most of the claim's words; with
    ``stated`` periods, one about a consistent period gains ``PERIOD_GAIN`` (of two look-alike
    reports, the one about the draft's year). ``context`` (normalised) counts like the title in
    the final score, not in the choice of window: words an answer repeats from its question are
    not claims about the sources, but they must not pick the window either."""
    wanted = align.masked_bigrams(claim, facts)
    words = align.masked_words(claim, facts)
    best: _Window | None = None
    for hit in hits:
        about = _about(hit)
        passage = document_periods(hit) if stated else None
        for w in _windows(hit):
            score = window_score(wanted, words, w, about)
            if (
                stated
                and check_periods(stated, source_periods(w, hit, passage)).status == "consistent"
            ):
                score += PERIOD_GAIN
            single = "。" not in w[:-1] and "；" not in w[:-1]
            penalty = 0.0 if single else WINDOW_GAIN
            if best is None or score - penalty > best.score + 1e-9:
                best = _Window(w, hit, score - penalty)
    if best is not None:
        best.score = window_score(wanted, words, best.text, _about(best.hit) + context)
    return best


def _similar(a: str, b: str) -> float:
    A, B = align.content_bigrams(a), align.content_bigrams(b)
    return 2 * len(A & B) / (len(A) + len(B)) if A and B else 0.0


def _compare_quotes(claim: str, window: str, passages: list[str]) -> tuple[list, list, list]:
    """Quoted names: found in any passage → backed; a similar but different quote in the window → conflict."""
    matched, conflicts, unbacked = [], [], []
    squashed = [align.content(p) for p in passages]
    src_quotes = extract_quotes(window) + [q for p in passages for q in extract_quotes(p)]
    for q in extract_quotes(claim) + extract_wenhao(claim):
        if any(q.key in p for p in squashed):
            matched.append(("quote", q.text, q.text))
            continue
        pool = extract_wenhao(window) if q.kind == "wenhao" else src_quotes
        rival = max(pool, key=lambda s: _similar(q.key, s.key), default=None)
        if rival is not None and (
            q.kind == "wenhao" or _similar(q.key, rival.key) >= QUOTE_SIMILARITY
        ):
            conflicts.append((q.kind, q.text, rival.text))
        else:
            unbacked.append((q.kind, q.text))
    return matched, conflicts, unbacked


def _quote_next_to(text: str, f: Fact) -> str | None:
    """The key of a quote right after (18个“书记项目”) or right before (“书记项目”18个) a number."""
    for q in extract_quotes(text):
        if q.start == f.end or q.end == f.start:
            return q.key
    return None


def _quote_anchored(claim: str, facts: list[Fact], passages: list[str]) -> dict[Fact, Fact | None]:
    """Counts tied to a quoted name, checked wherever the passages name it: draft fact → the source's
    fact of the same unit next to the same quote (or None when the passages never count it)."""
    out: dict[Fact, Fact | None] = {}
    for f in facts:
        key = _quote_next_to(claim, f) if f.kind == "number" else None
        if key is None:
            continue
        for p in passages:
            for s in extract_facts(p):
                if s.kind == "number" and s.unit == f.unit and _quote_next_to(p, s) == key:
                    if out.get(f) is None or facts_agree(f, s):
                        out[f] = s
    return out


def _retrieve(sentence: str, claim: str, retriever: Retriever, k: int) -> list[Hit]:
    """The sentence's top-k passages, plus the best two for each quoted name in it (a strong key)."""
    hits = list(retriever.retrieve(sentence, k=k))
    seen = {h.chunk_id for h in hits}
    for q in extract_quotes(claim):
        if len(q.key) >= 2:
            for h in retriever.retrieve(q.key, k=2):
                if h.chunk_id not in seen:
                    seen.add(h.chunk_id)
                    hits.append(h)
    return hits


def _without_facts(claim: str, facts: list[Fact]) -> str:
    """The claim with its numbers, dates and 文号 cut out (quotes kept)."""
    out, pos = [], 0
    for f in facts:
        if f.kind != "quote" and f.start >= pos:
            out.append(claim[pos : f.start])
            pos = f.end
    out.append(claim[pos:])
    return "".join(out).strip("，,。 ")


def _weak(f: Fact) -> bool:
    """一个/一批/一名: usually an article, not a count worth a verdict of its own."""
    return f.kind == "number" and f.value == 1 and f.text.startswith(("一", "第一"))


def check_sentence(
    sentence: str,
    retriever: Retriever,
    k: int = 5,
    *,
    start: int = 0,
    end: int | None = None,
    question: str = "",
    wide: bool = True,
) -> Verdict:
    """Verdict for one draft sentence against the top ``k`` passages of ``retriever``.

    ``question``: what the sentence answers (its words count like the passage title).
    ``wide``: a number may be backed by any retrieved passage (a draft summarises several);
    False: only by the passage of the best window (a generated sentence cites one)."""
    end = len(sentence) + start if end is None else end
    verdict = Verdict(sentence, start, end, "not_claim")
    if not is_claim(sentence):
        verdict.reason = "计划、要求或表态，不作事实核对"
        return verdict
    claim = normalize(sentence)
    facts = extract_facts(claim)
    stated, in_time, time_masks = draft_periods(claim, facts)
    masked = facts + time_masks  # time words are checked by period, not by word coverage
    hits = _retrieve(sentence, claim, retriever, k)
    context = "|" + _QUESTION_WORDS_RE.sub("", normalize(question)) if question else ""
    window = best_window(claim, masked, hits, stated, context)
    if window is None or window.score < SUPPORT_COVERAGE:
        # Numbers pull a dense query towards other numbers: ask again without them.
        probe = _without_facts(claim, masked)
        if probe and probe != claim:
            seen = {h.chunk_id for h in hits}
            hits += [h for h in retriever.retrieve(probe, k=k) if h.chunk_id not in seen]
            window = best_window(claim, masked, hits, stated, context)
    if window is None:
        verdict.label, verdict.reason = "unsupported", "资料库中没有找到相关内容"
        return verdict
    verdict.hit, verdict.source_sentence, verdict.similarity = (
        window.hit,
        window.text,
        round(window.score, 3),
    )
    passages = [normalize(h.text) for h in (hits if wide else [window.hit])]
    wider = [f for p in passages for f in extract_facts(p)]
    # The period the draft states is checked against the period the source speaks of (its
    # 全年/五年来 resolved against its document's date), not as a date the source must repeat.
    timed = check_periods(stated, source_periods(window.text, window.hit))
    if timed.status == "unknown":
        in_time = [f for f in in_time if f.kind != "date"]  # dates then checked as dates
    plain = [f for f in facts if f not in in_time]
    pairing = align.pair_facts(
        claim, plain, window.text, extract_facts(window.text), wider, by_context=not wide
    )
    q_matched, q_conflicts, q_unbacked = _compare_quotes(claim, window.text, passages)
    anchored = {d: s for d, s in _quote_anchored(claim, facts, passages).items() if s is not None}
    strong = [(d, s) for d, s in anchored.items() if not facts_agree(d, s)]
    pairing.unmatched = [f for f in pairing.unmatched if f not in anchored]
    pairing.conflicts = [(d, s) for d, s in pairing.conflicts if d not in anchored] + strong
    pairing.matched += [(d, s) for d, s in anchored.items() if facts_agree(d, s)]
    names = align.name_conflicts(claim, window.text)
    verdict.matched = [(d.kind, d.text, s.text) for d, s in pairing.matched] + q_matched
    verdict.differences = [(d.kind, d.text, s.text) for d, s in pairing.conflicts] + q_conflicts
    if timed.status == "consistent":
        verdict.matched.append(("period", timed.draft, timed.source))
    elif timed.status == "disjoint":
        verdict.differences.append(("period", timed.draft, timed.source))

    verdict.differences += [("name", d, s) for d, s in names]
    polar = []
    if not verdict.differences and window.score >= POLARITY_COVERAGE:
        polar = polarity_markers(claim, window.text)
        verdict.differences += [("polarity", w, "") for w in polar]
    # An enumeration restated with other items (三亮：亮身份、当先锋…): its words may all be in
    # the source, so coverage passes it; the list itself is compared (``lists``).
    own = normalize(window.hit.text)
    listed = compare_lists(claim, [own, *(p for p in passages if p != own)])
    verdict.differences += [("list", d, s) for d, s in listed.conflicts]
    verdict.matched += [("list", d, s) for d, s in listed.matched]
    verdict.unbacked = [(f.kind, f.text) for f in pairing.unmatched if not _weak(f)] + q_unbacked
    verdict.unbacked += [("list", d) for d in listed.unbacked]
    if timed.status == "partial":  # the source speaks of an overlapping, other period
        verdict.unbacked.append(("period", timed.draft))
    if (
        strong
        or polar
        or listed.conflicts
        or (verdict.differences and window.score >= CONTRADICT_COVERAGE)
    ):
        verdict.label = "contradicted"
        verdict.reason = "；".join(
            _REASON_PREFIX.get(kind, "") + f"草稿“{d}”，来源“{s}”"
            for kind, d, s in verdict.differences
        )
    elif window.score < SUPPORT_COVERAGE:
        verdict.label, verdict.reason = (
            "unsupported",
            f"来源中最接近的句子只覆盖了 {window.score:.0%} 的内容",
        )
    elif verdict.unbacked:
        verdict.label = "unsupported"
        verdict.reason = "来源中没有：" + "、".join(t for _, t in verdict.unbacked)
    else:
        verdict.label, verdict.reason = "supported", "与来源一致"
    return verdict


def check_claim(claim: str, retriever: Retriever) -> str:
    """The eval harness's checker: ``supported`` | ``not_supported`` | ``contradicted``.

    ``unsupported`` and ``not_claim`` both map to ``not_supported``.
    """
    return check_sentence(claim, retriever).harness_label


def review_text(
    text: str, retriever: Retriever, *, k: int = 5, terms: TermSet | None = None
) -> ReviewReport:
    """Check every sentence of a draft; headings are ``not_claim``. ``terms``: mined fixed expressions."""
    verdicts = []
    for unit in split_draft(text):
        if unit.heading:
            verdicts.append(Verdict(unit.text, unit.start, unit.end, "not_claim", reason="标题"))
        else:
            verdicts.append(check_sentence(unit.text, retriever, k, start=unit.start, end=unit.end))
    issues = []
    if terms is not None:
        from assistant.review.terms import check_terms

        issues = check_terms(text, terms)
    return ReviewReport(text, verdicts, issues)
