"""Facts carried by lines that cleaning drops as web debris: 来源, 期号 and 发布时间.

Cleaning removes 「发布时间：2019-12-04 10:15:47」「來源：旗幟網2023年02月02日10:55」
「(來源:《旗幟》2023年第1期)」 and breadcrumbs from the display text; what they say about the
report is kept here as metadata. Every function works on normalised lines.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from core.normalize import normalize
from core.numerals import cn_int, cn_year

_CN_DIGIT = "〇零○O一二三四五六七八九"
_CN_NUM = "十一二三四五六七八九"
DATE_RE = re.compile(  # a full date: 2023年3月5日, 2023-03-05, 2023.3.5, 二〇二三年三月五日
    r"((?:19|20)\d{2})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})(?!\d)\s*日?"
    rf"|([{_CN_DIGIT}]{{4}})年([{_CN_NUM}]{{1,2}})月([{_CN_NUM}]{{1,3}})日"
)
_PUBLISHED_RE = re.compile(r"(?:发布|发表|更新|录入|发稿)(?:时间|日期)\s*:")
_SOURCE_RE = re.compile(
    r"^[(\[【]?\s*(?:本文)?(?:来源|稿件来源|信息来源|文章来源|来源于|出处|转自|本文转自)\s*:\s*"
    r"([^()\[\]【】]{2,60}?)\s*[)\]】]?$"
)
# 「《旗帜》2023年第1期」「2023年第1期」: a journal issue.
_ISSUE_RE = re.compile(
    r"(?:《([^》]{1,20})》[^》]{0,6}?)?((?:19|20)\d{2})\s*年\s*第\s*(\d{1,2})\s*期"
)
_SOURCE_TAIL_RE = re.compile(r"\s*(?:(?:19|20)\d{2}[-年/.].*|\d{1,2}:\d{2}.*)$")


@dataclass
class Facts:
    """What the dropped lines stated (all ``None`` when they stated nothing)."""

    source: str | None = None  # 「旗帜网」「《旗帜》2023年第1期」「局机关党委」
    issue: str | None = None  # 「《旗帜》2023年第1期」
    issue_year: int | None = None
    published: dt.date | None = None


def date_of(m: re.Match) -> dt.date | None:
    """The calendar date a :data:`DATE_RE` match writes, ``None`` when there is no such day."""
    if m.group(1):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        # 〇 is also typed as ○ or the letter O in drafts.
        digits = m.group(4).replace("○", "〇").replace("O", "〇")
        year, month, day = cn_year(digits), cn_int(m.group(5)), cn_int(m.group(6))
        if year is None or month is None or day is None:
            return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def line_date(line: str) -> dt.date | None:
    """The first valid calendar date written in ``line``."""
    for m in DATE_RE.finditer(line):
        if date := date_of(m):
            return date
    return None


def source_of(line: str) -> str | None:
    """The name a 来源/转自 line gives, without its trailing date or time."""
    m = _SOURCE_RE.match(line.strip())
    if not m:
        return None
    name = _SOURCE_TAIL_RE.sub("", m.group(1)).strip(" ,;")
    name = name.split()[0] if name.split() else ""  # 「网络整理 免责声明:…」
    return name or None


def facts_from(lines: list[str]) -> Facts:
    """Read 来源, 期号 and 发布时间 from (removed) lines; the first of each wins."""
    facts = Facts()
    for raw in lines:
        line = normalize(raw).strip()
        if not line:
            continue
        if facts.published is None and (_PUBLISHED_RE.search(line) or source_of(line)):
            facts.published = line_date(line)
        if facts.source is None:
            facts.source = source_of(line)
        m = _ISSUE_RE.search(line)
        if m and facts.issue is None:
            name = f"《{m.group(1)}》" if m.group(1) else ""
            facts.issue = f"{name}{m.group(2)}年第{m.group(3)}期"
            facts.issue_year = int(m.group(2))
    return facts
