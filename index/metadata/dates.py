"""A report's date and year, by rules on normalised lines.

Date, first that applies:
1. A dateline at the top or the 落款 at the end: a short line that is the date (maybe in
   brackets or after a dash: 「（2022年10月16日）」「——2023年3月5日在……会议上」「（二〇二五年一月八日）」),
   or a short line that says it is one (发布时间 …). Dates may be written in Chinese numerals.
2. A one-line notice's 落款 (「特此公告。<unit>二〇二三年八月十八日」), then a news item's leading
   stamp: 「2023-08-08 15:46，正文：」「[2023年08月07日]，正文：」「来源：江西日报 | 2023年07月26日
   10:14:09，正文：」「23-08-09 08:54，正文：」「2023-08-03 09:02 来源：红星新闻，正文：」.
3. What dropped debris lines said: 发布时间, or the date on a 来源 line.

Year, first that applies: a news item's stamp; a year in the title; the year the opening
paragraph says the work is about (「2021年度」「2023年上半年」「2024年，……」); the date's year; the
congress the report is made to or a journal issue (「2023年第1期」); the year before the one a plan
section's heading names (「六、2025年工作打算」); a year near 「今年」; the one year a news item names.
A review (今年/一年来/全年) is never older than the latest plenum or congress it cites
(「二十届三中全会」 → 2024 at least). An undated report of the office's own (not a news item) that
says nothing else is of the latest year its body reviews: the latest year it names, targets
(「到2025年」「力争2027年」), plans and comparison bases (「比2020年」) aside.
"""

from __future__ import annotations

import datetime as dt
import re

from core.numerals import cn_int, cn_year
from core.periods import congress_year
from index.metadata.facts import DATE_RE, Facts, date_of, line_date

_DATE_KEYWORD_RE = re.compile(r"发布|时间|日期|来源|发表|更新|发稿|印发")
# A news item: a crawler's stamp before its body (「2023-08-08 15:46，正文：」「[ 2023/08/15 16:31 ]，
# 正文：」「来源：江西日报 | 2023年07月26日 10:14:09，正文：」「23-08-09 08:54，正文：」), maybe after a
# breadcrumb or with the poster's place (「2023年08月17日 22:23:25 来自北京市，正文：」).
# The outlet may follow the time (「2023-08-03 09:02 来源： 红星新闻 ，正文：」), and the page's
# address may come first (「http://www.gd.chinanews.com 2023年08月15日 22:12 来源：中新网广东，正文：」).
NEWS_ITEM_RE = re.compile(r"^.{0,100}?正文\s*:")
_STAMP_RE = re.compile(
    r"\[?\s*((?:19|20)?\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})日?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?(?:\s*来自[\u4e00-\u9fff]{2,6})?\s*\]?"
    r"(?:\s*来源\s*:\s*[^,:]{1,30}?)?\s*,?\s*正文\s*:$"
)
_STAMP_SOURCE_RE = re.compile(r"^来源\s*:\s*([^|,]{2,20}?)\s*\|")
_STAMP_TRAILING_SOURCE_RE = re.compile(r"来源\s*:\s*([^,:]{2,30}?)\s*,?\s*正文\s*:$")
# A one-line notice's 落款: 「特此公告。<unit>二〇二三年八月十八日」 (portal debris may follow).
_CLOSING_RE = re.compile(
    r"特此(?:公告|通告|通知|公示)[。.!]?\s*([^\s。.!?,;:]{4,40}?)\s*(?=" + DATE_RE.pattern + ")"
)
_CLOSING_CHARS = 200
_YEAR_OF_REPORT_RE = re.compile(r"((?:19|20)\d{2})\s*年(?:度|上半年|下半年|工作|以来)")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
# An opening sentence that begins with its year: 「2024年，市城管局……」.
_OPENING_YEAR_RE = re.compile(r"^((?:19|20)\d{2})\s*年\s*[,，]")
# A plan section's heading (「六、2025年工作打算」「（二）二〇二五年工作思路」): the report reviews
# the year before it.
_PLAN_HEADING_RE = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）]|第[一二三四五六七八九十]{1,3}部分\s*)?"
    r"((?:19|20)\d{2}|[一二][〇零一二三四五六七八九]{3})\s*年度?"
    r"(?:工作)?(?:打算|计划|思路|安排|重点|要点|目标|展望)"
)
_PLAN_HEADING_CHARS = 30
_BASE_BEFORE_RE = re.compile(r"(?:比|较|同比|相比|与|对比|超过|高于|低于|而|从|由)\s*$")
# A year the text looks forward to, not back on: 「到2025年」「力争2027年」「2035年远景目标」.
_TARGET_BEFORE_RE = re.compile(r"(?:到|至|力争|争取|预计|计划|确保|将在|将于|今后|面向|迈向)\s*$")
_TARGET_AFTER_RE = re.compile(
    r"^\s*度?(?:工作)?(?:前|底前|以前|远景|目标|愿景|规划|计划|打算|思路|要点|安排|展望)"
)
_THIS_YEAR_WINDOW = 100
_DATELINE_TOP = 15  # lines from the top where a dateline stands (under a two-line title)
_DATELINE_BOTTOM = 10  # lines from the end: the 落款
_OPENING_CHARS = 400
_OWN_CONGRESS_RE = re.compile(
    r"(?:向|在)(?:党的|中国共产党)?第([十一二三四五六七八九]{1,3})次全国代表大会(?:作|上的|上作)?(?:政治)?报告"
)
_TITLE_CONGRESS_RE = re.compile(r"[(（]([十一二三四五六七八九]{1,3})大[)）]\s*$")
_ISSUE_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*第\s*\d{1,2}\s*期")
_REVIEW_RE = re.compile(r"今年|一年来|全年|过去一年")
_CN = "一二三四五六七八九十"
_PLENUM_RE = re.compile(rf"(?:党的)?([{_CN}]{{2,3}})届([{_CN}])中全会")
_CONGRESS_RE = re.compile(rf"党的([{_CN}]{{2,3}})大")
# Plenum n of a Central Committee: years after its congress (the 18th–20th as held).
_PLENUM_OFFSET = (0, 1, 1, 2, 3, 4, 5)
_PLENUM_YEARS = {
    18: (2012, 2013, 2013, 2014, 2015, 2016, 2017),
    19: (2017, 2018, 2018, 2019, 2020, 2021, 2022),
    20: (2022, 2023, 2024, 2025),
}


def _first_paragraph(lines: list[str]) -> str:
    return next((ln for ln in lines if "。" in ln or len(ln) > 60), "")


def report_date(lines: list[str], norm: str, facts: Facts) -> dt.date | None:
    """The report's own date (module rules 1–3)."""
    edge = set(range(min(len(lines), _DATELINE_TOP))) | set(
        range(max(0, len(lines) - _DATELINE_BOTTOM), len(lines))
    )
    for i, line in enumerate(lines):
        if "。" in line or len(line) > 80:
            continue
        m = DATE_RE.search(line)
        if not m:
            continue
        # A dateline is the date itself (maybe in brackets or after a dash), not a heading or
        # a list item that mentions one.
        leading = m.start() <= 3 and not re.match(r"[(（]?[一二三四五六七八九十\d]+[)）、.]", line)
        dateline = leading and (len(line) <= 30 or line.startswith(("—", "-")))
        keyword = _DATE_KEYWORD_RE.search(line) and len(line) <= 40 and "," not in line
        if not (keyword or (i in edge and dateline)):
            continue
        if date := date_of(m):
            return date
    closed = closing(norm)
    if closed:
        return closed[1]
    stamped = stamp_date(norm)
    if stamped:
        return stamped
    return facts.published


def _stamp(norm: str) -> re.Match | None:
    head = NEWS_ITEM_RE.match(norm.lstrip())
    return _STAMP_RE.search(head.group(0)) if head else None


def stamp_date(norm: str) -> dt.date | None:
    """The date of a news item's leading stamp (module rule 2)."""
    m = _stamp(norm)
    if not m:
        return None
    year = int(m.group(1)) + (2000 if len(m.group(1)) == 2 else 0)
    try:
        return dt.date(year, int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def stamp_source(norm: str) -> str | None:
    """The outlet a news item's stamp names (「来源：江西日报 | 2023年07月26日…」)."""
    stamp = _stamp(norm)
    if not stamp:
        return None
    m = _STAMP_SOURCE_RE.match(norm.lstrip()) or _STAMP_TRAILING_SOURCE_RE.search(stamp.group(0))
    return m.group(1).strip() if m else None


def closing(norm: str) -> tuple[str, dt.date] | None:
    """``(unit, date)`` of a one-line notice's 落款 (「特此公告。<unit><date>」), if any."""
    tail = norm[-_CLOSING_CHARS:]
    for m in _CLOSING_RE.finditer(tail):
        date = line_date(tail[m.end() :])
        if date:
            return m.group(1), date
    return None


def _implied_year(norm: str, title: str, facts: Facts) -> int | None:
    """The National Congress the report is made to, or its journal issue."""
    m = (
        _OWN_CONGRESS_RE.search(title)
        or _TITLE_CONGRESS_RE.search(title)
        or _OWN_CONGRESS_RE.search(norm[:_OPENING_CHARS])
    )
    if m:
        n = cn_int(m.group(1))
        year = congress_year(n) if n else None
        if year:
            return year
    if facts.issue_year:
        return facts.issue_year
    m = _ISSUE_RE.search(norm[:_OPENING_CHARS]) or _ISSUE_RE.search(norm[-_OPENING_CHARS:])
    return int(m.group(1)) if m else None


def plan_year(lines: list[str]) -> int | None:
    """The year a plan section's heading names (「2025年工作打算」), if any."""
    for line in lines:
        if len(line) > _PLAN_HEADING_CHARS or "。" in line:
            continue
        m = _PLAN_HEADING_RE.match(line)
        if m:
            year = cn_year(m.group(1))  # digits or Chinese numerals
            if year is not None:
                return year
    return None


def latest_cited_year(norm: str) -> int | None:
    """The year of the latest plenum (「二十届三中全会」) or congress (「党的二十大」) cited."""
    years = []
    for m in _PLENUM_RE.finditer(norm):
        n, k = cn_int(m.group(1)), cn_int(m.group(2))
        if not n or not k or not 1 <= k <= len(_PLENUM_OFFSET):
            continue
        known = _PLENUM_YEARS.get(n)
        if known and k <= len(known):
            years.append(known[k - 1])
        elif (base := congress_year(n)) is not None:
            years.append(base + _PLENUM_OFFSET[k - 1])
    for m in _CONGRESS_RE.finditer(norm):
        n = cn_int(m.group(1))
        if n and (year := congress_year(n)):
            years.append(year)
    return max(years) if years else None


def _only_year(norm: str) -> int | None:
    """The one year the text names outright, comparison bases (比2021年) aside."""
    found = {
        int(m.group(1))
        for m in _YEAR_RE.finditer(norm)
        if not _BASE_BEFORE_RE.search(norm[max(0, m.start() - 3) : m.start()])
    }
    return found.pop() if len(found) == 1 else None


def reviewed_year(norm: str) -> int | None:
    """The latest year a report's body names as past (module docstring, last rule)."""
    found = [
        int(m.group(1))
        for m in _YEAR_RE.finditer(norm)
        if not _BASE_BEFORE_RE.search(norm[max(0, m.start() - 3) : m.start()])
        and not _TARGET_BEFORE_RE.search(norm[max(0, m.start() - 4) : m.start()])
        and not _TARGET_AFTER_RE.match(norm[m.end() : m.end() + 6])
    ]
    return max(found) if found else None


def stated_year(title: str, lines: list[str]) -> int | None:
    """The year the title names, else the one the opening paragraph says the work is about
    (「2021年度」「2023年上半年」「2024年，……」)."""
    m = _YEAR_RE.search(title)
    if not m:
        opening = _first_paragraph(lines)
        m = _YEAR_OF_REPORT_RE.search(opening) or _OPENING_YEAR_RE.match(opening)
    return int(m.group(1)) if m else None


def report_year(
    norm: str, lines: list[str], title: str, date: dt.date | None, facts: Facts
) -> int | None:
    """The year the report is about (module rules, in order)."""
    if date is not None and NEWS_ITEM_RE.match(norm.lstrip()) and stamp_date(norm):
        # a news item is of the day it was published, whatever year its headline reports on
        # (「原标题：美国2022年审查外国投资交易总量创历史新高」 stamped 2023-08-01)
        return date.year
    stated = stated_year(title, lines)
    if stated is not None:
        return stated
    if date is not None:
        return date.year
    implied = _implied_year(norm, title, facts)
    if implied is not None:
        return implied
    planned = plan_year(lines)
    if planned is not None:
        return planned - 1
    year = None
    for hit in re.finditer(r"今年", norm):
        window = norm[max(0, hit.start() - _THIS_YEAR_WINDOW) : hit.end() + _THIS_YEAR_WINDOW]
        m = _YEAR_RE.search(window)
        if m:
            year = int(m.group(1))
            break
    if year is None and NEWS_ITEM_RE.match(norm.lstrip()):
        year = _only_year(norm)  # a news item is about the one year it names
    if _REVIEW_RE.search(norm):
        cited = latest_cited_year(norm)
        if cited is not None and (year is None or year < cited):
            year = cited
    return year
