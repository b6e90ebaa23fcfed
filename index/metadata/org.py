"""The unit that wrote a report (单位), by rules on normalised text, first that applies.

1. A byline: 「(作者系盐城市城市管理局党组成员……)」.
2. The title's prefix: 「江北区财政局关于……」「江川市住房和城乡建设局机关党委2023年度……」, or a
   title that is 「<unit>(的)报告」 (「北京共产主义组织的报告」).
3. A line under the headline (one or two lines long) that is only a unit's name, or a subtitle
   「——江川市住房和城乡建设局经验交流材料」.
4. The unit a speaker reports for: 「我代表第十八届中央委员会……」「我受十二届中央委员会委托」
   (a Central Committee is named in full: 中国共产党第十二届中央委员会).
5. The 落款: a line near the end that is only a unit's name, or a one-line notice's
   「特此公告。<unit><date>」.
6. A news item's outlet: its stamp's 「来源：江西日报 | …」, a dateline or byline naming it
   (「中新网海口8月13日电」「新京报讯」, by name; 「中国经济网北京8月15日讯」「央视网消息：」 opening
   the body, 「（新华每日电讯记者王阳）」「潇湘晨报综合」 closing it, by the shape of outlet names).
7. A 来源/转自 line (kept even when cleaning drops it) naming a unit, not a website; a portal
   footer's 「来源丨洱源警方返回搜狐」 (a police account is a unit).
8. Not for a news item (「…，正文：」): the units it reports on did not write it. The unit the
   opening sentence is about (「近年来，天津市滨海新区区委区级机关工委牢牢把握……」).
9. The body names itself: 「我局/我委/我区/我校」 resolved to a unit with that suffix named at a
   clause start (「市住建局现有……」「当前XXX国土分局……」「X区及时召开……」); else the first
   unit with a place prefix named at a clause start.
The name is returned as the text writes it (no alias table).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from index.metadata.dates import NEWS_ITEM_RE, closing, stamp_source

_HAN = r"\u4e00-\u9fff"
_NAME = rf"[{_HAN}X×*]"  # anonymised drafts write units as 「X区」「XXX国土分局」
_ORG_SUFFIX = (
    r"(?:委员会|办公室|管理局|工委|党委|党组|政府|中心|集团|公司|大学|学院|局|厅|委|办|院|部)"
)
_ROLE = r"(?:党组|党委|党总支|党支部|机关|副|局长|主任|书记|部长|厅长|处长|科长|调研员|干部|成员|委员|[、,，\s])"
_BYLINE_RE = re.compile(r"[(]\s*作者\s*(?:系|为|是|:)?\s*([^()]{2,80}?)\s*[)]")
_BYLINE_ORG_RE = re.compile(rf"^([{_HAN}]{{2,30}}?{_ORG_SUFFIX})(?={_ROLE})")
_TITLE_ORG_RE = re.compile(
    rf"^([{_HAN}]{{2,30}}?{_ORG_SUFFIX}(?:机关党委|机关党总支|党委|党组)?)"
    rf"(?=关于|(?:19|20)\d{{2}}年|年度|上半年|下半年|(?:党建)?工作(?:总结|汇报|报告|要点|计划))"
)
_TITLE_REPORT_ORG_RE = re.compile(
    rf"^([{_HAN}]{{2,20}}(?:组织|共产党|{_ORG_SUFFIX}))的?(?:工作)?报告(?:\s*[(（].{{1,6}}[)）])?$"
)
_VERB_ENDINGS = ("举办", "承办", "主办", "协办", "创办", "开办", "督办", "代办", "帮办")
_PLACE_RE = re.compile(r"[省市区县州旗镇乡]|中央|中国|全国|国务院|国家")
_HEADER_ORG_RE = re.compile(rf"^[{_HAN}]{{3,30}}{_ORG_SUFFIX}$")
_SUBTITLE_ORG_RE = re.compile(
    rf"^(?:—|-){{1,2}}\s*([{_HAN}]{{3,30}}?{_ORG_SUFFIX})(?:经验交流材料|交流材料|典型材料|经验材料|"
    rf"工作汇报|工作总结|调研报告)$"
)
_SPEAKER_RE = re.compile(
    rf"我(?:代表([{_HAN}]{{0,20}}?(?:委员会|国务院|政府|党委|党组))|受([{_HAN}]{{2,20}}?委员会)委托)"
)
_CC_RE = re.compile(r"^(?:中国共产党)?第?([十一二三四五六七八九]{1,3}届)?中央委员会$")
MEDIA = (  # outlets by name; a news item they write is theirs
    r"新华社|中新网|中新社|人民网|人民日报|新京报|红网|大众网|央视网|央视新闻|光明网|澎湃新闻|"
    r"湖北日报|北京日报|齐鲁晚报|经济日报|光明日报|中国青年报|工人日报|法治日报|解放日报|南方日报|"
    r"新华网|参考消息网|中国经济网|中国新闻网|环球网|央广网|环球时报|南方网|极目新闻|央视军事|央视财经|"
    r"潇湘晨报|红星新闻|封面新闻|上观新闻|九派新闻|潮新闻|川观新闻|大皖新闻|顶端新闻|界面新闻|"
    r"每日经济新闻|第一财经|证券时报|中国证券报|上海证券报|文汇报|新民晚报|扬子晚报|现代快报|钱江晚报|"
    r"羊城晚报|南方都市报|北京青年报|中国日报|长江日报|楚天都市报|华商报|大河报|新华日报|浙江日报|"
    r"四川日报|河南日报|海南日报|江西日报|安徽日报|重庆日报|天津日报|深圳特区报|解放军报|中国军网|"
    r"科技日报|农民日报|中国纪检监察报|东方网|荆楚网"
)
_MEDIA_NAMES = frozenset(MEDIA.split("|"))
_NEWS_DATELINE_RE = re.compile(
    rf"(?:^|[^{_HAN}]|正文:|原标题:.{{4,60}}?)(?:《\s*)?({MEDIA})(?:\s*》)?"
    rf"(?:[{_HAN}]{{0,6}}\d{{1,2}}月\d{{1,2}}日(?:电|讯|报道|消息)|讯|客户端|\s*[(（]?(?:全媒)?记者|驻|\s*[(（]\s*(?:19|20)\d{{2}}年)"
)
# 「本文转自：人民网」「来源：公安部头条号返回搜狐」「（来源：山东英才学院）」 inside a one-line
# news item: the name runs up to a bracket, a stop or the portal's footer.
_INLINE_SOURCE_RE = re.compile(
    rf"(?:转自|来源)\s*[:丨|]\s*(?:({MEDIA})|([{_HAN}]{{2,15}}?)(?=返回|责任编辑|编辑|来源|[)）。\s]|$))"
)
# An outlet a news item names as its writer, by the shape of newspaper and site names:
# 「中国经济网北京8月15日讯」「江西日报讯」「央视网消息：」 opening the body, 「（新华每日电讯记者王阳）」
# 「潇湘晨报综合」 closing it.
_OUTLET = rf"[{_HAN}]{{2,10}}?(?:网|日报|晚报|报|社|台|电讯)"
_LEAD_OUTLET_RE = re.compile(
    rf"正文\s*:\s*(?!据)({_OUTLET})(?:[{_HAN}]{{0,6}}\d{{1,2}}月\d{{1,2}}日(?:电|讯|报道|消息)|讯|消息\s*:)"
)
_TAIL_OUTLET_RE = re.compile(
    rf"[(（]\s*({_OUTLET})\s*(?:全媒体|见习)?记者|(?:^|[。!?)）\s])({_OUTLET})综合\s*$"
)
# A 来源 is a unit by its ending, or a police account's (「洱源警方」「深圳警方」).
_SOURCE_UNIT = rf"(?:{_ORG_SUFFIX}|警方)"
_SOURCE_STRIP_RE = re.compile(r"(?:头条号|微信公众号|公众号|官方微博|微博|微信|官网|网站|客户端)$")
_SELF_RE = re.compile(r"我(局|委|办|厅|院|部|中心|区|县|市|镇|街道|校)")
# What a name that 「我校」 stands for ends with.
_SELF_SUFFIX = {"校": "(?:学院|大学|学校|中学|小学)"}
_CLAUSE_START = r"(?:^|(?<=[\n,;:、。“(])|(?<=当前)|(?<=今年以来)|(?<=近年来)|(?<=一年来))"
_LEAD_RE = re.compile(r"^(?:当前|今年以来|近年来|一年来)")
_VERBS = (
    r"(?=党组|党委|党建|机关|现有|坚持|围绕|认真|全面|始终|深入|积极|紧扣|立足|聚焦|结合|按照|"
    r"及时|突出|迅速|从|把|以|在|,)"
)
_BODY_ORG_RE = re.compile(
    rf"(?:^|(?<=[\n,;:、。“]))(?:今年以来|近年来|一年来)?,?"
    rf"((?:[{_HAN}]{{2,6}}?[省市区县])?[省市区县][{_HAN}]{{1,8}}?{_ORG_SUFFIX})"
    rf"(?=党组|党委|党建|机关|现有|坚持|围绕|认真|全面|始终|深入|积极|紧扣|立足|聚焦|结合|按照|把|以|在|,)",
    re.M,
)


# 「近年来，天津市滨海新区区委区级机关工委牢牢把握……」: the unit the opening sentence is about.
_OPENING_ORG_RE = re.compile(
    rf"^(?:近年来|今年以来|一年来|去年以来|当前),?"
    rf"((?:[{_HAN}]{{2,6}}?[省市区县])?[省市区县][{_HAN}]{{1,12}}?{_ORG_SUFFIX})(?=[{_HAN}])"
)
_TITLE_LINES = 15


def byline(norm: str) -> str | None:
    """The statement inside 「(作者系……)」."""
    m = _BYLINE_RE.search(norm)
    return m.group(1).strip() if m else None


def _is_org_line(line: str) -> bool:
    return bool(_HEADER_ORG_RE.match(line)) and bool(_PLACE_RE.search(line))


def _speaker(norm: str) -> str | None:
    m = _SPEAKER_RE.search(norm[:3000])
    if not m:
        return None
    name = m.group(1) or m.group(2)
    cc = _CC_RE.match(name)
    if cc and "共产党" in norm[:3000]:
        term = cc.group(1) or ""
        return f"中国共产党{'第' + term if term else ''}中央委员会"
    return name


def _news_outlet(norm: str) -> str | None:
    if outlet := stamp_source(norm):
        return outlet
    m = _NEWS_DATELINE_RE.search(norm[:400]) or _NEWS_DATELINE_RE.search(norm[-200:])
    if m:
        return m.group(1)
    if NEWS_ITEM_RE.match(norm.lstrip()):
        m = _LEAD_OUTLET_RE.search(norm[:120]) or _TAIL_OUTLET_RE.search(norm[-200:])
        if m:
            return next(g for g in m.groups() if g)
    for part in (norm[:120], norm[-160:]):
        m = _INLINE_SOURCE_RE.search(part)
        if m and (unit := from_source(m.group(1) or m.group(2))):
            return unit
    return None


def from_source(source: str | None) -> str | None:
    """A 来源 naming a unit (「公安部头条号」 → 公安部); a website or journal is no unit."""
    if not source:
        return None
    name = _SOURCE_STRIP_RE.sub("", source.replace(" ", ""))
    if re.search(rf"(?:网|报|刊|社|台|《)|^[{_HAN}]{{0,3}}$", name) and name not in _MEDIA_NAMES:
        return None
    if name in _MEDIA_NAMES or re.fullmatch(rf"[{_HAN}]{{2,30}}{_SOURCE_UNIT}", name):
        return name
    return None


def _self_named(norm: str) -> str | None:
    selves = list(dict.fromkeys(_SELF_RE.findall(norm)))
    if re.search(r"全区", norm) and "区" not in selves:
        selves.append("区")
    for suffix in selves:
        ending = _SELF_SUFFIX.get(suffix, suffix)
        pattern = re.compile(rf"{_CLAUSE_START}({_NAME}{{1,12}}?{ending}){_VERBS}", re.M)
        names = [_LEAD_RE.sub("", m.group(1)) for m in pattern.finditer(norm)]
        names = [n for n in names if not n.startswith("我")]
        names = [n for n in names if len(n) >= 2 and n not in ("全区", "本区", "该区", "市局")]
        if names:
            return max(names, key=names.count)
    return None


def _title_end(lines: list[str], title: str) -> int | None:
    """The index of the title's last line among the first lines (a title may span two)."""
    want = title.replace(" ", "")
    if not want:
        return None
    for i, line in enumerate(lines[:_TITLE_LINES]):
        if line.replace(" ", "") == want:
            return i
        if i + 1 < len(lines) and (line + lines[i + 1]).replace(" ", "") == want:
            return i + 1
    return None


def _first_paragraph(lines: list[str]) -> str:
    return next((ln for ln in lines if "。" in ln or len(ln) > 60), "")


def find_org(norm: str, lines: list[str], title: str, sources: Iterable[str | None]) -> str | None:
    """The report's unit (module rules 1–9), or ``None``."""
    stated = byline(norm)
    if stated and (m := _BYLINE_ORG_RE.match(stated)):
        return m.group(1)
    compact = title.replace(" ", "")
    m = _TITLE_ORG_RE.match(compact) or _TITLE_REPORT_ORG_RE.match(compact)
    if m and m.group(1).endswith(_VERB_ENDINGS):
        m = None  # 「江永县举办2023年……」: a verb, not a unit's 办
    if m and _PLACE_RE.search(m.group(1)) or (m and "共产" in m.group(1)):
        return m.group(1)
    at = _title_end(lines, title)
    if at is not None:
        for line in lines[at + 1 : at + 3]:
            compact_line = line.replace(" ", "")
            if _is_org_line(compact_line):
                return compact_line
            if sm := _SUBTITLE_ORG_RE.match(compact_line):
                return sm.group(1)
    if speaker := _speaker(norm):
        return speaker
    for line in lines[-4:]:
        if _is_org_line(line.replace(" ", "")):
            return line.replace(" ", "")
    if closed := closing(norm):
        return closed[0]
    if outlet := _news_outlet(norm):
        return outlet
    for source in sources:
        if unit := from_source(source):
            return unit
    if NEWS_ITEM_RE.match(norm.lstrip()):
        return None  # the units a news item reports on did not write it
    if opener := _OPENING_ORG_RE.match(_first_paragraph(lines)):
        return opener.group(1)
    if named := _self_named(norm):
        return named
    found = [m.group(1) for m in _BODY_ORG_RE.finditer(norm)]
    if not found:
        return None
    selves = set(_SELF_RE.findall(norm))
    preferred = [o for o in found if any(o.endswith(s) for s in selves)]
    return (preferred or found)[0]


def self_names(norm: str, org: str | None) -> list[str]:
    """Other names the report uses for its own unit (「市城管局」 in 盐城市城市管理局's report):
    a reader of one passage meets these, not the byline's full name."""
    if org is None or NEWS_ITEM_RE.match(norm.lstrip()):
        return []
    names = [_self_named(norm)] + [m.group(1) for m in _BODY_ORG_RE.finditer(norm)]
    return [n for n in dict.fromkeys(names) if n and n != org and _abbreviates(n, org)][:3]


def _abbreviates(short: str, full: str) -> bool:
    """「市城管局」 abbreviates 「盐城市城市管理局」: same last character, and its characters
    appear in the full name in order (how 简称 are made)."""
    if len(short) >= len(full) or short[-1] != full[-1]:
        return False
    rest = iter(full)
    return all(ch in rest for ch in short)
