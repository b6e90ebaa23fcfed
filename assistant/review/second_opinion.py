"""An LLM's second opinion on unsupported and contradicted sentences, shown beside the verdict.

It never changes a verdict: the label stays the rule-based one; the note goes to
``Verdict.second_opinion``. A failing model stops the second opinions and is reported once.
"""

from __future__ import annotations

from assistant.generation.chat import ChatModel
from assistant.generation.prompt_sources import neutralise
from assistant.review.checker import ReviewReport
from assistant.review.formats import LABEL_ZH
from core.errors import LLMError
from prompts import render

MAX_NOTE_CHARS = 200
CHECKED_LABELS = ("unsupported", "contradicted")


def add_second_opinions(report: ReviewReport, chat: ChatModel, *, limit: int = 30) -> list[str]:
    """Ask ``chat`` about up to ``limit`` unsupported/contradicted sentences; return notices (Chinese),
    which are also added to ``report.notices``."""
    asked = 0
    for v in report.verdicts:
        if v.label not in CHECKED_LABELS or asked >= limit:
            continue
        prompt = render(
            "review_second_opinion",
            verdict=LABEL_ZH[v.label],
            reason=v.reason,
            sentence=neutralise(v.sentence),  # neither may close its fence
            source=neutralise(v.hit.text) if v.hit is not None else "（资料库中没有找到相关原文）",
        )
        try:
            reply = "".join(chat.stream([{"role": "user", "content": prompt}]))
        except LLMError as exc:
            notice = f"模型第二意见不可用：{exc}"
            report.notices.append(notice)
            return [notice]
        asked += 1
        note = " ".join(reply.split())
        v.second_opinion = note[:MAX_NOTE_CHARS] or None
    return []
