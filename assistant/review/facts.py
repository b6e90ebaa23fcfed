"""Checkable facts in a sentence: numbers with units, dates, weekdays, 文号, quoted names, names.

Everything works on the search form of the text (``core.normalize.normalize``: Simplified,
half-width), so ``二〇二一年`` and ``2021年``, ``３０％`` and ``百分之三十`` compare equal.
Approximate markers (余/多/近/约/超过/以上 …) are kept as a qualifier: ``30余个`` equals
``30多个`` (both "a bit over 30"), contains ``35个`` and excludes ``20多个``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.normalize import normalize
from core.numerals import CN_DIGITS

CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_NUM = "零〇一二两三四五六七八九十百千万亿"
_NUM = rf"(?:\d+(?:\.\d+)?[万亿]?|[{_CN_NUM}]+(?:点[{_CN_NUM}]+)?)"

# Longest first: the regex alternation takes the first that matches.
UNITS = sorted(
    "个 名 人 条 支 件 项 次 户 家 所 份 篇 场 期 批 届 位 元 万元 亿元 天 年 周年 岁 公里 千米 平方米 米 吨 本 座 套 台 "
    "辆 处 间 栋 类 种 张 起 号 号线 小时 周 轮 组 队 村 镇 校 床 门 宗 亩 人次 余人 倍 百分点 个百分点 "
    "个月 年度 万人 万件 篇次 场次 期次 家次".split(),
    key=len,
    reverse=True,
)
_UNIT = "|".join(map(re.escape, UNITS))
MORE, LESS, ABOUT = "more", "less", "about"
QUALIFIERS = {
    "余": MORE, "多": MORE, "超过": MORE, "逾": MORE, "以上": MORE, "超": MORE, "多达": MORE,
    "近": LESS, "将近": LESS, "不到": LESS, "不足": LESS, "以下": LESS, "以内": LESS,
    "约": ABOUT, "大约": ABOUT, "左右": ABOUT, "上下": ABOUT,
}  # fmt: skip
_PRE = "超过|多达|将近|不到|不足|大约|逾|近|约|超"
_MID = "余|多"
_POST = "以上|以下|以内|左右|上下"

_PERCENT_RE = re.compile(
    rf"(?:(?P<pre>{_PRE}))?(?:百分之(?P<cn>[{_CN_NUM}点]+)|(?P<num>\d+(?:\.\d+)?)%)(?P<post>{_POST})?"
)
_DATE_RE = re.compile(
    r"(?:(?P<y>\d{4}|[〇零一二三四五六七八九]{4})年(?!代)(?P<fy>度)?)?"
    r"(?:(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月(?:份)?)?"
    r"(?:(?P<d>3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])[日号])?"
)
# A list item's number opening a sentence: 「1. 」「2、」「(3)」「4)」 (not 「1.5万」).
_LIST_ITEM_RE = re.compile(r"^\s*(?:\(\d{1,2}\)|\d{1,2}\s*(?:\.(?!\d)|[、)]))")
_WEEKDAY_RE = re.compile(r"(?:周|星期|礼拜)(?P<w>[一二三四五六日天])")
_COUNT_RE = re.compile(
    rf"(?P<ord>第)?(?:(?P<pre>{_PRE}))?(?P<num>{_NUM})(?P<mid>{_MID})?(?P<unit>{_UNIT})?(?P<post>{_POST})?"
)
_WENHAO_RE = re.compile(
    r"(?P<org>[\u4e00-\u9fff]{1,8})?[〔\[(（【](?P<y>\d{4})[〕\])）】](?P<n>\d+)号"
)
_QUOTE_PAIRS = {"“": "”", "「": "」", "《": "》", "『": "』", '"': '"', "‘": "’", "〈": "〉"}
_QUOTE_RE = re.compile(
    r"“([^“”]{1,40})”|「([^「」]{1,40})」|《([^《》]{1,60})》|『([^『』]{1,40})』|\"([^\"]{1,40})\""
)


@dataclass(frozen=True)
class Fact:
    """One checkable fact. ``start``/``end`` index the normalised sentence it came from.

    ``kind``: number | percent | date | weekday | wenhao | quote | person | org | place.
    Numbers carry ``value`` (money in 元, 万/亿 expanded), ``unit`` and ``qualifier``
    (more/less/about or ""); dates carry ``date`` = (year, month, day) with None for absent parts.
    """

    kind: str
    text: str
    start: int
    end: int
    value: float | None = None
    unit: str = ""
    qualifier: str = ""
    date: tuple[int | None, int | None, int | None] | None = None
    key: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def display(self) -> str:
        """The fact as written (for showing draft and source values side by side)."""
        return self.text


def parse_chinese_number(text: str) -> float | None:
    """``三百五十六`` → 356, ``两万`` → 20000, ``二〇二一`` → 2021, ``十四`` → 14, ``三点五`` → 3.5."""
    if not text or text[0] in CN_BIG:
        return None
    if "点" in text:
        whole, _, frac = text.partition("点")
        w = parse_chinese_number(whole) if whole else 0.0
        if w is None or not frac or any(c not in CN_DIGITS for c in frac):
            return None
        return w + float("0." + "".join(str(CN_DIGITS[c]) for c in frac))
    if all(c in CN_DIGITS for c in text):  # digit by digit: 二〇二一, 一, 五
        if len(text) > 1 and text[0] in "零〇":
            return None
        return float("".join(str(CN_DIGITS[c]) for c in text))
    total, section, digit = 0, 0, 0
    for c in text:
        if c in CN_DIGITS:
            digit = CN_DIGITS[c]
        elif c in CN_UNITS:
            section += (digit or 1) * CN_UNITS[c]
            digit = 0
        elif c in CN_BIG:
            total = (total + section + digit) * CN_BIG[c]
            section = digit = 0
        else:
            return None
    return float(total + section + digit)


def parse_number(text: str) -> float | None:
    """Arabic or Chinese numeral, with a trailing 万/亿 multiplier: ``1.2万`` → 12000."""
    text = text.replace(",", "")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([万亿]?)", text)
    if m:
        return float(m.group(1)) * (CN_BIG[m.group(2)] if m.group(2) else 1)
    return parse_chinese_number(text)


def to_chinese(n: int) -> str:
    """0 ≤ n < 10000 as a Chinese numeral (``302`` → ``三百零二``, ``12`` → ``十二``)."""
    digits = "零一二三四五六七八九"
    if n == 0:
        return "零"
    out, zero = "", False
    for value, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d:
            if zero and out:
                out += "零"
            out += ("" if (value == 10 and not out and d == 1) else digits[d]) + name
            zero = False
        elif out:
            zero = True
    return out


def value_range(value: float, qualifier: str) -> tuple[float, float]:
    """The interval an approximate amount stands for: 30余 → (30, 40], 302余 → (302, 303]."""
    if not qualifier:
        return value, value
    if qualifier == MORE:
        step = 1.0
        v = int(value)
        if v == value and v > 0:
            while v % 10 == 0 and v >= 10:
                v //= 10
                step *= 10
        return value, value + step
    if qualifier == LESS:
        return value * 0.8, value
    return value * 0.9, value * 1.1


def numbers_agree(a: Fact, b: Fact) -> bool:
    """Same value, allowing for each side's qualifier (30余 ≈ 30多 ≈ 35; 30余 ≠ 20多)."""
    if a.value is None or b.value is None:
        return False
    if a.qualifier and b.qualifier:
        if a.qualifier == b.qualifier:
            return abs(a.value - b.value) < 1e-9
        (lo1, hi1), (lo2, hi2) = (
            value_range(a.value, a.qualifier),
            value_range(b.value, b.qualifier),
        )
        return lo1 <= hi2 and lo2 <= hi1
    if a.qualifier or b.qualifier:
        approx, exact = (a, b) if a.qualifier else (b, a)
        lo, hi = value_range(approx.value, approx.qualifier)
        return lo <= exact.value <= hi
    return abs(a.value - b.value) < 1e-9


def dates_agree(a: Fact, b: Fact) -> bool:
    """Equal wherever both dates give a part (2021年 agrees with 2021年6月)."""
    return all(x is None or y is None or x == y for x, y in zip(a.date, b.date, strict=True))


def facts_agree(a: Fact, b: Fact) -> bool:
    """Whether two facts of the same kind say the same thing."""
    if a.kind != b.kind:
        return False
    if a.kind in ("number", "percent"):
        return a.unit == b.unit and numbers_agree(a, b)
    if a.kind == "date":
        return dates_agree(a, b)
    return a.key == b.key


def comparable(a: Fact, b: Fact) -> bool:
    """Whether two facts measure the same kind of thing (same kind; same unit for numbers)."""
    if a.kind != b.kind:
        return False
    if a.kind in ("number", "percent"):
        return a.unit == b.unit
    if a.kind == "date":  # 2021年 vs 6月28日 share no part: not comparable
        return any(x is not None and y is not None for x, y in zip(a.date, b.date, strict=True))
    return True


def quote_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, inner text) of every quoted span (“…” 「…」 《…》 『…』 "…")."""
    out = []
    for m in _QUOTE_RE.finditer(text):
        inner = next(g for g in m.groups() if g is not None)
        out.append((m.start(), m.end(), inner))
    return out


def inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _date_part(text: str | None) -> int | None:
    if not text:
        return None
    value = parse_number(text)
    return int(value) if value is not None else None


def extract_dates(text: str, taken: list[tuple[int, int]]) -> list[Fact]:
    """Years, months and days: ``二〇二一年`` = ``2021年``; ``2021年度`` is the year 2021."""
    out = []
    for m in _DATE_RE.finditer(text):
        if m.start() == m.end() or inside(m.start(), taken):
            continue
        y, mo, d = _date_part(m.group("y")), _date_part(m.group("m")), _date_part(m.group("d"))
        if y is None and mo is None:
            continue  # a bare 日/号 is too ambiguous (5号线, 〔2021〕5号)
        if y is None and m.start() > 0 and re.match(r"[\d个两几]", text[m.start() - 1]):
            continue  # 12个月, 3个月: durations, not dates
        if y is None and d is None and text[m.end() : m.end() + 1] in ("内", "来", "间"):
            continue
        key = "-".join("?" if p is None else str(p) for p in (y, mo, d))
        out.append(Fact("date", m.group(0), m.start(), m.end(), date=(y, mo, d), key=key))
    return out


def _qualifier(*parts: str | None) -> str:
    for p in parts:
        if p:
            return QUALIFIERS[p]
    return ""


def extract_numbers(text: str, taken: list[tuple[int, int]]) -> list[Fact]:
    """Percentages, then counts with their unit (bare Chinese numerals need a unit)."""
    out: list[Fact] = []
    spans = list(taken)
    for m in _PERCENT_RE.finditer(text):
        if inside(m.start(), spans):
            continue
        value = (
            parse_number(m.group("num")) if m.group("num") else parse_chinese_number(m.group("cn"))
        )
        if value is None:
            continue
        q = _qualifier(m.group("pre"), m.group("post"))
        out.append(
            Fact(
                "percent",
                m.group(0),
                m.start(),
                m.end(),
                value=value,
                unit="%",
                qualifier=q,
                key=f"{value:g}%",
            )
        )
        spans.append((m.start(), m.end()))
    for m in _COUNT_RE.finditer(text):
        start = m.start("num")
        if inside(start, spans) or inside(m.end("num") - 1, spans):
            continue
        num, unit = m.group("num"), m.group("unit") or ""
        arabic = num[0].isdigit()
        if not arabic and not unit:
            continue  # 一些, 统一, 三会一课: bare Chinese numerals are words, not facts
        if not arabic and start > 0 and text[start - 1] in "之统唯专单万第" and not m.group("ord"):
            continue
        if arabic and start > 0 and (text[start - 1].isascii() and text[start - 1].isalnum()):
            continue
        value = parse_number(num)
        if value is None:
            continue
        if unit in ("万元", "亿元"):
            value, unit = value * CN_BIG[unit[0]], "元"
        elif unit in ("万人", "万件"):
            value, unit = value * 10_000, unit[1]
        if unit == "年度":
            unit = "年"
        if m.group("ord"):
            unit = "第" + unit
        q = _qualifier(m.group("pre"), m.group("mid"), m.group("post"))
        begin = m.start("ord") if m.group("ord") else (m.start("pre") if m.group("pre") else start)
        out.append(
            Fact(
                "number",
                text[begin : m.end()],
                begin,
                m.end(),
                value=value,
                unit=unit,
                qualifier=q,
                key=f"{value:g}{unit}",
            )
        )
    # "5、6号线", "第一、二、三所": a bare number followed by 、 takes the next number's unit.
    out.sort(key=lambda f: f.start)
    for i, f in enumerate(out[:-1]):
        nxt = out[i + 1]
        if (
            f.kind == "number"
            and not f.unit
            and nxt.unit
            and text[f.end : nxt.start] in ("、", "和", "至", "-", "~")
        ):
            out[i] = Fact(
                "number",
                f.text,
                f.start,
                f.end,
                value=f.value,
                unit=nxt.unit,
                qualifier=f.qualifier,
                key=f"{f.value:g}{nxt.unit}",
            )
    return out


def extract_wenhao(text: str) -> list[Fact]:
    """Document numbers such as ``市委发〔2021〕5号``; the key ignores the bracket style."""
    out = []
    for m in _WENHAO_RE.finditer(text):
        key = f"〔{m.group('y')}〕{int(m.group('n'))}号"
        out.append(
            Fact(
                "wenhao",
                m.group(0),
                m.start(),
                m.end(),
                key=key,
                extra={"org": m.group("org") or ""},
            )
        )
    return out


def extract_quotes(text: str) -> list[Fact]:
    """Quoted names of brands, programmes and documents (“…”, 「…」, 《…》)."""
    return [
        Fact("quote", text[a:b], a, b, key=_squash(inner))
        for a, b, inner in quote_spans(text)
        if _squash(inner)
    ]


def _squash(text: str) -> str:
    """Letters, digits and CJK only: the form quotes and names are compared in."""
    return re.sub(r"[^\w+]", "", text).replace("_", "")


def extract_facts(text: str) -> list[Fact]:
    """All checkable facts of one (normalised) sentence, in text order.

    Numbers inside quotes and 文号 are not counted separately: the quote or 文号 is compared whole.
    A list item's own number (「1. 」「2、」「(3)」 opening the sentence) is no fact.
    """
    text = normalize(text)
    quotes = extract_quotes(text)
    wenhao = extract_wenhao(text)
    taken = [(f.start, f.end) for f in quotes + wenhao]
    if item := _LIST_ITEM_RE.match(text):
        taken.append((item.start(), item.end()))
    dates = extract_dates(text, taken)
    weekdays = [
        Fact("weekday", m.group(0), m.start(), m.end(), key=m.group("w").replace("天", "日"))
        for m in _WEEKDAY_RE.finditer(text)
        if not inside(m.start(), taken)
    ]
    numbers = extract_numbers(text, taken + [(f.start, f.end) for f in dates + weekdays])
    facts = quotes + wenhao + dates + weekdays + numbers
    return sorted(facts, key=lambda f: (f.start, f.end))
