"""What period a passage or a question speaks about: years named outright and relative ones
(全年, 去年, 过去五年, 「十四五」以来, 十八大以来) resolved against a reference time.

Shared by the write path (each chunk's period), the read path (a question's period) and the
review (the period a source sentence states). Everything works on normalised text
(Simplified, half-width: ``core.normalize.normalize``).

1. Explicit years and ranges: 2022年, 二〇二二年, 2012年到2017年, 2018—2022年. A year that is
   only the base of a comparison (比2021年, 较上年, 与2012年相比) is not the period spoken of.
2. Relative expressions resolve against a :class:`TimeRef`: the document's date for a chunk
   (a report dated March 2023 looks back on 2022), today (or a setting) for a question.
3. Plans and congresses: 「十三五」期间 = 2016—2020; 十八大以来 = 2012 up to the reference.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from core.numerals import cn_int, cn_year

# A report dated up to this month looks back on the previous year (年度总结 written in
# January to April); later in the year 全年/一年来 mean the year of writing.
LOOK_BACK_MONTH = 4
CONGRESS_BASE = (12, 1982)  # 十二大 1982, then one every five years
# The National Congresses before the 12th (一大 1921 … 十一大 1977).
EARLY_CONGRESSES = {
    1: 1921,
    2: 1922,
    3: 1923,
    4: 1925,
    5: 1927,
    6: 1928,
    7: 1945,
    8: 1956,
    9: 1969,
    10: 1973,
    11: 1977,
}
PLAN_BASE = (11, 2006)  # 「十一五」 2006—2010, then one every five years
_CN = "〇零一二两三四五六七八九十"
_YEAR = rf"((?:19|20)\d{{2}}|[{_CN}]{{4}})"
_SEP = r"\s*(?:年)?\s*(?:到|至|—+|-|~|～)\s*"
_RANGE_RE = re.compile(rf"{_YEAR}{_SEP}{_YEAR}\s*年")
_YEAR_RE = re.compile(rf"{_YEAR}\s*年(?!代)")
_BASE_BEFORE_RE = re.compile(r"(?:比|较|同比|相比|与|对比|超过|高于|低于)\s*$")
_BASE_AFTER_RE = re.compile(r"^\s*(?:同期)?(?:相比|比较|持平)")
_N = rf"([{_CN}\d]{{1,3}})"
_LAST_N_RE = re.compile(rf"(?:过去|近|最近|这|前|新时代)的?{_N}\s*年|{_N}\s*年(?:来|以来|间|中|里)")
_CONGRESS = rf"(?:党的)?([十]?[{_CN}]{{1,2}})大"
_CONGRESS_RANGE_RE = re.compile(rf"{_CONGRESS}\s*(?:到|至|—|-)\s*{_CONGRESS}")
_CONGRESS_SINCE_RE = re.compile(rf"{_CONGRESS}以来(?:的{_N}\s*年)?")
# 「十九大报告回顾的五年」「到十二大召开的六年」: the N years before that congress.
_CONGRESS_BEFORE_RE = re.compile(
    rf"(?:到|至){_CONGRESS}(?:召开)?的?{_N}\s*年|{_CONGRESS}(?:的)?(?:报告)?(?:所)?(?:回顾|总结)的?(?:过去)?{_N}\s*年"
)
# 「十五大召开后的五年」: the N years after it.
_CONGRESS_AFTER_RE = re.compile(rf"{_CONGRESS}(?:召开)?(?:后|之后|以后)的?{_N}\s*年")
_PLAN_RE = re.compile(rf"[“\"「]?([十]?[{_CN}]{{1,2}})五[”\"」]?\s*(以来|期间|时期|规划期|末)")
_THIS_YEAR_RE = re.compile(r"今年|本年(?!度)|当年")
_LAST_YEAR_RE = re.compile(r"去年|上年|上一年")
_NEXT_YEAR_RE = re.compile(r"明年|下一年")
_YEAR_SINCE_RE = re.compile(rf"{_YEAR}\s*年(?:以来|至今)")
_REVIEWED_YEAR_RE = re.compile(
    r"全年|过去一年|过去的一年|一年来|本年度|上半年|下半年|前三季度|年底|年末|年初以来"
)
_TERM_RE = re.compile(r"本届(?:政府|党委|班子)?(?:任期内|以来)")


@dataclass(frozen=True, order=True)
class Period:
    """A closed range of years, ``start`` ≤ ``end``."""

    start: int
    end: int

    def years(self) -> set[int]:
        return set(range(self.start, self.end + 1))

    def label(self) -> str:
        return f"{self.start}年" if self.start == self.end else f"{self.start}—{self.end}年"

    def overlap(self, other: Period) -> float:
        """Jaccard overlap of the two year sets (1 = the same years, 0 = disjoint)."""
        a, b = self.years(), other.years()
        return len(a & b) / len(a | b)

    def contains(self, year: int) -> bool:
        return self.start <= year <= self.end


@dataclass(frozen=True)
class TimeRef:
    """What relative expressions resolve against: the year of writing and the year looked back on."""

    year: int
    reviewed: int  # the year 全年/一年来 speak of

    @classmethod
    def of_date(cls, date: dt.date) -> TimeRef:
        reviewed = date.year - 1 if date.month <= LOOK_BACK_MONTH else date.year
        return cls(date.year, reviewed)

    @classmethod
    def of_document(cls, metadata: dict) -> TimeRef | None:
        """From a document's metadata: ``date`` (ISO) first, else ``year`` (reviewed = year)."""
        date = metadata.get("date")
        if date:
            try:
                return cls.of_date(dt.date.fromisoformat(str(date)[:10]))
            except ValueError:
                pass
        year = metadata.get("year")
        if year:
            try:
                return cls(int(year), int(year))
            except (TypeError, ValueError):
                return None
        return None


def congress_year(n: int) -> int | None:
    """The year of the n-th National Congress (12th and later: every five years)."""
    first, year = CONGRESS_BASE
    return year + 5 * (n - first) if n >= first else EARLY_CONGRESSES.get(n)


def plan_years(n: int) -> Period | None:
    """The years of the n-th five-year plan (「十一五」 and later)."""
    first, year = PLAN_BASE
    if n < first:
        return None
    start = year + 5 * (n - first)
    return Period(start, start + 4)


def _year(text: str) -> int | None:
    y = cn_year(text)
    return y if y is not None and 1900 <= y <= 2100 else None


def _is_base(text: str, start: int, end: int) -> bool:
    return bool(_BASE_BEFORE_RE.search(text[max(0, start - 3) : start])) or bool(
        _BASE_AFTER_RE.match(text[end : end + 4])
    )


def _congress(token: str) -> int | None:
    n = cn_int(token)
    return congress_year(n) if n else None


def periods_in(text: str, ref: TimeRef | None) -> list[Period]:
    """Every period ``text`` speaks about, in order of first mention, without repeats.

    Relative expressions need ``ref``; without it only explicit years (and plans and
    congresses that need no reference) count.
    """
    out: list[Period] = []
    for _, _, p in mentions(text, ref):
        if p not in out:
            out.append(p)
    return out


def mentions(text: str, ref: TimeRef | None) -> list[tuple[int, int, Period]]:
    """(start, end, period) of every time expression in ``text``, in order."""
    found: list[tuple[int, int, Period]] = []
    taken: list[tuple[int, int]] = []
    named_years: list[int] = []  # where an explicit year mention ends

    def add(pos: int, end: int, period: Period | None) -> None:
        if period is not None and period.start <= period.end:
            found.append((pos, end, period))
            taken.append((pos, end))

    def free(m: re.Match) -> bool:
        return not any(a < m.end() and m.start() < b for a, b in taken)

    for m in _RANGE_RE.finditer(text):
        a, b = _year(m.group(1)), _year(m.group(2))
        if a and b:
            add(m.start(), m.end(), Period(min(a, b), max(a, b)))
    for m in _CONGRESS_RANGE_RE.finditer(text):
        a, b = _congress(m.group(1)), _congress(m.group(2))
        if a and b and free(m):
            add(m.start(), m.end(), Period(min(a, b), max(a, b)))
    for m in _CONGRESS_BEFORE_RE.finditer(text):
        cy = _congress(m.group(1) or m.group(3))
        n = cn_int(m.group(2) or m.group(4))
        if cy and n and free(m):
            add(m.start(), m.end(), Period(cy - n, cy))
    for m in _CONGRESS_AFTER_RE.finditer(text):
        cy, n = _congress(m.group(1)), cn_int(m.group(2))
        if cy and n and free(m):
            add(m.start(), m.end(), Period(cy, cy + n))
    for m in _CONGRESS_SINCE_RE.finditer(text):
        since = _congress(m.group(1))
        if since is None or not free(m):
            continue
        n = cn_int(m.group(2)) if m.group(2) else None
        if n:
            add(m.start(), m.end(), Period(since, since + n))
        elif ref is not None:
            add(m.start(), m.end(), Period(since, max(since, ref.reviewed)))
    for m in _PLAN_RE.finditer(text):
        n = cn_int(m.group(1))
        plan = plan_years(n) if n else None
        if plan is None or not free(m):
            continue
        if m.group(2) == "以来" and ref is not None:
            plan = Period(plan.start, max(plan.start, min(plan.end, ref.reviewed)))
        add(m.start(), m.end(), plan)
    for m in _YEAR_SINCE_RE.finditer(text):
        y = _year(m.group(1))
        if y and free(m):
            add(m.start(), m.end(), Period(y, max(y, ref.reviewed) if ref is not None else y))
    for m in _YEAR_RE.finditer(text):
        y = _year(m.group(1))
        if y and free(m) and not _is_base(text, m.start(), m.end()):
            add(m.start(), m.end(), Period(y, y))
            named_years.append(m.end())
    if ref is not None:
        for m in _LAST_N_RE.finditer(text):
            n = cn_int(m.group(1) or m.group(2))
            if n and 2 <= n <= 30 and free(m):
                add(m.start(), m.end(), Period(ref.reviewed - n + 1, ref.reviewed))
        for m in _TERM_RE.finditer(text):
            if free(m):
                add(m.start(), m.end(), Period(ref.reviewed - 4, ref.reviewed))
        # 今年/去年/明年 first: 「今年年底」 is this year's end, not the reviewed year's.
        for rx, year in (
            (_THIS_YEAR_RE, ref.year),
            (_LAST_YEAR_RE, ref.year - 1),
            (_NEXT_YEAR_RE, ref.year + 1),
            (_REVIEWED_YEAR_RE, ref.reviewed),
        ):
            for m in rx.finditer(text):
                # 「2022年全年」「2022年上半年」: the year just named, not another one
                named = m.start() in named_years
                if free(m) and not named and not _is_base(text, m.start(), m.end()):
                    add(m.start(), m.end(), Period(year, year))
    return sorted(found, key=lambda t: t[0])


def label(periods: list[Period]) -> str:
    """「2022年」, 「2018—2022年；2035年」: what the 来源 panel and the CLI show."""
    return "；".join(p.label() for p in periods)


def best_overlap(periods: list[Period], wanted: list[Period]) -> float:
    """The largest overlap between any period spoken of and any period wanted."""
    return max((p.overlap(w) for p in periods for w in wanted), default=0.0)
