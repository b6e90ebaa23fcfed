"""Chinese numerals shared by outline detection (一、（二）) and the review's fact checks."""

from __future__ import annotations

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def cn_int(text: str) -> int | None:
    """一 … 九十九 (also 两, 廿 not included) as an int; ``None`` when ``text`` is not one."""
    if not text:
        return None
    if text.isdecimal():  # ASCII or full-width digits (not ² or ①, which int() refuses)
        return int(text)
    if "十" not in text:
        return CN_DIGITS.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    t = 1 if tens == "" else CN_DIGITS.get(tens)
    o = 0 if ones == "" else CN_DIGITS.get(ones)
    if t is None or o is None or len(tens) > 1 or len(ones) > 1:
        return None
    return 10 * t + o


def cn_year(text: str) -> int | None:
    """A year written digit by digit (二〇二二, 一九九七) or in Arabic digits."""
    if text.isdecimal():  # ASCII or full-width digits (not ² or ①, which int() refuses)
        return int(text)
    digits = [CN_DIGITS.get(ch) for ch in text]
    if len(digits) != 4 or any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))
