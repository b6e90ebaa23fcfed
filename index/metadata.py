"""Report metadata by rules: organisation, year, date, genre and author.

Every rule works on the normalised text (Simplified, half-width), so Traditional input
gives the same answers, and every value returned is in that normalised form.  The
organisation is returned as the text names it (no alias table): a byline's
"盐城市城市管理局" stays that, a body's "市住建局" stays that.
"""

from __future__ import annotations

import datetime as dt
import re

from core.normalize import normalize
from core.numerals import cn_int
from core.periods import LOOK_BACK_MONTH, congress_year

GENRES = ("调研报告", "工作总结", "工作汇报", "经验交流", "理论文章", "党建材料", "其他")
# Genres written once a year about the year (or half-year) before: their 全年 is that year.
ANNUAL_GENRES = frozenset({"工作总结", "工作汇报"})

_HAN = r"\u4e00-\u9fff"
# Suffixes that end an organisation's name; longer ones first so 委员会 wins over 委.
_ORG_SUFFIX = (
    r"(?:委员会|办公室|管理局|工委|党委|党组|政府|中心|集团|公司|大学|学院|局|厅|委|办|院|部)"
)
# What may follow an organisation's name in a byline: a post, a party body or a separator.
_ROLE = r"(?:党组|党委|党总支|党支部|机关|副|局长|主任|书记|部长|厅长|处长|科长|调研员|干部|成员|委员|[、,，\s])"
_BYLINE_RE = re.compile(r"[(]\s*作者\s*(?:系|为|是|:)?\s*([^()]{2,80}?)\s*[)]")
_BYLINE_ORG_RE = re.compile(rf"^([{_HAN}]{{2,30}}?{_ORG_SUFFIX})(?={_ROLE})")
# The name follows the last post or space: greedy ".*" finds that last one.
_BYLINE_NAME_RE = re.compile(rf"^.*(?:\s|{_ROLE})([{_HAN}·]{{2,4}})$")
_AUTHOR_LINE_RE = re.compile(rf"^(?:作者|文|撰稿|执笔)\s*[:/]\s*([{_HAN}·]{{2,4}})$")
# An organisation named in the body: a place prefix (省/市/区/县, or a place name ending in
# one) then a short name and a suffix, at the start of a clause.  Requiring the clause
# start and the place prefix keeps "明确局党组" and "围绕市局" out.
_BODY_ORG_RE = re.compile(
    rf"(?:^|(?<=[\n,;:、。“]))(?:今年以来|近年来|一年来)?,?"
    rf"((?:[{_HAN}]{{2,6}}?[省市区县])?[省市区县][{_HAN}]{{1,8}}?{_ORG_SUFFIX})"
    rf"(?=党组|党委|党建|机关|现有|坚持|围绕|认真|全面|始终|深入|积极|紧扣|立足|聚焦|结合|按照|把|以|在|,)",
    re.M,
)
_HEADER_ORG_RE = re.compile(rf"^[{_HAN}]{{3,30}}{_ORG_SUFFIX}$")

_DATE_RE = re.compile(
    r"((?:19|20)\d{2})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})(?![\d])\s*日?"
)
_DATE_KEYWORD_RE = re.compile(r"发布|时间|日期|来源|发表|更新|发稿|印发")
_YEAR_OF_REPORT_RE = re.compile(r"((?:19|20)\d{2})\s*年(?:度|上半年|下半年|工作|以来)")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_THIS_YEAR_WINDOW = 100
_DATELINE_TOP = 15  # lines from the top where a dateline stands (under a two-line title)
_DATELINE_BOTTOM = 10  # lines from the end: the 落款
_OPENING_CHARS = 400
_OWN_CONGRESS_RE = re.compile(
    r"(?:向|在)(?:党的|中国共产党)?第([十一二三四五六七八九]{1,3})次全国代表大会(?:作|上的|上作)?(?:政治)?报告"
)
_TITLE_CONGRESS_RE = re.compile(r"[(（]([十一二三四五六七八九]{1,3})大[)）]\s*$")
_ISSUE_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*第\s*\d{1,2}\s*期")

_THEORY_TITLE_RE = re.compile(r"思考|探析|浅谈|浅析|探讨|刍议|论析|初探|研究|对策|路径|启示")
_EXPERIENCE_RE = re.compile(r"经验交流|典型经验|经验做法|主要做法|交流材料")
_EXPERIENCE_TITLE_RE = re.compile(r"破解|探索|实践|打造|激活|赋能|以.{1,10}(?:促|推动|提升|提高)")
_SUMMARY_OPENER_RE = re.compile(r"^(?:今年以来|一年来|年初以来|(?:19|20)\d{2}年以来|过去的一年)")


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def _first_paragraph(lines: list[str]) -> str:
    return next((ln for ln in lines if "。" in ln or len(ln) > 60), "")


def _byline(norm: str) -> str | None:
    m = _BYLINE_RE.search(norm)
    return m.group(1).strip() if m else None


def _author(norm: str, lines: list[str]) -> str | None:
    byline = _byline(norm)
    if byline:
        m = _BYLINE_NAME_RE.search(byline)
        if m:
            return m.group(1)
    for line in lines:
        m = _AUTHOR_LINE_RE.match(line.replace(" ", ""))
        if m:
            return m.group(1)
    return None


def _org(norm: str, lines: list[str], title: str) -> str | None:
    # 1. the byline names the author's unit
    byline = _byline(norm)
    if byline:
        m = _BYLINE_ORG_RE.match(byline)
        if m:
            return m.group(1)
    # 2. a line right under the title that is nothing but a unit's name
    if title in lines:
        for line in lines[lines.index(title) + 1 : lines.index(title) + 3]:
            if _HEADER_ORG_RE.match(line):
                return line
    # 3. the body names itself, preferring a name with the suffix of 我局/我委/…
    found = [m.group(1) for m in _BODY_ORG_RE.finditer(norm)]
    if not found:
        return None
    selves = set(re.findall(r"我(局|委|办|厅|院|部|中心)", norm))
    preferred = [o for o in found if any(o.endswith(s) for s in selves)]
    return (preferred or found)[0]


def _date(lines: list[str]) -> dt.date | None:
    """The report's own date: a dateline near the top or the 落款 at the end (a short line that
    is little else, or 「——2023年3月5日在……会议上」), or a line that says it is one
    (发布时间 …) anywhere."""
    edge = set(range(min(len(lines), _DATELINE_TOP))) | set(
        range(max(0, len(lines) - _DATELINE_BOTTOM), len(lines))
    )
    for i, line in enumerate(lines):
        if "。" in line or len(line) > 80:
            continue
        m = _DATE_RE.search(line)
        if not m:
            continue
        # A dateline is the date itself (maybe in brackets or after a dash), not a heading or
        # a list item that mentions one: 「（2022年10月16日）」「——2023年3月5日在……会议上」.
        leading = m.start() <= 3 and not re.match(r"[(（]?[一二三四五六七八九十\d]+[)）、.]", line)
        dateline = leading and (len(line) <= 30 or line.startswith(("—", "-")))
        keyword = _DATE_KEYWORD_RE.search(line) and len(line) <= 40 and "," not in line
        if not (keyword or (i in edge and dateline)):
            continue
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def _implied_year(norm: str, title: str) -> int | None:
    """A year the report's own opening implies: the National Congress it is made to
    (「向党的第十二次全国代表大会作报告」, a title ending 「(十二大)」) or a journal issue
    (「2023年第1期」)."""
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
    m = _ISSUE_RE.search(norm[:_OPENING_CHARS]) or _ISSUE_RE.search(norm[-_OPENING_CHARS:])
    return int(m.group(1)) if m else None


def _year(norm: str, lines: list[str], title: str, date: dt.date | None) -> int | None:
    m = _YEAR_RE.search(title)
    if m:
        return int(m.group(1))
    m = _YEAR_OF_REPORT_RE.search(_first_paragraph(lines))
    if m:
        return int(m.group(1))
    if date is not None:
        return date.year
    implied = _implied_year(norm, title)
    if implied is not None:
        return implied
    for hit in re.finditer(r"今年", norm):
        window = norm[max(0, hit.start() - _THIS_YEAR_WINDOW) : hit.end() + _THIS_YEAR_WINDOW]
        m = _YEAR_RE.search(window)
        if m:
            return int(m.group(1))
    return None


def _genre(norm: str, lines: list[str], title: str, org_line: bool) -> str:
    opening = _first_paragraph(lines)
    if ("调研" in title and "报告" in title) or (
        "调研" in norm and re.search(r"报告如下|调研报告|调研情况报告", norm)
    ):
        return "调研报告"
    if "汇报" in title or re.search(r"汇报如下|现就.{0,30}汇报", norm):
        return "工作汇报"
    if _THEORY_TITLE_RE.search(title):
        return "理论文章"
    if "总结" in title or "工作总结" in opening or _SUMMARY_OPENER_RE.match(opening):
        return "工作总结"
    if (
        _EXPERIENCE_RE.search(norm)
        or _EXPERIENCE_TITLE_RE.search(title)
        or (org_line and opening.startswith("近年来"))
    ):
        return "经验交流"
    if "党建" in title or norm.count("党建") >= 3:
        return "党建材料"
    return "其他"


def extract_metadata(text: str, title: str) -> dict:
    """``org``, ``year``, ``date`` (ISO), ``genre`` (one of ``GENRES``) and ``author``.

    Values the text does not state are ``None``; ``genre`` falls back to "其他".
    """
    norm = normalize(text)
    norm_title = normalize(title or "").strip()
    lines = _lines(norm)
    date = _date(lines)
    org = _org(norm, lines, norm_title)
    org_line = org is not None and org in lines
    genre = _genre(norm, lines, norm_title, org_line)
    year = _year(norm, lines, norm_title, date)
    if _looks_back(genre, date, year, norm_title, lines):
        year -= 1  # a 工作总结 signed in January 2023 is the summary of 2022
    return {
        "org": org,
        "year": year,
        "date": date.isoformat() if date else None,
        "genre": genre,
        "author": _author(norm, lines),
    }


def _looks_back(genre: str, date: dt.date | None, year: int | None, title: str, lines) -> bool:
    """An annual summary or report dated early in a year, whose year came from that date only."""
    return (
        genre in ANNUAL_GENRES
        and date is not None
        and year == date.year
        and date.month <= LOOK_BACK_MONTH
        and not _YEAR_RE.search(title)
        and not _YEAR_OF_REPORT_RE.search(_first_paragraph(lines))
    )
