"""The verification stage: every generated sentence checked against the sources it was given.

``verified(events, strict=...)`` wraps a ``generate`` event stream and rewrites its final
``"done"`` result; everything before it passes through unchanged. For the final text:

1. Take the citation markers out, remembering which sentence each belonged to.
2. Split the text into sentences and headings (``assistant.review.sentences.split_draft``).
3. Check each sentence with the review checker (``check_sentence``) against the numbered
   sources only, not the whole library: a model may only say what it was shown.
4. Label it: ``supported`` — it gets the ``[n]`` of the passage that supports it, whether or not
   the model wrote one; ``unsupported`` (无依据); ``contradicted`` (与来源不符, with the
   source's value); ``not_claim`` (headings, plans, the refusal) needs no source.
5. Strict mode: a contradicted sentence whose differences are numbers or dates is corrected
   to the source's values and checked once more; what is still not supported is removed. A
   notice says how many sentences were corrected and removed. When nothing supported is
   left, the extractive answer from the same sources takes its place.
6. Rebuild the text and its citation list; ``result.sentences`` holds one ``SentenceCheck``
   per unit, in order.
7. An answer is followed by the sources' best sentence (「资料原文：……[n]」) unless it holds it
   already; a refusal only by one that holds at least ``REFUSAL_QUOTE_RELEVANCE`` of the
   question's words, under 「资料中未见直接回答，相关资料原文（供参考）：」.

A source is checked with its part of the outline and its byline (``document_context``), which
the model may have been shown beside its windows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from assistant.generation.citations import CITATION_RE, REFUSAL, check_citations, citation_numbers
from assistant.generation.evidence import document_context
from assistant.generation.types import AnswerResult, Event, SentenceCheck
from assistant.retrieval.base import Hit
from assistant.review.checker import check_sentence
from assistant.review.sentences import split_draft
from core.normalize import to_simplified

_END_MARKS = "。！？；!?;…"
_FIXABLE = {"number", "percent", "date"}
_MD_HEADING_RE = re.compile(r"^\s*#{1,6}\s*|\*\*")
_FENCE_RE = re.compile(
    r"(?:<<<|〈〈〈)\s*资料[^\n]*|资料\s*(?:[\[［]\s*\d+\s*[\]］])?\s*结束\s*(?:>>>|〉〉〉)?"
)
# What is left of a line like 「资料 [1]、[2]、[3]」 once its markers are out.
_SOURCE_LIST_RE = re.compile(r"(?:资料|来源|参考资料)?[\s、，,：:；;。]*")
# 「根据资料[3]，」「据资料显示，」: a lead-in about the sources, not part of the answer.
_LEAD_IN_RE = re.compile(
    r"(?:(?<=^)|(?<=[\n。！？；]))\s*(?:根据|据|依据)(?:上述|以上)?资料(?:\s*[\[［]\s*\d+\s*[\]］])*"
    r"(?:显示|所述|来看)?\s*[，,：:]"
)
# The prompt's own scaffolding a small model copies after its answer: 「问题：……？」「要求：」.
_ECHO_RE = re.compile(r"^\s*(?:问题\s*[:：].*[?？]|要求\s*[:：])\s*$")
QUOTE_LEAD = "资料原文："
MATERIAL_LEAD = "【资料摘录】"  # a section strict mode emptied, filled with source sentences
_SECTION_RE = re.compile(r"^[一二三四五六七八九十]+、")
REFUSAL_QUOTE_LEAD = "资料中未见直接回答，相关资料原文（供参考）："
REFUSAL_QUOTE_RELEVANCE = 0.3  # share of the question's bigrams a quote after a refusal holds
QUOTE_REASON = "资料原文"  # the reason of a quoted source sentence's check
LABEL_ZH = {
    "supported": "有依据",
    "unsupported": "无依据",
    "contradicted": "与来源不符",
    "not_claim": "无需核对",
}


class SourcesRetriever:
    """A ``Retriever`` over a fixed list of passages: the sources a text was written from."""

    def __init__(self, hits: list[Hit]):
        self.hits = hits

    def retrieve(self, query: str, k: int = 5, filters: dict | None = None) -> list[Hit]:
        """Every given passage (the checker picks the best window among them)."""
        return list(self.hits)


def verified(events: Iterator[Event], *, strict: bool) -> Iterator[Event]:
    """``events`` with the ``"done"`` result checked sentence by sentence (module docstring)."""
    for event in events:
        if event.kind == "done" and event.result is not None:
            yield Event("done", result=verify_result(event.result, strict=strict))
        else:
            yield event


def verify_result(result: AnswerResult, *, strict: bool) -> AnswerResult:
    """``result`` with its text checked, cited by the verifier and (strict) cleaned."""
    if not result.sources or not result.text.strip():
        return result
    text, checks, fixed, removed = _check_text(result, result.text, strict=strict)
    notices = list(result.notices)
    if strict and (fixed or removed):
        notices.append(
            f"严格模式：已删除 {removed} 句无依据或与来源不符的内容，已按来源更正 {fixed} 句"
        )
    if strict and removed and not any(c.label == "supported" for c in checks):
        return _extractive_instead(result, notices)
    if strict and removed and result.mode != "answer":
        filled, n_filled = _fill_empty_sections(result, text)
        if n_filled:
            notices.append(f"严格模式删除后有 {n_filled} 个部分没有内容，已改为资料原文摘录")
            text, checks, _, _ = _check_text(result, filled, strict=False)
    if not result.extractive:
        text, checks = _with_quotes(result, text, checks)
    return _finish(result, text, checks, notices)


def _with_quotes(
    result: AnswerResult, text: str, checks: list[SentenceCheck]
) -> tuple[str, list[SentenceCheck]]:
    """A model's answer is followed by the sources' best sentence, quoted, unless the answer
    already holds it: the exact wording a drafter copies, and the asked fact when a small model
    restated the question or strict mode removed what it told wrongly."""
    from assistant.generation.extractive import MIN_RELEVANCE, select_sentences

    refused = REFUSAL in text and not any(c.label == "supported" for c in checks)
    if result.mode != "answer":
        return text, checks
    shown = set(text)
    # A refusal stays a refusal; a source sentence holding a good share of the question's
    # words follows it, labelled as no answer (a 1.5B model refuses some questions its sources
    # answer; an unrelated question gets nothing).
    relevance = REFUSAL_QUOTE_RELEVANCE if refused else MIN_RELEVANCE
    picked = [
        s
        for s in select_sentences(
            result.question, result.sources, mode="answer", limit=2, min_relevance=relevance
        )
        if s.text not in text and len(set(s.text) - shown) > 4
    ][:1]
    if not picked:
        return text, checks
    # Quoted in Simplified, the draft's script (the 来源 panel keeps the passage as written).
    quote = _quoted(picked)
    quoted = [
        SentenceCheck(
            to_simplified(f"{s.text.rstrip('。；;')}。"),
            "supported",
            s.n,
            [s.n],
            reason=QUOTE_REASON,
        )
        for s in picked
    ]
    lead = REFUSAL_QUOTE_LEAD if refused else QUOTE_LEAD
    return f"{text}\n\n{lead}{quote}", checks + quoted


def _quoted(picked) -> str:
    """Source sentences as cited quotations, ``……[n]。``, in Simplified."""
    return to_simplified("".join(f"{s.text.rstrip('。；;')}[{s.n}]。" for s in picked))


def _finish(
    result: AnswerResult, text: str, checks: list[SentenceCheck], notices: list[str], **extra
) -> AnswerResult:
    checked = check_citations(text, {c.n for c in result.sources})
    return replace(
        result,
        text=checked.text,
        cited=checked.cited,
        notices=notices,
        uncited_sentences=[c.text for c in checks if c.label == "unsupported"],
        sentences=checks,
        verified=True,
        **extra,
    )


def _check_text(
    result: AnswerResult, text: str, *, strict: bool
) -> tuple[str, list[SentenceCheck], int, int]:
    """Steps 1–6 on ``text``: the rebuilt text, its checks, how many fixed and removed."""
    by_chunk = {c.hit.chunk_id: c.n for c in result.sources}
    # a source's outline and byline reached the model with its windows: they are its text too
    retriever = SourcesRetriever(
        [replace(c.hit, text=document_context(c.hit) + c.hit.text) for c in result.sources]
    )
    clean, marks = _take_markers(_scrub(text))
    pieces: list[str] = []
    checks: list[SentenceCheck] = []
    fixed = removed = 0
    pos = 0
    for unit in split_draft(clean):
        pieces.append(clean[pos : unit.start])
        pos = unit.end
        written = sorted({n for at, n in marks if unit.start < at <= unit.end})
        heading = unit.heading or _label_line(clean, unit.start)
        check = _check(unit.text, heading, written, retriever, by_chunk, result.question)
        if strict and check.label == "contradicted" and _fixable(check):
            corrected = _correct(unit.text, check)
            again = _check(corrected, False, written, retriever, by_chunk, result.question)
            if again.label == "supported":
                again.reason = f"已按来源更正：{check.reason}"
                check = again
                fixed += 1
        if strict and check.label in ("unsupported", "contradicted"):
            removed += 1
            continue
        pieces.append(_with_citation(check))
        checks.append(check)
    pieces.append(clean[pos:])
    pieces = [p for p in pieces if not (p.strip() and _SOURCE_LIST_RE.fullmatch(p.strip()))]
    checks = [
        c for c in checks if not (c.text.strip() and _SOURCE_LIST_RE.fullmatch(c.text.strip()))
    ]
    if any(c.label == "supported" for c in checks):
        # A small model appends the refusal to an answer it just gave: the refusal goes.
        pieces = [p for p in pieces if REFUSAL not in p]
        checks = [c for c in checks if REFUSAL not in c.text]
    return _tidy("".join(pieces)), checks, fixed, removed


def _label_line(text: str, at: int) -> bool:
    """Whether position ``at`` lies on a 【标题 · 章节】 label line (extractive material)."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    line = text[start : end if end >= 0 else len(text)].strip()
    return line.startswith("【") and line.endswith("】")


def _scrub(text: str) -> str:
    """Markdown heading marks, copied source fences, the prompt's 「问题：」「要求：」 lines and a
    section heading repeated on the next line go; so does a lead-in such as 「根据资料[1]，」. The text is made Simplified, the
    draft's script, whatever a Traditional source or question led the model to copy."""
    text = _FENCE_RE.sub("", _LEAD_IN_RE.sub("", to_simplified(text)))
    lines: list[str] = []
    for line in text.splitlines():
        line = _MD_HEADING_RE.sub("", line)
        if _ECHO_RE.match(line):
            continue
        if lines and line.strip() and line.strip() == _last_nonblank(lines):
            continue
        lines.append(line)
    return "\n".join(lines)


def _last_nonblank(lines: list[str]) -> str:
    return next((x.strip() for x in reversed(lines) if x.strip()), "")


def _take_markers(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text without ``[n]`` markers, and (position in that text, n) of each marker."""
    out: list[str] = []
    marks: list[tuple[int, int]] = []
    pos = length = 0
    for m in CITATION_RE.finditer(text):
        out.append(text[pos : m.start()])
        length += m.start() - pos
        # A marker right after an end mark belongs to the sentence before it.
        marks.extend((max(length, 1), n) for n in citation_numbers(m.group()))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), marks


def _check(
    sentence: str,
    heading: bool,
    written: list[int],
    retriever: SourcesRetriever,
    by_chunk: dict[str, int],
    question: str = "",
) -> SentenceCheck:
    bare = sentence.strip()
    if not bare.strip("…。.，, "):  # a bare "……" a model copied from trimmed sources
        return SentenceCheck("", "not_claim", None, [], reason="省略号")
    if heading or REFUSAL in bare:
        return SentenceCheck(sentence, "not_claim", None, written, reason="标题或无需核对")
    v = check_sentence(bare, retriever, k=len(retriever.hits), question=question, wide=False)
    n = by_chunk.get(v.hit.chunk_id) if v.hit is not None else None
    return SentenceCheck(
        sentence,
        v.label,
        n if v.label != "unsupported" else None,
        written,
        reason=v.reason,
        source_text=v.source_sentence,
        differences=list(v.differences),
    )


def _fixable(check: SentenceCheck) -> bool:
    return bool(check.differences) and all(
        kind in _FIXABLE and draft and source and draft in check.text
        for kind, draft, source in check.differences
    )


def _correct(sentence: str, check: SentenceCheck) -> str:
    for _, draft, source in check.differences:
        sentence = sentence.replace(draft, source, 1)
    return sentence


def _with_citation(check: SentenceCheck) -> str:
    """The sentence with the verifier's ``[n]`` before its end mark (none when unsupported)."""
    text = check.text
    if check.label == "not_claim":
        numbers = check.written
    elif check.label == "supported" and check.n is not None:
        numbers = [check.n]
    else:
        numbers = []
    if not numbers:
        return text
    marker = "".join(f"[{n}]" for n in numbers)
    stripped = text.rstrip()
    tail = text[len(stripped) :]
    end = len(stripped)
    while end and stripped[end - 1] in _END_MARKS:
        end -= 1
    if end == 0:
        return text
    return stripped[:end] + marker + stripped[end:] + tail


def _tidy(text: str) -> str:
    """Blank lines left by removed sentences collapse; trailing spaces go."""
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _fill_empty_sections(result: AnswerResult, text: str) -> tuple[str, int]:
    """A draft whose 一、 section lost every sentence to strict mode gets that section's best
    source sentences, marked 【资料摘录】, instead of a bare heading; how many were filled."""
    from assistant.generation.extractive import select_sentences

    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if _SECTION_RE.match(line.strip())]
    filled = 0
    for i, start in reversed(list(enumerate(starts))):
        end = starts[i + 1] if i + 1 < len(starts) else len(lines)
        body = "\n".join(lines[start + 1 : end])
        if CITATION_RE.search(body):
            continue
        heading = _SECTION_RE.sub("", lines[start].strip())
        picked = select_sentences(
            f"{result.question} {heading}", result.sources, mode="outline", limit=2
        )
        if not picked:
            continue
        lines[start + 1 : end] = [f"{MATERIAL_LEAD}{_quoted(picked)}", ""]
        filled += 1
    return "\n".join(lines).strip(), filled


def _extractive_instead(result: AnswerResult, notices: list[str]) -> AnswerResult:
    """The sources' own best sentences, cited, in place of a text nothing supports."""
    from assistant.generation.extractive import NO_CONTENT, select_sentences

    notices.append("生成的内容没有可核实的依据，以下改为资料原文摘录")
    picked = select_sentences(result.question, result.sources, mode=result.mode, limit=2)
    quoted = _quoted(picked) or NO_CONTENT
    text, checks, _, _ = _check_text(result, quoted, strict=False)
    return _finish(
        result,
        text,
        checks,
        notices,
        extractive=True,
        generator="extractive",
        generator_label="抽取式",
    )


__all__ = ["LABEL_ZH", "SourcesRetriever", "verified", "verify_result"]
