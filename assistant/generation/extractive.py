"""Extractive answers and drafts: the best source sentences, each followed by its [n].

Used when no language model is configured or the model fails. Deterministic.

1. Split each source into sentences (``index.chunking.split_sentences``), keeping whole
   sentences only (closed by an end mark: headings and cut-off fragments have none).
2. Score each against the query: the share of the query's character bigrams (on
   ``core.normalize.normalize`` text, question words removed) that the sentence contains,
   plus a small bonus for the passage's retrieval rank, a bonus when the question asks for
   a count (「多少名」) and the sentence states one in that measure word (and, in ``suggest``
   mode, a bonus for wording of practice and measures; a sentence that only states a problem
   is left out: it is nothing to 借鉴).
3. MMR over sentences (bigram Jaccard as redundancy) picks the few best, non-repeating ones.
4. Group them by source (title · section path), in source order inside a group, each
   sentence verbatim (``[n]``-like markers neutralised) followed by ``[n]``.

Outlines: ``propose_outline`` turns the sources' section paths into 一、/（一） headings;
the service fills each heading with ``select_sentences`` over that heading's own retrieval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.generation.prompt_sources import neutralise
from assistant.generation.types import Citation
from core.normalize import char_bigrams, normalize, to_simplified
from index.chunking import split_sentences

NO_CONTENT = "资料中没有相关内容。"
_QUESTION_WORDS = re.compile(
    r"请问|什么|多少|哪些|哪个|哪里|如何|怎么|怎样|是否|有没有|为什么|吗|呢"
)
_NOISE_RE = re.compile(r"[\W_]+")
_HEADING_RE = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百]+[）)]|\d+[.．、]|[（(]\d+[）)])"
)
_SUGGEST_CUES = (
    "建议",
    "下一步",
    "今后",
    "应当",
    "着力",
    "加强",
    "完善",
    "健全",
    "强化",
    "推动",
    "建立",
    "机制",
    "做法",
    "经验",
)
_PROBLEM_CUES = ("不足", "欠缺", "落后", "不够", "薄弱", "缺乏", "问题")
MIN_SENTENCE_CHARS = 8
_END_MARKS = "。！？；…!?;"
_CLOSERS = "”’」』）)】》〉\"'"
MAX_SENTENCES = {"answer": 4, "summary": 8, "suggest": 5, "outline": 3}
MIN_RELEVANCE = 0.15
_SECTION_NUMBER_RE = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百]+[）)]|\d+[.．、]|[（(]\d+[）)])\s*"
)
CN_NUMERALS = "一二三四五六七八九十"
GENERIC_OUTLINE = ("基本情况", "主要做法和成效", "存在的问题", "下一步工作打算")


@dataclass
class Sentence:
    """One candidate sentence: its text, source number, place in the passage, score."""

    text: str
    n: int
    position: int
    score: float
    citation: Citation


def query_bigrams(query: str) -> set[str]:
    return char_bigrams(_QUESTION_WORDS.sub(" ", normalize(query)))


# 「有多少名」「几个」: the question asks for a count in that measure word.
_ASKED_COUNT_RE = re.compile(r"(?:多少|几)\s*([个名人项次家户套件条场所座支篇期万亿元])")
COUNT_GAIN = 0.25


def problem_only(text: str) -> bool:
    """The text states a problem (不足, 薄弱 …) and no practice or measure: nothing to 借鉴."""
    return any(cue in text for cue in _PROBLEM_CUES) and not any(
        cue in text for cue in _SUGGEST_CUES
    )


def asked_measure(query: str) -> str | None:
    """The measure word of a count the question asks for (「多少名」 → 名), or ``None``."""
    m = _ASKED_COUNT_RE.search(normalize(query))
    return m.group(1) if m else None


def states_count(sentence: str, measure: str) -> bool:
    """The sentence gives a number in ``measure`` (「485名」「四十八个」「1.2万户」)."""
    return bool(
        re.search(rf"[\d〇零一二三四五六七八九十百千两]+(?:\.\d+)?\s*[万亿]?{measure}", sentence)
    )


def candidate_sentences(
    query: str,
    citations: list[Citation],
    *,
    mode: str = "answer",
    exclude: set[str] | None = None,
    min_relevance: float = MIN_RELEVANCE,
) -> list[Sentence]:
    """Every usable sentence of ``citations``, scored against ``query``, best first.

    With ``min_relevance`` 0 every sentence qualifies (for sources already known to be on
    topic, such as the passages of the section being filled).
    """
    q = query_bigrams(query)
    measure = asked_measure(query)
    exclude = exclude or set()
    out: list[Sentence] = []
    for rank, c in enumerate(citations, start=1):
        text = c.hit.text
        for pos, (a, b) in enumerate(split_sentences(text)):
            s = neutralise(text[a:b])
            if not _is_prose(s) or s in exclude or is_instruction(s):
                continue
            shared = len(q & char_bigrams(s))
            relevance = shared / len(q) if q else 0.0
            if min_relevance > 0 and (shared < min(2, len(q)) or relevance < min_relevance):
                continue
            score = relevance + 0.1 / rank
            if measure and states_count(s, measure):  # asked 「多少名」: a sentence that counts
                score += COUNT_GAIN
            if mode == "suggest":  # practices to build on, never a problem found
                if problem_only(s):
                    continue  # 「……还显不足」 is no 建议借鉴
                score += 0.15 * any(cue in s for cue in _SUGGEST_CUES)
            out.append(Sentence(s, c.n, pos, score, c))
    out.sort(key=lambda x: (-x.score, x.n, x.position))
    return out


def select_sentences(
    query: str,
    citations: list[Citation],
    *,
    mode: str = "answer",
    limit: int | None = None,
    exclude: set[str] | None = None,
    min_relevance: float = MIN_RELEVANCE,
    lambda_: float = 0.7,
) -> list[Sentence]:
    """MMR over the candidate sentences: up to ``limit`` relevant, non-repeating ones."""
    pool = candidate_sentences(
        query, citations, mode=mode, exclude=exclude, min_relevance=min_relevance
    )
    limit = limit if limit is not None else MAX_SENTENCES.get(mode, 4)
    grams = {id(s): char_bigrams(s.text) for s in pool}
    chosen: list[Sentence] = []
    while pool and len(chosen) < limit:
        best, best_val = None, float("-inf")
        for s in pool:
            sim = max((_jaccard(grams[id(s)], grams[id(c)]) for c in chosen), default=0.0)
            val = lambda_ * s.score - (1 - lambda_) * sim
            if val > best_val:
                best, best_val = s, val
        pool.remove(best)
        if max((_jaccard(grams[id(best)], grams[id(c)]) for c in chosen), default=0.0) < 0.8:
            chosen.append(best)
    return chosen


def format_grouped(sentences: list[Sentence], *, mode: str = "answer") -> str:
    """Sentences grouped under 【标题 · 章节】 labels, each followed by its ``[n]``."""
    if not sentences:
        return NO_CONTENT
    groups: dict[tuple[str, str], list[Sentence]] = {}
    for s in sentences:  # groups ordered by their best sentence
        groups.setdefault((s.citation.hit.title, s.citation.hit.section_path), []).append(s)
    blocks = []
    for (title, section), members in groups.items():
        label = " · ".join(p for p in (title, section) if p) or "资料"
        members.sort(key=lambda s: (s.n, s.position))
        if mode == "suggest":
            body = "\n".join(f"建议借鉴：{s.text}[{s.n}]" for s in members)
        else:
            body = "".join(f"{s.text}[{s.n}]" for s in members)
        blocks.append(f"【{neutralise(label)}】\n{body}")
    return "\n\n".join(blocks)


def extractive_answer(question: str, citations: list[Citation], mode: str = "answer") -> str:
    """An answer, summary or list of suggestions made of cited source sentences."""
    return format_grouped(select_sentences(question, citations, mode=mode), mode=mode)


@dataclass
class OutlineSection:
    """A proposed 一、 heading with its （一） subheadings (plain text, no numbering)."""

    heading: str
    subheadings: list[str]


def strip_number(heading: str) -> str:
    """A heading without its 一、 / （一） / 1. numbering."""
    return _SECTION_NUMBER_RE.sub("", heading).strip()


def propose_outline(
    citations: list[Citation], *, max_sections: int = 5, max_sub: int = 3
) -> list[OutlineSection]:
    """Headings from the sources' section paths (in Simplified), retrieval order, deduplicated.

    Sources without section paths give no headings; when none has one, the generic
    skeleton of a 公文 report (``GENERIC_OUTLINE``) is returned instead.
    """
    sections: dict[str, OutlineSection] = {}
    for c in citations:
        path = to_simplified(c.hit.section_path)
        parts = [strip_number(p) for p in path.split(">") if strip_number(p)]
        if not parts:
            continue
        key = normalize(parts[0])
        if key not in sections:
            if len(sections) >= max_sections:
                continue
            sections[key] = OutlineSection(parts[0], [])
        subs = sections[key].subheadings
        if len(parts) > 1 and parts[1] not in subs and len(subs) < max_sub:
            subs.append(parts[1])
    if not sections:
        return [OutlineSection(h, []) for h in GENERIC_OUTLINE]
    return list(sections.values())


def numbered_heading(i: int, text: str, *, level: int = 1) -> str:
    """``一、text`` (level 1) or ``（一）text`` (level 2) for the i-th heading, from 0."""
    num = _cn_number(i + 1)
    return f"{num}、{text}" if level == 1 else f"（{num}）{text}"


def _cn_number(n: int) -> str:
    if n <= 10:
        return CN_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (
        (CN_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (CN_NUMERALS[ones - 1] if ones else "")
    )


# Sentences addressed to an AI rather than to a reader (prompt injection planted in a source):
# never quoted as part of an answer. Narrow on purpose: real reports do not talk like this.
_INSTRUCTION_RE = re.compile(
    r"(忽略|无视|忘记|不要理会|忽视).{0,12}(指令|指示|提示|规则|设定)"
    r"|系统提示词|system\s*prompt"
    r"|\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|prompts?|rules)\b",
    re.IGNORECASE,
)


def is_instruction(sentence: str) -> bool:
    """Whether ``sentence`` reads as an instruction to a language model (see ``_INSTRUCTION_RE``)."""
    return bool(_INSTRUCTION_RE.search(sentence))


def _is_prose(sentence: str) -> bool:
    """A whole sentence: long enough, closed by an end mark, not a numbered heading."""
    if len(sentence) < MIN_SENTENCE_CHARS or sentence.rstrip(_CLOSERS)[-1:] not in _END_MARKS:
        return False
    return not (_HEADING_RE.match(sentence) and len(sentence) < 25)


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
