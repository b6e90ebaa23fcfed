"""Strip web and print debris from a loaded report, line by line, without losing content.

Reports copied from portals and 范文 sites carry breadcrumbs, publish lines, share and
font-size widgets, "猜你想看" link lists, copyright/ICP footers, disclaimers, editor
sign-off lines, and sometimes the title of another article at the very end. Each rule
matches a whole line on its *normalised* copy (Simplified, half-width, no spaces), so
"投稿郵箱：" and "投稿邮箱:" are one rule; the display text keeps its own script and width.
Every rule is bounded by line length, so a real paragraph that merely mentions 版权
or 来源 is never removed. What was removed is returned for the ingest report.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from core.normalize import normalize, remove_zero_width

# Whitespace at line ends: ASCII, NBSP, ideographic space.
_EDGE_SPACE = " \t\f\v\u00a0\u3000"
_ALL_SPACE_RE = re.compile(r"\s+")

_WIDGETS = (
    "投稿邮箱|投稿信箱|站内搜索|文字缩放|字号|字体|分享到|扫一扫|上一篇|下一篇|返回顶部|收藏本页|"
    "我要纠错|打印本页|关闭窗口|打印|关闭|返回|收藏|分享"
)
# (name, pattern on the space-free normalised line, longest line it may remove)
LINE_RULES: tuple[tuple[str, re.Pattern[str], int], ...] = (
    (
        "breadcrumb",
        re.compile(r"^(当前位置|您的位置|你的位置|您现在的位置|所在位置|当前栏目):?"),
        150,
    ),
    (
        "publish line",
        re.compile(
            r"(发布时间|发布日期|发表时间|发表日期|更新时间|录入时间|浏览次数|点击数|"
            r"点击量|阅读次数|阅读量|浏览量|访问量|影响了):"
        ),
        150,
    ),
    ("source line", re.compile(r"^[(\[【]?(来源|稿件来源|信息来源|文章来源|来源于|出处):"), 80),
    (
        "disclaimer",
        re.compile(
            r"^(免责声明|声明):|仅限学习|仅供学习|如有侵权|转载请注明|本站部分内容|联系我们及时删除"
            r"|联系本站删除"
        ),
        200,
    ),
    (
        "copyright/ICP",
        re.compile(r"copyright|©|版权所有|icp备|icp证|公网安备|allrightsreserved", re.I),
        150,
    ),
    (
        "site footer",
        re.compile(r"^(主办单位|承办单位|协办单位|主办|承办|技术支持|网站标识码|网站地图):"),
        100,
    ),
    (
        # A widget label followed by ":", another widget, 大中小 or nothing: never prose.
        "page widget",
        re.compile(rf"^[【\[]?({_WIDGETS})[】\]]?(:|$|[【\[]|大中小|{_WIDGETS})"),
        80,
    ),
    (
        "editor line",
        re.compile(
            r"^[(\[【]?(责任编辑|编辑|责编|审核|审校|校对|送签|签发|终审|初审|复审|"
            r"值班编辑|编审):"
        ),
        100,
    ),
)
# A "related articles" heading: it and everything after it go.
_RELATED_RE = re.compile(
    r"^[【\[]?(猜你想看|猜你喜欢|相关阅读|相关文章|相关推荐|延伸阅读|推荐阅读|热门文章|热点推荐|"
    r"相关新闻|更多阅读|相关链接|相关范文|热门推荐)[】\]:]*$"
)
# Several short segments joined by >, >> or » : a breadcrumb without its label.
_CRUMB_SEP_RE = re.compile(r">>|>|»|›")
_OUTLINE_RE = re.compile(
    r"^(第[一二三四五六七八九十百零]+[章节部分条篇]|[一二三四五六七八九十百]+[、.]"
    r"|[(（][一二三四五六七八九十百]+[)）]|\d+[.、．](?!\d)|[(（]\d+[)）]|[①-⑳])"
)
_SENTENCE_PUNCT = set("。！？；，、：!?;,:")
_SENTENCE_END = tuple("。！？!?…”’」』)）】")
_DATE_RE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月|\d{4}[-./]\d{1,2}[-./]\d{1,2}")
# A closing line naming an organisation (a signature), not another article's title.
_ORG_END_RE = re.compile(
    r"(局|委|委员会|办公室|办|政府|部|厅|院|处|科|室|中心|支部|总支|党组|党委|工委|小组|公司|协会|"
    r"学校|大学|街道|社区|镇|乡|村)$"
)
_AUTHOR_PAREN_RE = re.compile(r"[(（]\s*(作者(?:系|为|是|单位|:|：)[^()（）]{2,100}?)\s*[)）]\s*$")
_AUTHOR_LINE_RE = re.compile(r"^(?:作者|文)\s*[:：/／]\s*(\S.{0,30})$")
STRAY_TITLE_MIN, STRAY_TITLE_MAX = 8, 40
TITLE_MAX = 60


@dataclass
class Cleaned:
    """Cleaned display text, the lines removed (in order), and the author if stated.

    ``author`` is the author statement as written, without brackets or label: for
    "(作者系…机关党委书记 王从香)" it is "作者系…机关党委书记 王从香" (a bare name cannot be
    split reliably from titles and posts); for a line "作者：张三" it is "张三". The
    statement also stays in ``text``.
    """

    text: str
    removed: list[str] = field(default_factory=list)
    author: str | None = None


def clean_text(text: str) -> Cleaned:
    """Remove debris lines, strip indentation and trailing spaces, collapse blank-line runs.

    Paragraph structure (one paragraph per line, or blank-line separated) is kept.
    """
    lines = [
        line.strip(_EDGE_SPACE)
        for line in remove_zero_width(text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    ]
    keys = [_key(line) for line in lines]
    keep = [True] * len(lines)

    # 1. "猜你想看" and all that follows it, when it sits in the second half.
    content_idx = [i for i, line in enumerate(lines) if line]
    for n, i in enumerate(content_idx):
        if n >= len(content_idx) / 2 and _RELATED_RE.match(keys[i]):
            for j in range(i, len(lines)):
                keep[j] = False
            break

    # 2. Whole-line debris rules.
    for i, line in enumerate(lines):
        if keep[i] and line and is_debris(line, keys[i]):
            keep[i] = False

    # 3. The title repeated on the next content line.
    kept = [i for i in content_idx if keep[i]]
    if len(kept) >= 2 and _looks_like_title(lines[kept[0]]) and keys[kept[1]] == keys[kept[0]]:
        keep[kept[1]] = False

    # 4. Another article's title dangling at the very end.
    stray = _stray_title_index(lines, keys, keep)
    if stray is not None:
        keep[stray] = False

    removed = [line for i, line in enumerate(lines) if line and not keep[i]]
    body = [line for i, line in enumerate(lines) if keep[i]]
    out = _collapse_blank_lines(body)
    return Cleaned(text=out, removed=removed, author=find_author(out))


def is_debris(line: str, key: str | None = None) -> bool:
    """Whether one (stripped) line is page debris by the whole-line rules."""
    key = _key(line) if key is None else key
    if not key:
        return False
    for _name, pattern, max_len in LINE_RULES:
        if len(key) <= max_len and pattern.search(key):
            return True
    return _is_bare_breadcrumb(key)


def find_author(text: str) -> str | None:
    """The author statement of a report: a trailing "(作者系…)" or a short "作者：…" line."""
    lines = [line for line in text.split("\n") if line.strip()]
    for line in reversed(lines[-3:]):
        match = _AUTHOR_PAREN_RE.search(line)
        if match:
            return match.group(1).strip()
    for line in lines[:6] + lines[-3:]:
        match = _AUTHOR_LINE_RE.match(line.strip())
        if match:
            return match.group(1).strip()
    return None


def _key(line: str) -> str:
    return _ALL_SPACE_RE.sub("", normalize(line)) if line else ""


def _is_bare_breadcrumb(key: str) -> bool:
    parts = _CRUMB_SEP_RE.split(key)
    if len(parts) < 3 or len(key) > 150 or any(p in key for p in "。!?;"):
        return False
    return all(0 < len(p) <= 30 for p in parts)


def _looks_like_title(line: str) -> bool:
    return 0 < len(line) <= TITLE_MAX and not line.endswith(tuple("。！？；：:;!?"))


def _stray_title_index(lines: list[str], keys: list[str], keep: list[bool]) -> int | None:
    """Index of a short unpunctuated last line set apart by an unusually wide gap.

    Portals append the title of the next or a related article after the body. It is
    told from a legitimate closing line by all of: it is the last line; more blank
    lines separate it from the body than the report's usual paragraph gap (and at least
    two); the paragraph before it is finished (ends in sentence punctuation); it has no
    sentence punctuation itself, is 8–40 characters, is not an outline heading (一、
    （一） 1. …), not a date and does not end in an organisation (a signature block);
    and it is not the report's own title.
    """
    live = [i for i in range(len(lines)) if keep[i]]
    # Positions of the non-blank kept lines within ``live``: gaps are differences.
    content = [n for n, i in enumerate(live) if lines[i]]
    if len(content) < 3:
        return None
    gaps = Counter(b - a - 1 for a, b in zip(content[:-2], content[1:-1], strict=True))
    gap = content[-1] - content[-2] - 1
    last, prev, first = live[content[-1]], live[content[-2]], live[content[0]]
    usual = gaps.most_common(1)[0][0]
    line = lines[last]
    if gap < 2 or gap <= usual:
        return None
    if not lines[prev].endswith(_SENTENCE_END):
        return None
    if not STRAY_TITLE_MIN <= len(line) <= STRAY_TITLE_MAX:
        return None
    if any(ch in _SENTENCE_PUNCT for ch in line) or _OUTLINE_RE.match(line):
        return None
    if _DATE_RE.search(line) or _ORG_END_RE.search(keys[last]):
        return None
    if keys[last] == keys[first]:
        return None
    return last


def _collapse_blank_lines(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)
