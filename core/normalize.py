"""Search normalisation shared by the index, retrieval, review and evals.

Traditional→Simplified (OpenCC t2s), full-width ASCII letters/digits/punctuation to
half-width, U+3000 to a space, zero-width characters and BOMs removed. Display text is
never normalised; only the copies used for matching are.
"""

from __future__ import annotations

import re
from functools import lru_cache

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZW_RE = re.compile(f"[{ZERO_WIDTH}]")
# Full-width ASCII block U+FF01..U+FF5E maps to U+0021..U+007E.
_WIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE[0x3000] = 0x20


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def remove_zero_width(text: str) -> str:
    """Drop zero-width spaces/joiners, word joiners, soft hyphens and BOMs."""
    return _ZW_RE.sub("", text)


def fold_width(text: str) -> str:
    """Full-width ASCII forms (Ａ, ４, ％, （） …) and the ideographic space to half-width."""
    return text.translate(_WIDTH_TABLE)


def to_simplified(text: str) -> str:
    """Traditional Chinese to Simplified with OpenCC's t2s table."""
    return _t2s().convert(text) if text else text


def normalize(text: str) -> str:
    """The search form of ``text``: zero-width removed, width folded, Simplified."""
    return to_simplified(fold_width(remove_zero_width(text)))


_NOT_CONTENT_RE = re.compile(r"[\W_]+")


def char_bigrams(text: str) -> set[str]:
    """Character bigrams of the normalised, lower-cased text, punctuation and spaces removed
    (a one-character text is its own gram)."""
    t = _NOT_CONTENT_RE.sub("", normalize(text).lower())
    return {t[i : i + 2] for i in range(len(t) - 1)} if len(t) > 1 else ({t} if t else set())


def is_subsequence(short: str, long: str) -> bool:
    """Whether the characters of ``short`` occur in ``long`` in order (住建局 in 市住房和城乡建设局:
    the way a unit's short form drops characters of its name)."""
    it = iter(long)
    return all(ch in it for ch in short)
