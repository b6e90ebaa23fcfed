"""The 对话 tab's conversation: each question a turn kept in the user's conversation, the
follow-up made standalone first (shown as 「理解为：……」), answers streamed into the chat.

Handlers here take the ``user`` (the login, or ``LOCAL_USER``) and return plain values; the
tab (``chat_tab.py``) wires them to components.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.conversation import (
    LOCAL_USER,
    Conversation,
    ConversationStore,
    Turn,
    make_resolver,
    scope_conflict,
)
from assistant.conversation.types import UNDERSTOOD_PREFIX
from assistant.export.conversation import turn_label
from assistant.generation.citations import REFUSAL
from assistant.generation.renumber import in_order_of_use
from assistant.generation.service import NOTICE_NO_LLM
from assistant.generation.types import MODE_NAMES_ZH
from assistant.web import render
from assistant.web.chat import MODES, NO_SKELETON, export_folder, filters_from
from assistant.web.colour import checked_line, coloured_answer
from assistant.web.generators import check_choice
from assistant.web.uploads import safe_name
from core.errors import ConfigError, InputError
from index.store import index_exists

if TYPE_CHECKING:
    from assistant.web.app_context import AppContext

EMPTY_LIBRARY = "文档库还是空的：请先在「文档库」页上传报告并入库。"
SCOPE_LABEL = "筛选提示"


def user_of(request: Any) -> str:
    """The login name of the request, or the one local user (no login on 127.0.0.1)."""
    name = getattr(request, "username", None) if request is not None else None
    return name or LOCAL_USER


@dataclass
class ChatView:
    """What the 对话 tab shows at one moment: the messages, the chosen turn's sources."""

    conversation_id: str | None
    messages: list[dict[str, str]] = field(default_factory=list)
    sources: str = ""
    understood: str = ""
    turn: int | None = None  # the turn whose sources are shown
    docx: str | None = None
    md: str | None = None


def refused(answer: str) -> bool:
    """Whether an answer says only that the material has nothing on the question."""
    return answer.strip().rstrip("。.") == REFUSAL


def turn_markdown(turn: Turn, *, streaming: bool = False) -> str:
    """A turn's answer as the chat shows it: 理解为, mode and author, the text, its notices."""
    lines = []
    if turn.understood:
        lines.append(f"> {UNDERSTOOD_PREFIX}{html.escape(turn.understood, quote=False)}")
        lines.append("")
    if turn.label == SCOPE_LABEL:
        lines.append(f"**{SCOPE_LABEL}**")
    elif not streaming:
        mode = MODE_NAMES_ZH.get(turn.mode, turn.mode)
        lines.append(f"**{mode}** · {html.escape(turn_label(turn), quote=False)}")
    lines.append("")
    if not turn.answer:
        lines.append("……")
    elif streaming or not turn.sentences:
        lines.append(render.escape_answer(turn.answer))  # tokens stream uncoloured
    else:
        lines.append(coloured_answer(turn.answer, turn.sentences))
        checked = checked_line(turn.sentences)
        if checked:
            lines += ["", checked]
    # The mode line already says 抽取式: that notice is not repeated.
    extra = [n for n in turn.notices if n != NOTICE_NO_LLM]
    if extra:
        lines.append("")
        lines += [f"<small>提示：{html.escape(n, quote=False)}</small>" for n in extra]
    return "\n".join(lines).strip()


def messages_of(turns: list[Turn], streaming: Turn | None = None) -> list[dict[str, str]]:
    """Chatbot messages: the question, then the answer, for every turn."""
    out = []
    for turn in [*turns, *([streaming] if streaming else [])]:
        out.append({"role": "user", "content": html.escape(turn.question, quote=False)})
        out.append(
            {"role": "assistant", "content": turn_markdown(turn, streaming=turn is streaming)}
        )
    return out


def turn_sources_html(turn: Turn | None, number: int | None = None) -> str:
    """The 来源 panel for one turn: the sources its answer cites."""
    if turn is None:
        return render.sources_html([], "")
    from assistant.retrieval.time_aware import query_time

    cited = turn.cited_sources if turn.cited else []
    note = "" if turn.cited or not turn.sources else "回答未引用任何来源；以下为检索到的段落。"
    shown = cited or turn.sources
    head = (
        f'<div class="sources-turn">第 {number} 轮：{html.escape(turn.asked)}</div>'
        if number
        else ""
    )
    asked = query_time(turn.asked).label()
    return head + render.sources_html(shown, turn.asked, note, asked_period=asked)


def exports_for(conv: Conversation) -> tuple[str | None, str | None]:
    """The conversation as .docx and .md, or (None, None) when no turn has an answer to keep."""
    from assistant.export.conversation import conversation_docx, conversation_markdown

    if not any(t.cited and not refused(t.answer) for t in conv.turns):
        return None, None
    folder = export_folder()
    stem = safe_name(f"对话-{conv.title}")[:40] or "对话"
    md = folder / f"{stem}.md"
    md.write_text(conversation_markdown(conv), encoding="utf-8")
    return str(conversation_docx(conv, folder / f"{stem}.docx")), str(md)


def view_of(conv: Conversation | None, turn: int | None = None) -> ChatView:
    """The view of a stored conversation, showing turn ``turn`` (default: the last)."""
    if conv is None:
        return ChatView(None, sources=turn_sources_html(None))
    if turn is None or not 0 <= turn < len(conv.turns):
        turn = len(conv.turns) - 1 if conv.turns else None
    chosen = conv.turns[turn] if turn is not None else None
    docx, md = exports_for(conv)
    return ChatView(
        conv.id,
        messages_of(conv.turns),
        turn_sources_html(chosen, turn + 1 if turn is not None else None),
        chosen.asked if chosen else "",
        turn,
        docx,
        md,
    )


class ChatSession:
    """The 对话 tab's actions for one app: the store, the resolver, generation."""

    def __init__(self, ctx: AppContext, store: ConversationStore | None = None):
        self.ctx = ctx
        self.store = store or ConversationStore(ctx.settings)

    def conversations(self, user: str) -> list[tuple[str, str]]:
        """(title, id) of the user's conversations, newest first."""
        return [(c.title, c.id) for c in self.store.list(user)]

    def open(self, user: str, conversation_id: str | None) -> ChatView:
        """One of the user's conversations (None: an empty new one, not stored yet)."""
        if not conversation_id:
            return view_of(None)
        return view_of(self.store.get(user, conversation_id))

    def show_turn(self, user: str, conversation_id: str | None, message_index: int) -> ChatView:
        """The conversation with the sources of the turn whose message was clicked."""
        if not conversation_id:
            return view_of(None)
        return view_of(self.store.get(user, conversation_id), message_index // 2)

    def rename(self, user: str, conversation_id: str | None, title: str) -> None:
        """Rename the open conversation."""
        if not conversation_id:
            raise InputError("请先打开一个对话")
        self.store.rename(user, conversation_id, title)

    def delete(self, user: str, conversation_id: str | None) -> None:
        """Delete the open conversation."""
        if not conversation_id:
            raise InputError("请先打开一个对话")
        self.store.delete(user, conversation_id)

    def ask(
        self,
        user: str,
        conversation_id: str | None,
        question: str,
        mode_label: str,
        org: str | None = None,
        year: str | None = None,
        genre: str | None = None,
        strict: bool | None = None,
        skeleton_name: str | None = None,
        unit: str | None = None,
        generator: str | None = None,
    ) -> Iterator[ChatView]:
        """Add a turn: resolve the follow-up, check the filters, stream the answer, store it.
        ``generator``: the 生成方式 picked for this turn (default: the setting); 抽取式 uses
        no model for the follow-up either."""
        question = self._checked(question, mode_label)
        generator = check_choice(generator, self.ctx.unavailable())
        conv = self.store.get(user, conversation_id) if conversation_id else self.store.create(user)
        understood = make_resolver(self.ctx.chat(generator)).resolve(question, conv.turns)
        filters = filters_from(org, year, genre)
        options = (strict, skeleton_name, unit, generator)
        yield from self._answer(conv, None, question, understood, mode_label, filters, options)

    def regenerate(
        self,
        user: str,
        conversation_id: str | None,
        turn: int | None,
        understood: str,
        mode_label: str,
        org: str | None = None,
        year: str | None = None,
        genre: str | None = None,
        strict: bool | None = None,
        skeleton_name: str | None = None,
        unit: str | None = None,
        generator: str | None = None,
    ) -> Iterator[ChatView]:
        """Answer a turn again, from the 理解为 text as the drafter corrected it (with the
        生成方式 picked now)."""
        if not conversation_id:
            raise InputError("还没有可以重新生成的回答")
        conv = self.store.get(user, conversation_id)
        if not conv.turns:
            raise InputError("还没有可以重新生成的回答")
        position = turn if turn is not None and 0 <= turn < len(conv.turns) else len(conv.turns) - 1
        old = conv.turns[position]
        asked = self._checked(understood or old.asked, mode_label)
        generator = check_choice(generator, self.ctx.unavailable())
        options = (strict, skeleton_name, unit, generator)
        filters = filters_from(org, year, genre)
        yield from self._answer(conv, position, old.question, asked, mode_label, filters, options)

    def _checked(self, question: str, mode_label: str) -> str:
        from assistant.generation.service import check_question

        question = (question or "").strip()
        if not question:
            raise InputError("请先输入问题或起草要求。")
        check_question(question, self.ctx.settings)
        if mode_label not in MODES:
            raise ConfigError(f"未知模式：{mode_label}")
        if not index_exists(self.ctx.settings):
            raise InputError(EMPTY_LIBRARY)
        return question

    def _answer(
        self,
        conv: Conversation,
        position: int | None,
        question: str,
        understood: str,
        mode_label: str,
        filters: dict | None,
        options: tuple[bool | None, str | None, str | None, str | None],
    ) -> Iterator[ChatView]:
        """``options``: strict, skeleton name, unit, generator (as the tab's controls say)."""
        mode = MODES[mode_label]
        before = conv.turns[:position] if position is not None else list(conv.turns)
        after = conv.turns[position + 1 :] if position is not None else []
        shown = understood if understood != question else ""
        conflict = scope_conflict(understood, filters)
        if conflict is not None:
            turn = Turn(question, conflict, shown, mode, filters, SCOPE_LABEL)
        else:
            turn = None
            live = Turn(question, "", shown, mode, filters)
            yield ChatView(conv.id, messages_of(before, live) + messages_of(after))
            for event in self._events(understood, mode, filters, *options):
                if event.kind == "delta":
                    live.answer += event.text
                elif event.kind == "notice":
                    live.answer = ""  # after deltas: the model failed, its text is void
                elif event.kind == "progress":
                    live.notices = [event.text]
                elif event.kind == "done" and event.result is not None:
                    turn = Turn.from_result(
                        question, understood, in_order_of_use(event.result), filters
                    )
                    break
                else:
                    continue
                yield ChatView(conv.id, messages_of(before, live) + messages_of(after))
            if turn is None:
                return
        if position is None:
            self.store.add_turn(conv.user, conv.id, turn)
            position = len(conv.turns)
        else:
            self.store.replace_turn(conv.user, conv.id, position, turn)
        yield view_of(self.store.get(conv.user, conv.id), position)

    def _events(self, question, mode, filters, strict, skeleton_name, unit, generator):
        from prompts import skeleton

        headings = (
            skeleton(skeleton_name) if skeleton_name and skeleton_name != NO_SKELETON else None
        )
        return self.ctx.generate(
            question,
            mode=mode,
            filters=filters,
            strict=strict,
            skeleton=headings if mode != "answer" else None,
            drafter_org=(unit or "").strip() or None,
            generator=generator,
        )
