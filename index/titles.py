"""A report's title: found in its leading lines, or derived the way a librarian would.

Rules, in order (each works on the cleaned display text; matching uses its normalised copy):

1. A heading-like line before the first paragraph: 4–60 characters (a 「关于……的报告」 line up
   to 100), some CJK, no sentence punctuation, not a numbered heading, not page debris, not a
   dateline (「——2023年3月5日在……」「（2022年10月16日）」「（二〇二五年一月八日）」), a spaced
   name (「习　近　平」), a unit's name standing alone or a salutation (「市直机关工委：」).
2. A title broken over two consecutive short lines is joined: without a space where the
   break falls inside a phrase (the first line opens with 关于 or ends in 的/与/和…, or the
   second starts with 的 or is only the 文种), else with one space, as published titles
   print their two halves.
3. A 「关于……的报告/汇报/总结/方案」 line among the first lines, even after a paragraph.
4. A news item's 「原标题：…」, up to where its dateline or first sentence begins or its notice
   genre ends (「……悬赏公告」); a news body that opens with its title (「关于……的公告」 run into
   the text, or a headline set off by a tab or a run of spaces); or the title a portal's
   reprint footer names (「请注明来源：<title>https://…」).
5. Nothing found: the title is *derived* (``title_source == "derived"``) from the purpose
   clause (「围绕……开展了调研……现将调研情况报告如下」 → 「……关于……的调研报告」) or from
   unit + 文种 (「盐城市城市管理局党建工作总结」) — never the body's first sentence.

Titles are single-line: zero-width characters and line breaks never survive.
"""

from __future__ import annotations

import re

from core.normalize import ZERO_WIDTH, normalize
from index.metadata.org import MEDIA

MAX_TITLE_CHARS = 60
MAX_ABOUT_TITLE_CHARS = 100
JOIN_LINE_CHARS = 32  # each half of a two-line title is at most this long
ABOUT_SCAN_LINES = 8
DERIVED_CLAUSE_CHARS = 24

_STRIP = " \t\r\f\v\u3000\xa0" + ZERO_WIDTH
_ZW_RE = re.compile(f"[{ZERO_WIDTH}]")
_SPACES_RE = re.compile(r"\s+")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_SENTENCE_RE = re.compile(r"[。！？!?；;]")
_DEBRIS_RE = re.compile(
    r"^[^:]{0,6}:|\s[>»]\s|>>|[|@©]|https?|www\.|"  # 「首页 > 范文」「网>>期刊」: breadcrumbs
    r"^(?:当前位置|首页|来源|发布|投稿|搜索|编辑|浏览|点击|打印|关闭|字号|分享|版权)"
)
_HEADING_RE = re.compile(
    r"^(?:第[一二三四五六七八九十]+(?:部分|章)|[一二三四五六七八九十]+\s*、|[(（][一二三四五六七八九十\d]+[)）]"
    r"|\d{1,2}\s*[.．、](?!\d)|[①-⑳])"
)
_DATE_LINE_RE = re.compile(
    r"^[(（]?\s*(?:(?:19|20)\d{2}\s*[年.\-/]\s*\d{1,2}|[〇零○O一二三四五六七八九]{4}年[十一二三四五六七八九]{1,2}月)"
)
_DASH_RE = re.compile(r"^(?:—|-|－|―){1,2}")
_ORG_SUFFIX = (
    r"(?:委员会|办公室|管理局|工委|党委|党组|政府|中心|集团|公司|局|厅|委|办|院|部|支部|总支)"
)
_ORG_LINE_RE = re.compile(rf"^[\u4e00-\u9fff]{{3,30}}{_ORG_SUFFIX}$")
_ABOUT_RE = re.compile(
    r"^关于.{4,76}的(?:调研|工作|情况|专题)?(?:报告|汇报|总结|方案|意见|通知|决定|讲话|发言)$"
)
_GENRE_TAIL_RE = re.compile(
    r"^(?:的)?(?:调研|工作|情况|专题)?(?:报告|汇报|总结|方案|意见|讲话|发言|材料|通知|决定)$"
)
_OPEN_END = ("的", "之", "与", "和", "及", "暨", "对", "在", "关于", "、")
# 「原标题：」 runs into the body: it ends where it repeats, where a dateline, a byline (「【环球时报驻
# ……记者】」「央广网银川8月1日消息」), a 来源 or a first sentence begins, after 「……」.
_ORIGINAL_TITLE_RE = re.compile(r"原标题\s*[:：]\s*")
# A notice's title ends at its 文种: 「……悬赏公告济宁市……」.
_NEWS_STOP_RE = re.compile(
    r"\s{2,}|(?<=.{4})(?:近日|日前|今年以来|近年来|截至|据[悉了介统]|当地时间|本报讯|记者|本文转自|本文来源|转自|"
    r"来源\s*[:：]|作者\s*[:：]|文\s*/|【|点击蓝字|关注我们|(?:19|20)\d{2}-\d{1,2}-\d{1,2}|为(?:深入|进一步|切实|全面|认真|更好|加快|持续)|"
    rf"(?:(?:19|20)\d{{2}}年)?\d{{1,2}}月(?:\d{{1,2}}日)?[,，]|(?:{MEDIA})(?:[\u4e00-\u9fff]{{0,6}}\d{{1,2}}月"
    r"\d{1,2}日(?:电|讯|报道|消息)|讯|客户端|记者|全媒|驻|\s|[(（]))|(?<=.{4}公告)|(?<=.{4}通告)|(?<=.{4}……)"
)
# 「原标题：X X正文……」: a headline the page prints twice ends where it repeats.
_REPEATED_RE = re.compile(r"(\S.{4,58}?\S)\s*\1")
# 「如若转载，请注明来源：<title>https://…」: a portal's footer names the article.
_REPRINT_RE = re.compile(r"请注明(?:来源|出处)\s*[:：]\s*(\S[^:：\n]{3,60}?)\s*https?://")
# 「现将……报告如下」 after 「围绕X开展/进行」: what a research report is about.
_ABOUT_TOPIC_RE = re.compile(
    r"我[局委办厅院部区县市]?围绕([^,，。;；:：“”\"]{4,30}?)(?:[,，]|开展|进行|深入)"
)
_NEWS_PREFIX_RE = re.compile(r"^.{0,100}?正文\s*[:：]\s*")
# A news body that opens with its own title: a notice's 「关于……的公告」 run into the text, or a
# headline set off from the body by a tab or a run of spaces.
_LEAD_NOTICE_RE = re.compile(r"^关于.{4,96}?的(?:公告|通告|通知)")
_LEAD_HEADLINE_RE = re.compile(r"^(\S.{2,58}?\S)(?:[ \u3000]*\t|[ \u3000]{3,})")
_GENRE_LABEL = {
    "调研报告": "调研报告",
    "工作总结": "工作总结",
    "工作汇报": "工作情况汇报",
    "经验交流": "经验交流材料",
    "理论文章": "理论文章",
    "党建材料": "党建材料",
}


def one_line(text: str) -> str:
    """``text`` with zero-width characters dropped and line breaks/space runs made one space."""
    return _SPACES_RE.sub(" ", _ZW_RE.sub("", text)).strip(_STRIP)


def _clean(line: str) -> str:
    return _ZW_RE.sub("", line).strip(_STRIP)


def _is_paragraph(line: str) -> bool:
    return bool(_SENTENCE_RE.search(line)) or len(line) > MAX_ABOUT_TITLE_CHARS


def _is_furniture(line: str, norm: str) -> bool:
    """Lines around a title that are not it: datelines, names, bylines, debris, salutations."""
    compact = norm.replace(" ", "")
    return bool(
        _DASH_RE.match(norm)
        or _DATE_LINE_RE.match(norm)
        or _DEBRIS_RE.search(norm)
        or _HEADING_RE.match(norm)
        or _ORG_LINE_RE.match(compact)
        or norm.endswith((":", "："))
        or (len(compact) <= 4 and len(compact) < len(norm))  # 「习　近　平」
    )


def _title_like(line: str, norm: str) -> bool:
    limit = MAX_ABOUT_TITLE_CHARS if norm.startswith("关于") else MAX_TITLE_CHARS
    return (
        4 <= len(line) <= limit
        and bool(_CJK_RE.search(line))
        and not _SENTENCE_RE.search(norm)
        and not _is_furniture(line, norm)
    )


def _join(first: str, second: str) -> str:
    if first.startswith("关于") or first.endswith(_OPEN_END) or second.startswith("的"):
        return first + second
    if _GENRE_TAIL_RE.match(normalize(second)):
        return first + second
    return f"{first} {second}"


def _leading_title(lines: list[str]) -> str | None:
    for i, line in enumerate(lines):
        norm = normalize(line)
        if _is_paragraph(norm):
            return None
        if not _title_like(line, norm):
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        nnorm = normalize(nxt)
        if (
            nxt
            and len(line) <= JOIN_LINE_CHARS
            and len(nxt) <= JOIN_LINE_CHARS
            and _title_like(nxt, nnorm)
            and len(line) + len(nxt) <= MAX_ABOUT_TITLE_CHARS
        ):
            return _join(line, nxt)
        return line
    return None


def _about_line(lines: list[str]) -> str | None:
    for line in lines[:ABOUT_SCAN_LINES]:
        if _ABOUT_RE.match(normalize(line)) and not _SENTENCE_RE.search(normalize(line)):
            return line
    return None


def _original_title(text: str) -> str | None:
    head = text[:400]
    m = _ORIGINAL_TITLE_RE.search(head)
    if not m:
        return None
    rest = head[m.end() :]
    if twice := _REPEATED_RE.match(rest):  # the headline printed again above the body
        return twice.group(1).strip(_STRIP)
    stop = _NEWS_STOP_RE.search(rest)
    title = rest[: stop.start()] if stop else ""
    title = title.strip(_STRIP + "，,")
    if "。" in title:  # a caption or the body's first sentence, not a headline
        return None
    return title if 4 <= len(title) <= MAX_TITLE_CHARS else None


def _news_lead_title(text: str) -> str | None:
    head = text.lstrip(_STRIP)[:400]
    m = _NEWS_PREFIX_RE.match(head)
    if not m:
        return None
    body = head[m.end() :].lstrip(_STRIP + "\t")
    if _ORIGINAL_TITLE_RE.match(body):
        return None  # rule 4 read it, or found it runs on
    notice = _LEAD_NOTICE_RE.match(body)
    if notice:
        return notice.group(0)
    m = _LEAD_HEADLINE_RE.match(body)
    if not m or _SENTENCE_RE.search(m.group(1)) or not _CJK_RE.search(m.group(1)):
        return None
    return None if re.search(r"记者|通讯员|\d{1,2}月\d{1,2}日(?:电|讯)", m.group(1)) else m.group(1)


def _reprint_title(text: str) -> str | None:
    m = _REPRINT_RE.search(text[-300:])
    return m.group(1).strip(_STRIP) if m else None


def find_title(text: str) -> str | None:
    """The title the text itself states (rules 1–4), single-line, or ``None``."""
    lines = [ln for ln in (_clean(raw) for raw in text.split("\n")) if ln]
    found = (
        _leading_title(lines)
        or _about_line(lines)
        or _original_title(text)
        or _news_lead_title(text)
        or _reprint_title(text)
    )
    return one_line(found) if found else None


def derive_title(text: str, org: str | None = None, genre: str | None = None) -> str:
    """A catalogue title for a report that has none (rule 5): never its first sentence."""
    norm = normalize(text)
    unit = org or ""
    if genre in (None, "调研报告") and "调研" in norm[:1000]:
        m = _ABOUT_TOPIC_RE.search(norm[:600])
        if m:
            return f"{unit}关于{m.group(1)}的调研报告"
    label = _GENRE_LABEL.get(genre or "")
    if label:
        topic = "党建" if norm.count("党建") >= 3 and "党建" not in label else ""
        if genre == "工作汇报" and topic:
            label = "工作情况汇报"
        return f"{unit}{topic}{label}" if unit or topic else f"{label}"
    body = _NEWS_PREFIX_RE.sub("", norm.lstrip())
    body = _ORIGINAL_TITLE_RE.sub("", body, count=1)
    lines = [ln.strip() for ln in body.split("\n") if ln.strip()]
    body = next((ln for ln in lines if not _HEADING_RE.match(ln)), body)
    first = re.split(r"[,，。;；:：!！?？]", body, maxsplit=1)[0]
    clause = one_line(first)[:DERIVED_CLAUSE_CHARS]
    return f"{unit}：{clause}…" if unit else f"{clause}…"
