"""Follow-up questions made standalone: one verb, ``resolve(question, history) -> question``.

- ``RuleFollowUpResolver``: no model. The subject (unit, year) of the previous turns carries
  over by rule: 「那在职党员有多少名？」 after a question about 西安市住建局 becomes
  「西安市住建局在职党员有多少名？」; a question that only names another unit or year
  (「那滨海新区呢？」) is the previous question with that unit or year swapped in.
- ``ModelFollowUpResolver``: the chat model rewrites the question (``prompts/followup.txt``);
  when the model fails or answers something unusable, the rules decide.

The resolved question is what is retrieved and answered; the edges show it as 「理解为：……」
whenever it differs from what was typed, so the drafter can correct it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from assistant.conversation.subject import question_body, replace_pronoun, subject_of
from assistant.conversation.types import Turn
from assistant.generation.chat import ChatModel
from assistant.generation.citations import CITATION_RE
from core.errors import LLMError
from prompts import render

HISTORY_TURNS = 3
ANSWER_CHARS = 120
_REPLY_LEAD_RE = re.compile(r"^(?:改写后的问题|完整问题|新问题|问题)\s*[：:]\s*")
# 「那西安市住建局……」: a standalone question does not open with the follow-up's 那/那么.
_THEN_RE = re.compile(r"^(?:那么|那)(?=[\u4e00-\u9fff\d])")


class FollowUpResolver(Protocol):
    """Turns a question that leans on earlier turns into one that stands alone."""

    def resolve(self, question: str, history: Sequence[Turn]) -> str: ...


class RuleFollowUpResolver:
    """Carries the unit and year of earlier turns into a question that lacks them."""

    def resolve(self, question: str, history: Sequence[Turn]) -> str:
        """The standalone question (``question`` itself when it needs nothing carried)."""
        question = question.strip()
        if not history:
            return question
        unit, year = _previous_subject(history)
        current = subject_of(question)
        if not current.topic:  # 那滨海新区呢？ / 那2022年呢？: the last question, swapped
            return _swapped(history[-1].asked, current.unit, current.year) or question
        if current.unit or not unit:
            return question
        body = question_body(question)
        resolved = replace_pronoun(body, unit) or unit + body
        if year and not current.year:
            resolved = year + resolved
        return resolved


class ModelFollowUpResolver:
    """Asks the chat model to rewrite the question; the rules when the model fails."""

    def __init__(self, chat: ChatModel, fallback: FollowUpResolver | None = None):
        self.chat = chat
        self.fallback = fallback or RuleFollowUpResolver()

    def resolve(self, question: str, history: Sequence[Turn]) -> str:
        """The model's standalone question, or the rules' when its reply is unusable."""
        question = question.strip()
        if not history:
            return question
        prompt = render("followup", history=history_text(history), question=question)
        try:
            reply = "".join(self.chat.stream([{"role": "user", "content": prompt}]))
        except LLMError:
            return self.fallback.resolve(question, history)
        line = next((ln.strip() for ln in reply.splitlines() if ln.strip()), "")
        line = _THEN_RE.sub("", _REPLY_LEAD_RE.sub("", line).strip("“”\"'「」 "))
        if not line or len(line) > 2 * len(question) + 60:
            return self.fallback.resolve(question, history)
        return line


def make_resolver(chat: ChatModel | None) -> FollowUpResolver:
    """The model's resolver when there is a chat model, else the rules."""
    return ModelFollowUpResolver(chat) if chat is not None else RuleFollowUpResolver()


def history_text(history: Sequence[Turn]) -> str:
    """The last turns as 问/答 lines for the prompt (answers shortened, citations out)."""
    lines = []
    for turn in history[-HISTORY_TURNS:]:
        answer = " ".join(CITATION_RE.sub("", turn.answer).split())
        if len(answer) > ANSWER_CHARS:
            answer = answer[:ANSWER_CHARS] + "…"
        lines += [f"问：{turn.asked}", f"答：{answer or '（无）'}"]
    return "\n".join(lines)


def _previous_subject(history: Sequence[Turn]) -> tuple[str, str]:
    """The unit of the latest turn that names one, and the year asked with it."""
    year = ""
    for turn in reversed(history):
        subject = subject_of(turn.asked)
        year = year or subject.year
        if subject.unit:
            return subject.unit, year
    return "", ""


def _swapped(previous: str, unit: str, year: str) -> str | None:
    """``previous`` with its unit and year replaced by ``unit``/``year`` (None: nothing to swap)."""
    if not (unit or year):
        return None
    before = subject_of(previous)
    out = previous
    if unit:
        out = out.replace(before.unit, unit, 1) if before.unit else unit + out
    if year:
        out = out.replace(before.year, year, 1) if before.year else year + out
    return out
