"""Time-aware retrieval over a series of look-alike reports: one more stage around any
``Retriever`` (by default around the hybrid one).

1. The question's period: years, ranges, 去年/近三年 (against ``reference_date`` or today),
   「十三五」期间, 十八大以来的五年; trend words (历年, 逐年, 历次) ask for one passage per period.
2. Each candidate's period (:func:`hit_periods`): what its text says, else its section heading,
   else the year its document reviews; relative words resolved against the document's date.
3. Score: the candidate's place in the inner retriever's order (1 for the first, falling
   linearly), plus ``match_weight`` × the best overlap with the question's period, minus
   ``mismatch_penalty`` when the passage speaks only of other years (half as much for a
   period known only from the document's date). A soft preference, not a filter: a loosely phrased question
   still finds its passage. Applied when at least half the candidates' documents are dated
   (an archive, not a pile of undated news). When no period is asked and no near copies
   are among the top k, the inner retriever's top k is returned as it is.
4. Near copies (the same sentences in two years' reports, digits aside) count once: the one
   about the asked period, or with no period asked the newest document's (``prefer_recent``).
   Copies within one year (versions, the same news in two papers) are left to diversity.
5. A trend question gets the best passage of each document, in time order (within the
   asked years when it names them).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from assistant.retrieval.base import Hit, Retriever
from core.normalize import normalize
from core.periods import Period, TimeRef, best_overlap, label, periods_in
from index.metadata import ANNUAL_GENRES

# Not 每年/各年: 「平均每年增长多少」 asks for one figure, not a series.
_TREND_RE = re.compile(
    r"历年|逐年|逐次|历次|历届|各年度|每一年分别|年度变化|趋势|走势|变化情况|变化过程"
)
_DIGITS_RE = re.compile(r"[0-9〇零一二两三四五六七八九十百千万亿]+")
NEAR_COPY_NGRAM = 3
DOCUMENT_TIME_STRENGTH = 0.5  # weight of a period inferred from the document's date alone
MIN_DATED_SHARE = 0.5  # candidates whose document has a date or year, for period scoring


@dataclass(frozen=True)
class QueryTime:
    """What a question asks about in time."""

    periods: tuple[Period, ...]
    trend: bool

    def label(self) -> str:
        return label(list(self.periods))


def query_time(question: str, today: dt.date | None = None) -> QueryTime:
    """The periods a question names (against ``today``) and whether it asks for a trend."""
    today = today or dt.date.today()
    norm = normalize(question)
    # Asked early in a year, 过去一年/全年 mean the year just ended, as in a report written then.
    periods = periods_in(norm, TimeRef.of_date(today))
    return QueryTime(tuple(periods), bool(_TREND_RE.search(norm)))


def document_time(hit: Hit) -> TimeRef | None:
    """When the hit's document was written (its date, else its year)."""
    return TimeRef.of_document(hit.metadata)


def document_periods(hit: Hit) -> list[Period]:
    """What a passage's section heading says, else its title, else (for an annual report)
    the year its document reviews: the period of a passage that names none itself."""
    ref = document_time(hit)
    periods = periods_in(normalize(hit.section_path), ref) or periods_in(normalize(hit.title), ref)
    if not periods and ref is not None and hit.metadata.get("genre") in ANNUAL_GENRES:
        periods = [Period(ref.reviewed, ref.reviewed)]
    return periods


def hit_periods(hit: Hit) -> list[Period]:
    """The periods a passage speaks of: its own words and its section's, else its document's
    (computed once per hit, kept in its metadata as ``_periods`` and the label ``period``)."""
    cached = hit.metadata.get("_periods")
    if cached is not None:
        return cached
    ref = document_time(hit)
    periods = periods_in(normalize(hit.text), ref)
    for p in periods_in(normalize(hit.section_path), ref):
        if p not in periods:
            periods.append(p)
    strength = 1.0
    if not periods:
        periods = document_periods(hit)
    if not periods and ref is not None:
        # Named nowhere: the passage speaks of its document's own time (weaker evidence).
        periods, strength = [Period(ref.reviewed, ref.year)], DOCUMENT_TIME_STRENGTH
    hit.metadata["_periods"] = periods
    hit.metadata["_period_strength"] = strength
    hit.metadata["period"] = label(periods)
    return periods


def _shape(text: str) -> set[str]:
    """Character n-grams of the text with every number masked: near copies across years
    differ mostly in their numbers."""
    masked = _DIGITS_RE.sub("#", normalize(text))
    return {masked[i : i + NEAR_COPY_NGRAM] for i in range(len(masked) - NEAR_COPY_NGRAM + 1)}


def _alike(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _other_year(a: Hit, b: Hit) -> bool:
    """Two documents written in different years (same-year copies are versions, not a series)."""
    ra, rb = document_time(a), document_time(b)
    return a.doc_id != b.doc_id and ra is not None and rb is not None and ra.year != rb.year


def _doc_order(hit: Hit) -> tuple[int, str]:
    ref = document_time(hit)
    return (ref.year if ref else 0, str(hit.metadata.get("date") or ""))


class TimeAwareRetriever:
    """Wraps a retriever: prefers the asked period, collapses near copies across years."""

    def __init__(
        self,
        inner: Retriever,
        *,
        reference_date: dt.date | None = None,
        prefer_recent: bool = True,
        candidates: int = 40,
        match_weight: float = 1.0,
        mismatch_penalty: float = 0.3,
        near_copy: float = 0.7,
        dated_archive: bool | None = None,
    ):
        self.inner = inner
        self.reference_date = reference_date
        self.prefer_recent = prefer_recent
        self.candidates = candidates
        self.match_weight = match_weight
        self.mismatch_penalty = mismatch_penalty
        self.near_copy = near_copy
        # Whether most documents of the index are dated (known when built over an index):
        # then a question naming a period goes straight to the wide pool, in one call.
        self.dated_archive = dated_archive

    def retrieve(self, query: str, k: int = 5, filters: dict[str, Any] | None = None) -> list[Hit]:
        asked = query_time(query, self.reference_date)
        wide = max(self.candidates, 4 * k)
        if asked.trend or (asked.periods and self.dated_archive):
            pool = self.inner.retrieve(query, wide, filters)
        else:
            # The inner retriever's own top k unless time matters: then a wider pool to re-rank.
            pool = self.inner.retrieve(query, k, filters)
            if not (self._timed(asked, pool) or self._has_copies(pool)):
                return pool
            pool = self.inner.retrieve(query, wide, filters)
        if not pool:
            return []
        timed = self._timed(asked, pool)
        # 3. the inner order (its diversity included), then the period's bonus or penalty
        scored: list[tuple[float, Hit]] = []
        for rank, h in enumerate(pool):
            score = 1.0 - rank / len(pool)
            periods = hit_periods(h)
            if timed and periods:
                strength = h.metadata.get("_period_strength", 1.0)
                overlap = best_overlap(periods, list(asked.periods))
                score += strength * self.match_weight * overlap
                if overlap == 0.0:
                    score -= strength * self.mismatch_penalty
            scored.append((score, h))
        scored.sort(key=lambda sh: -sh[0])
        if asked.trend:
            if asked.periods:  # 「2018年到2021年历年……」: only the passages about those years
                wanted = list(asked.periods)
                inside = [sh for sh in scored if best_overlap(hit_periods(sh[1]), wanted) > 0]
                scored = inside or scored
            return self._per_period(scored, k)
        return self._without_near_copies(scored, k, recent=self.prefer_recent and not asked.periods)

    def _timed(self, asked: QueryTime, pool: list[Hit]) -> bool:
        """Period scoring applies: a period is asked and the candidates come from a dated
        archive (among mostly undated passages, a year named in a few says little)."""
        if not asked.periods or not pool:
            return False
        if self.dated_archive is not None:
            return self.dated_archive
        dated = sum(document_time(h) is not None for h in pool)
        return dated >= MIN_DATED_SHARE * len(pool)

    def _has_copies(self, pool: list[Hit]) -> bool:
        shapes = [(h, _shape(h.text)) for h in pool]
        return any(
            _other_year(a, b) and _alike(sa, sb) >= self.near_copy
            for i, (a, sa) in enumerate(shapes)
            for b, sb in shapes[i + 1 :]
        )

    def _without_near_copies(
        self, scored: list[tuple[float, Hit]], k: int, *, recent: bool
    ) -> list[Hit]:
        """4. Keep one of each group of near copies: the best scored, or the newest."""
        kept: list[tuple[float, Hit, set[str]]] = []
        for score, hit in scored:
            shape = _shape(hit.text)
            twin = next(
                (
                    i
                    for i, (_, other, s) in enumerate(kept)
                    if _other_year(hit, other) and _alike(shape, s) >= self.near_copy
                ),
                None,
            )
            if twin is None:
                kept.append((score, hit, shape))
            elif recent and _doc_order(hit) > _doc_order(kept[twin][1]):
                kept[twin] = (kept[twin][0], hit, shape)  # the newer copy takes the older's place
        out = []
        for score, hit, _ in kept[:k]:
            hit.score = score
            out.append(hit)
        return out

    def _per_period(self, scored: list[tuple[float, Hit]], k: int) -> list[Hit]:
        """5. The best passage of each document, in time order."""
        best: dict[str, tuple[float, Hit]] = {}
        for score, hit in scored:
            best.setdefault(hit.doc_id, (score, hit))
        chosen = sorted(best.values(), key=lambda sh: -sh[0])[:k]
        out = []
        for score, hit in sorted(chosen, key=lambda sh: _doc_order(sh[1])):
            hit.score = score
            out.append(hit)
        return out
