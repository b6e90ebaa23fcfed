"""Report metadata by rules: title source, organisation, year, date, genre and author.

Every rule works on the normalised text (Simplified, half-width), so Traditional input
gives the same answers, and every value returned is in that normalised form.  The
organisation is returned as the text names it (no alias table): a byline's
"盐城市城市管理局" stays that, a body's "市住建局" stays that.  The rules live beside this
module: ``org`` (单位), ``dates`` (date and year), ``facts`` (what dropped debris lines said).
Genre (文种) rules are here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from core.normalize import normalize
from core.periods import LOOK_BACK_MONTH
from index.metadata.dates import (
    NEWS_ITEM_RE,
    report_date,
    report_year,
    reviewed_year,
    stated_year,
)
from index.metadata.facts import facts_from, source_of
from index.metadata.org import byline, find_org, self_names

GENRES = ("调研报告", "工作总结", "工作汇报", "经验交流", "理论文章", "党建材料", "其他")
# Genres written once a year about the year (or half-year) before: their 全年 is that year.
ANNUAL_GENRES = frozenset({"工作总结", "工作汇报"})
# The office's own reports, which review a period (news items and speeches do not).
REPORT_GENRES = frozenset({"工作总结", "工作汇报", "调研报告", "经验交流", "党建材料"})

_HAN = r"\u4e00-\u9fff"
_BYLINE_NAME_RE = re.compile(
    r"^.*(?:\s|(?:党组|党委|党总支|党支部|机关|副|局长|主任|书记|部长|厅长|处长|科长|调研员|干部|成员|委员|[、,，\s]))([\u4e00-\u9fff·]{2,4})$"
)
_AUTHOR_LINE_RE = re.compile(rf"^(?:作者|文|撰稿|执笔)\s*[:/]\s*([{_HAN}·]{{2,4}})$")
# A report made to a National Congress is none of the office's 文种.
_CONGRESS_REPORT_RE = re.compile(
    r"[(（][十一二三四五六七八九]{1,3}大[)）]\s*$|全国代表大会上的(?:政治|工作)?报告|"
    r"向(?:党的)?第?[十一二三四五六七八九]{1,3}次?全国代表大会作报告"
)
_THEORY_TITLE_RE = re.compile(r"思考|探析|浅谈|浅析|探讨|刍议|论析|初探|研究|对策|路径|启示")
_EXPERIENCE_RE = re.compile(r"经验交流|典型经验|经验做法|主要做法|交流材料")
_EXPERIENCE_TITLE_RE = re.compile(r"破解|探索|实践|打造|激活|赋能|以.{1,10}(?:促|推动|提升|提高)")
# 「——2023年7月20日在全区……推进会上的讲话」: a speech, not an experience paper (交流发言 is one).
_SPEECH_RE = re.compile(r"^—.{0,40}上的(?:讲话|致辞|主持词)$", re.M)
_PARTY_RE = re.compile(r"党员|党支部|党委|党组织|主题党日|党工委|党总支")
_SUMMARY_OPENER_RE = re.compile(
    r"^(?:今年以来|一年来|年初以来|(?:19|20)\d{2}年(?:以来|[,，])|过去的一年)"
)


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def _first_paragraph(lines: list[str]) -> str:
    return next((ln for ln in lines if "。" in ln or len(ln) > 60), "")


def _author(norm: str, lines: list[str]) -> str | None:
    stated = byline(norm)
    if stated:
        m = _BYLINE_NAME_RE.search(stated)
        if m:
            return m.group(1)
    for line in lines:
        m = _AUTHOR_LINE_RE.match(line.replace(" ", ""))
        if m:
            return m.group(1)
    return None


def _about_party_building(norm: str, title: str) -> bool:
    count = norm.count("党建")
    return "党建" in title or count >= 3 or (count >= 2 and len(_PARTY_RE.findall(norm)) >= 4)


def _genre(norm: str, lines: list[str], title: str, org_line: bool) -> str:
    opening = _first_paragraph(lines)
    if _CONGRESS_REPORT_RE.search(title) or _CONGRESS_REPORT_RE.search(norm[:400]):
        return "其他"
    if NEWS_ITEM_RE.match(norm.lstrip()):
        # A news item reports on the office's work; it is none of the office's own 文种.
        return "党建材料" if _about_party_building(norm, title) else "其他"
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
    if not _SPEECH_RE.search(norm[:300]) and (
        _EXPERIENCE_RE.search(norm)
        or _EXPERIENCE_TITLE_RE.search(title)
        or (org_line and opening.startswith("近年来"))
    ):
        return "经验交流"
    if _about_party_building(norm, title):
        return "党建材料"
    return "其他"


def extract_metadata(text: str, title: str, *, debris: Iterable[str] = ()) -> dict:
    """``org``, ``year``, ``date`` (ISO), ``genre`` (one of ``GENRES``), ``author``, and what
    dropped ``debris`` lines said: ``source`` (来源), ``issue`` (期号), ``published`` (ISO).

    Values the text does not state are ``None``; ``genre`` falls back to "其他".
    """
    norm = normalize(text)
    norm_title = normalize(title or "").strip()
    lines = _lines(norm)
    facts = facts_from(list(debris) + lines[:3] + lines[-3:])
    date = report_date(lines, norm, facts)
    sources = [facts.source] + [source_of(line) for line in lines[:6] + lines[-4:]]
    org = find_org(norm, lines, norm_title, sources)
    org_line = org is not None and org in lines
    genre = _genre(norm, lines, norm_title, org_line)
    year = report_year(norm, lines, norm_title, date, facts)
    if year is None and genre in REPORT_GENRES and not NEWS_ITEM_RE.match(norm.lstrip()):
        year = reviewed_year(norm)  # nothing else dates it: the latest year it reviews
    if _looks_back(genre, date, year, norm_title, lines):
        year -= 1  # a 工作总结 signed in January 2023 is the summary of 2022
    return {
        "org": org,
        "org_aliases": self_names(norm, org),
        "year": year,
        "date": date.isoformat() if date else None,
        "genre": genre,
        "author": _author(norm, lines),
        "source": facts.source,
        "issue": facts.issue,
        "published": facts.published.isoformat() if facts.published else None,
    }


def _looks_back(genre: str, date: dt.date | None, year: int | None, title: str, lines) -> bool:
    """An annual summary or report dated early in a year, whose year came from that date only."""
    return (
        genre in ANNUAL_GENRES
        and date is not None
        and year == date.year
        and date.month <= LOOK_BACK_MONTH
        and stated_year(title, lines) is None
    )
