"""Polarity: a draft that negates what its source says (不再/没有/毫无 …).

Checked only when the source window holds most of the draft's words; the marker must be a
whole jieba word in the draft and absent from the source window.
"""

from __future__ import annotations

from assistant.review.names import pos_tokens

NEGATIONS = frozenset(
    "不 没 没有 无 毫无 未 未曾 从未 并非 不是 不再 不需要 不必 无需 无须 不用 不能 不会 不要 停止 取消 禁止 否认 反对".split()
)
# 全部/所有/完全 are everyday words in reports ("已全部完成"); only a few absolutes are telling.
ABSOLUTES = frozenset("毫无 从不 绝不 丝毫".split())


def polarity_markers(claim: str, source: str) -> list[str]:
    """Negation or absolute words of ``claim`` that ``source`` does not contain."""
    words = [w for w, _, _, _ in pos_tokens(claim)]
    return [
        w for w in dict.fromkeys(words) if (w in NEGATIONS or w in ABSOLUTES) and w not in source
    ]
