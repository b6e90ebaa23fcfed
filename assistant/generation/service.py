"""Answers and drafts with numbered, checked citations, streamed as events.

``generate`` for ``answer`` / ``summary`` / ``suggest``:
1. retrieve ``k`` passages for the question;
2. number them and fit them into the context budget; emit ``"sources"``;
3. stream the model's reply as ``"delta"`` events — or, without a model, or when the model
   fails at any point, a ``"notice"`` and the extractive answer in pieces;
4. check the citations of the final text and emit ``"done"``.

For ``outline``: retrieve for the topic and have the model write a 一、/（一） outline (not
streamed); then for each 一、 section retrieve again on "topic + heading", stream the heading
and the model's draft of that section from its own sources. Sources keep one numbering
across sections. Without a model the outline comes from the sources' section paths and
each section is filled with cited source sentences (``extractive.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.generation.chat import ChatModel
from assistant.generation.citations import check_citations
from assistant.generation.each_unit import answer_each_unit, asks_each_unit, unit_groups
from assistant.generation.evidence import fit_evidence
from assistant.generation.extractive import (
    NO_CONTENT,
    OutlineSection,
    extractive_answer,
    numbered_heading,
    propose_outline,
    select_sentences,
    strip_number,
)
from assistant.generation.prompt_sources import fit_sources
from assistant.generation.types import MODES, AnswerResult, Citation, Event
from assistant.retrieval.base import Hit, Retriever
from core.errors import ConfigError, InputError, LLMError, LLMTimeoutError
from core.normalize import normalize, to_simplified
from core.settings import Settings
from prompts import render

MAX_OUTLINE_SECTIONS = 6
NOTICE_NO_LLM = "未配置大模型，以下为抽取式回答"
NOTICE_TIMEOUT = "大模型服务超时，已改用抽取式回答"
NOTICE_NO_HITS = "资料库中没有检索到相关资料"
_TOP_RE = re.compile(r"^\s*[一二三四五六七八九十]+、\s*(\S.*)$")
_SUB_RE = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]\s*(\S.*)$")


def generate(
    question: str,
    *,
    mode: str,
    retriever: Retriever,
    chat: ChatModel | None,
    settings: Settings,
    filters: dict | None = None,
    k: int = 6,
    context_tokens: int | None = None,
    skeleton: list[str] | None = None,
) -> Iterator[Event]:
    """Stream an answer (``mode``: answer, summary, suggest, outline); the last event is "done".

    ``skeleton``: the 一、 headings of a 文种 (``prompts.skeleton``); a draft (summary, suggest,
    outline) then has exactly these sections, each written from its own retrieval."""
    if mode not in MODES:
        raise ConfigError(f"unknown generation mode {mode!r}; choose one of {', '.join(MODES)}")
    question = question.strip()
    if not question:
        raise ConfigError("问题不能为空 / the question is empty")
    check_question(question, settings)
    if k < 1:
        raise ConfigError(f"k must be at least 1, got {k}")
    budget = context_tokens or settings.llm_context_tokens
    run = _Run(question, mode, retriever, chat, filters, k, budget)
    run.evidence_budget = context_tokens or settings.llm_evidence_tokens
    run.drafter = settings.drafter_org
    run.skeleton = [OutlineSection(h, []) for h in skeleton] if skeleton else None
    sectioned = mode == "outline" or (run.skeleton is not None and mode != "answer")
    body = run.outline() if sectioned else run.single()
    yield from body
    yield run.done()


def check_question(question: str, settings: Settings) -> None:
    """Raise InputError when ``question`` (stripped) is longer than ``max_question_chars``.

    ``generate`` checks every question; the edges call this first too, so a pasted megabyte
    is refused before anything (time parsing, model loading) looks at it."""
    n = len(question.strip())
    if n > settings.max_question_chars:
        raise InputError(f"问题过长（{n} 字，上限 {settings.max_question_chars} 字），请精简后再问")


class _Run:
    """One generation: the numbered sources so far, the text streamed, the notices."""

    def __init__(self, question, mode, retriever, chat, filters, k, context_tokens):
        self.question = question
        self.mode = mode
        self.retriever = retriever
        self.chat = chat
        self.filters = filters
        self.k = k
        self.budget = context_tokens
        self.citations: list[Citation] = []
        self._by_chunk: dict[str, Citation] = {}
        self.parts: list[str] = []
        self.notices: list[str] = []
        self.extractive = chat is None
        self.evidence_budget = context_tokens
        self.query = question
        self.skeleton: list[OutlineSection] | None = None
        self.drafter: str | None = None

    @property
    def _evidence(self) -> bool:
        """A local model reads the best sentences of each source, not whole passages."""
        return getattr(self.chat, "kind", "") == "local"

    # -- sources -------------------------------------------------------------------------
    def _retrieve(self, query: str) -> list[Hit]:
        self.query = query
        return self._dedupe(self.retriever.retrieve(query, k=self.k, filters=self.filters))

    @staticmethod
    def _dedupe(hits: list[Hit]) -> list[Hit]:
        """``hits`` with each chunk once, in order."""
        first: dict[str, Hit] = {}
        for h in hits:
            first.setdefault(h.chunk_id, h)
        return list(first.values())

    def _number(
        self, hits: list[Hit], *, fit: bool, query: str | None = None, budget: int | None = None
    ) -> tuple[list[Citation], str, bool]:
        """Citations for ``hits`` (known chunks keep their number), the fenced block, and
        whether new sources were added. Only the prefix that fits the budget is kept, so new
        numbers stay consecutive. A local model's evidence is chosen for ``query`` within
        ``budget`` tokens (default: the last retrieval's query, the run's evidence budget)."""
        next_n = len(self.citations) + 1
        tentative = []
        for h in hits:
            known = self._by_chunk.get(h.chunk_id)
            if known is None:
                known = Citation(next_n, h)
                next_n += 1
            tentative.append(known)
        if fit and self._evidence:
            fitted = fit_evidence(
                query or self.query,
                tentative,
                budget or self.evidence_budget,
                mode=self.mode,
                first_new=len(self.citations) + 1,
            )
            kept, block = fitted.citations, fitted.text
        elif fit:
            fitted = fit_sources(tentative, self.budget)
            kept, block = fitted.citations, fitted.text
        else:
            kept, block = tentative, ""
        added = False
        for c in kept:
            if c.hit.chunk_id not in self._by_chunk:
                self._by_chunk[c.hit.chunk_id] = c
                self.citations.append(c)
                added = True
        return kept, block, added

    def _sources_event(self) -> Event:
        return Event("sources", sources=list(self.citations))

    # -- emitting ------------------------------------------------------------------------
    def _notice(self, text: str) -> Event:
        self.notices.append(text)
        return Event("notice", text=text)

    def _delta(self, text: str) -> Event:
        self.parts.append(text)
        return Event("delta", text=text)

    def _stream_text(self, text: str) -> Iterator[Event]:
        for line in text.splitlines(keepends=True):
            yield self._delta(line)

    def _fallback(self, exc: LLMError) -> Event:
        """The model failed: the streamed text is dropped; its fallback model (auto: endpoint →
        local model) or else the extractive answer follows."""
        self.parts = []
        failed = "大模型服务超时" if isinstance(exc, LLMTimeoutError) else "大模型服务出错"
        nxt = getattr(self.chat, "fallback", None)
        if nxt is not None:
            self.chat = nxt
            return self._notice(f"{failed}，已改用{nxt.label}（{exc}）")
        self.extractive = True
        self.chat = None
        if isinstance(exc, LLMTimeoutError):
            return self._notice(NOTICE_TIMEOUT)
        return self._notice(f"大模型服务出错，已改用抽取式回答（{exc}）")

    def _messages(self, template: str, **variables: str) -> list[dict[str, str]]:
        # The sources are shown in Simplified; a Traditional question is too, so the model
        # matches its words against theirs and answers in Simplified.
        for key in ("question", "topic"):
            if key in variables:
                variables[key] = to_simplified(variables[key])
        user = render(template, **variables)
        if self.drafter and self.mode != "answer":  # the drafter's own unit is the subject
            user += render("drafter", org=self.drafter)
        return [
            {"role": "system", "content": render("system")},
            {"role": "user", "content": user},
        ]

    def _stream_model(self, messages: list[dict[str, str]]) -> Iterator[Event]:
        got = False
        for piece in self.chat.stream(messages):
            got = got or bool(piece.strip())
            yield self._delta(piece)
        if not got:
            raise LLMError("大模型返回了空回答 / the model returned an empty reply")

    # -- answer, summary, suggest ---------------------------------------------------------
    def single(self) -> Iterator[Event]:
        kept, block, _ = self._number(self._retrieve(self.question), fit=True)
        if self.chat is None:
            yield self._notice(NOTICE_NO_LLM)
        yield self._sources_event()
        if not kept:
            yield self._notice(NOTICE_NO_HITS)
            yield from self._stream_text(NO_CONTENT)
            return
        while self.chat is not None:
            try:
                groups = unit_groups(self) if self._each_unit_asked else []
                if len(groups) >= 2:
                    yield from answer_each_unit(self, groups)
                else:
                    messages = self._messages(self.mode, question=self.question, sources=block)
                    yield from self._stream_model(messages)
                return
            except LLMError as exc:
                yield self._fallback(exc)
        # Material is quoted in Simplified: the draft it goes into is (the 来源 panel keeps
        # each passage as written).
        yield from self._stream_text(
            to_simplified(extractive_answer(self.question, kept, self.mode))
        )

    @property
    def _each_unit_asked(self) -> bool:
        return self._evidence and self.mode == "answer" and asks_each_unit(self.question)

    # -- outline -------------------------------------------------------------------------
    def outline(self) -> Iterator[Event]:
        topic_sources, block, _ = self._number(self._retrieve(self.question), fit=True)
        if self.chat is None:
            yield self._notice(NOTICE_NO_LLM)
        yield self._sources_event()
        if not topic_sources:
            yield self._notice(NOTICE_NO_HITS)
            yield from self._stream_text(NO_CONTENT)
            return
        while self.chat is not None:
            try:
                yield from self._outline_with_model(block)
                return
            except LLMError as exc:
                yield self._fallback(exc)
        yield from self._outline_extractive(topic_sources)

    def _outline_with_model(self, block: str) -> Iterator[Event]:
        if self.skeleton is not None:
            sections = self.skeleton
        else:
            reply = "".join(
                self.chat.stream(self._messages("outline", topic=self.question, sources=block))
            )
            sections = parse_outline(reply)[:MAX_OUTLINE_SECTIONS]
        if not sections:
            raise LLMError(
                "大模型未给出“一、”层次的提纲 / the model's outline has no 一、 headings"
            )
        plan = outline_text(sections)
        for i, sec in enumerate(sections):
            heading = numbered_heading(i, sec.heading)
            yield Event("progress", text=f"正在起草第 {i + 1}/{len(sections)} 部分：{sec.heading}")
            kept, sec_block, added = self._number(
                self._retrieve(f"{self.question} {sec.heading}"), fit=True
            )
            if added:
                yield self._sources_event()
            yield self._delta(f"{heading}\n")
            if not kept:
                yield self._delta(NO_CONTENT)
            else:
                subs = "、".join(
                    numbered_heading(j, s, level=2) for j, s in enumerate(sec.subheadings)
                )
                messages = self._messages(
                    "section",
                    topic=self.question,
                    outline=plan,
                    heading=heading,
                    subheadings=subs or "无",
                    sources=sec_block,
                )
                yield from self._stream_model(messages)
            yield self._delta("\n\n")

    def _outline_extractive(self, topic_sources: list[Citation]) -> Iterator[Event]:
        used: set[str] = set()
        for i, sec in enumerate(self.skeleton or propose_outline(topic_sources)):
            kept, _, added = self._number(
                self._retrieve(f"{self.question} {sec.heading}"), fit=False
            )
            if added:
                yield self._sources_event()
            lines = [numbered_heading(i, sec.heading)]
            if sec.subheadings:
                for j, sub in enumerate(sec.subheadings):
                    scoped = [c for c in kept if _under(sub, c)]
                    lines.append(numbered_heading(j, sub, level=2))
                    lines.append(
                        self._fill(f"{sec.heading} {sub}", scoped or kept, bool(scoped), 2, used)
                    )
            else:
                scoped = [c for c in kept if _under(sec.heading, c)]
                lines.append(
                    self._fill(
                        f"{self.question} {sec.heading}", scoped or kept, bool(scoped), 3, used
                    )
                )
            yield from self._stream_text(to_simplified("\n".join(lines) + "\n\n"))

    @staticmethod
    def _fill(
        query: str, citations: list[Citation], on_topic: bool, limit: int, used: set[str]
    ) -> str:
        picked = select_sentences(
            query,
            citations,
            mode="outline",
            limit=limit,
            exclude=used,
            min_relevance=0.0 if on_topic else 0.15,
        )
        used.update(s.text for s in picked)
        picked.sort(key=lambda s: (s.n, s.position))
        return "".join(f"{s.text}[{s.n}]" for s in picked) or NO_CONTENT

    # -- result --------------------------------------------------------------------------
    def done(self) -> Event:
        checked = check_citations("".join(self.parts).strip(), {c.n for c in self.citations})
        result = AnswerResult(
            mode=self.mode,
            text=checked.text,
            sources=list(self.citations),
            cited=checked.cited,
            extractive=self.extractive,
            notices=list(self.notices),
            removed_citations=checked.removed,
            uncited_sentences=checked.uncited_sentences,
            question=self.question,
            generator=getattr(self.chat, "kind", "endpoint") if self.chat else "extractive",
            generator_label=getattr(self.chat, "label", "大模型") if self.chat else "抽取式",
        )
        return Event("done", result=result)


def _under(heading: str, citation: Citation) -> bool:
    """Whether the source's section path contains ``heading`` (any script or width)."""
    return normalize(heading) in normalize(citation.hit.section_path)


def parse_outline(text: str) -> list[OutlineSection]:
    """一、 headings with the （一） headings under them, from a model's outline."""
    sections: list[OutlineSection] = []
    for line in text.splitlines():
        line = line.strip().strip("*#").strip()
        if m := _TOP_RE.match(line):
            sections.append(OutlineSection(strip_number(m.group(1)), []))
        elif (m := _SUB_RE.match(line)) and sections:
            sections[-1].subheadings.append(m.group(1).strip())
    return sections


def outline_text(sections: list[OutlineSection]) -> str:
    """The outline as numbered lines, 一、 then （一）."""
    lines = []
    for i, sec in enumerate(sections):
        lines.append(numbered_heading(i, sec.heading))
        lines.extend(numbered_heading(j, s, level=2) for j, s in enumerate(sec.subheadings))
    return "\n".join(lines)
