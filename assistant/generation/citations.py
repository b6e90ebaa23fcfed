"""Checking the citations of a generated text.

1. Find every marker: ``[n]``, ``[n,m]`` / ``[n、m]`` / ``[n, m]``, ``[n][m]``, full-width ``［n］``.
2. Numbers that name no given source are removed (a marker left empty disappears) and
   reported; the rest are rewritten in ASCII form (``[1][2]`` stays, ``［1，2］`` → ``[1, 2]``).
3. Split the text into sentences (``index.chunking.split_sentences``); markers written right
   after an end mark (``……。[1]``) belong to the sentence before them. Sentences without a
   marker are reported, except headings (一、 （一） 1. （1） #, or 【…】 group labels),
   empty lines and the plain "资料中没有相关内容" refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.chunking import split_sentences

CITATION_RE = re.compile(r"[\[［]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]］]")
_NUM_SPLIT_RE = re.compile(r"\s*[,，、]\s*")
LEADING_CITATIONS_RE = re.compile(r"^(?:\s*[\[［]\s*\d+(?:\s*[,，、]\s*\d+)*\s*[\]］])+")
_HEADING_RE = re.compile(
    r"^\s*(?:#+\s|[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百]+[）)]|\d+[.．、]|[（(]\d+[）)])"
)
_HEADING_END_MARKS = "。！？；!?;"
REFUSAL = "资料中没有相关内容"


@dataclass
class CheckedText:
    """A text after its citations were checked."""

    text: str
    cited: list[int]  # numbers used, in order of first use
    removed: list[int]  # unknown numbers stripped, in order of appearance
    uncited_sentences: list[str]


def check_citations(text: str, valid: set[int] | list[int]) -> CheckedText:
    """Strip unknown ``[n]`` from ``text`` and list its uncited sentences."""
    valid = set(valid)
    removed: list[int] = []
    cited: list[int] = []

    # 1-2. rewrite every marker keeping only valid numbers
    def fix(match: re.Match) -> str:
        numbers = [int(x) for x in _NUM_SPLIT_RE.split(match.group(1))]
        keep = []
        for n in numbers:
            if n in valid:
                if n not in keep:
                    keep.append(n)
                if n not in cited:
                    cited.append(n)
            else:
                removed.append(n)
        return f"[{', '.join(map(str, keep))}]" if keep else ""

    checked = CITATION_RE.sub(fix, text)
    # 3. uncited sentences
    prose = "\n".join(line for line in checked.splitlines() if not _is_heading(line))
    uncited = [s for s, numbers in cited_sentences(prose) if not numbers and not _exempt(s)]
    return CheckedText(checked, cited, removed, uncited)


def citation_numbers(text: str) -> list[int]:
    """Every number cited in ``text``, in order of appearance (repeats kept)."""
    return [int(x) for m in CITATION_RE.finditer(text) for x in _NUM_SPLIT_RE.split(m.group(1))]


def cited_sentences(text: str) -> list[tuple[str, list[int]]]:
    """(sentence without markers, its citation numbers) for each sentence of ``text``."""
    out: list[tuple[str, list[int]]] = []
    for line in text.splitlines():
        pending: list[tuple[str, list[int]]] = []
        for a, b in split_sentences(line):
            piece = line[a:b]
            lead = LEADING_CITATIONS_RE.match(piece)
            if lead and pending:  # "……。[1]" — the marker closes the previous sentence
                pending[-1][1].extend(citation_numbers(lead.group()))
                piece = piece[lead.end() :]
            numbers = citation_numbers(piece)
            bare = CITATION_RE.sub("", piece).strip()
            if bare:
                pending.append((bare, numbers))
            elif pending:
                pending[-1][1].extend(numbers)
        out.extend(pending)
    return out


def _is_heading(line: str) -> bool:
    """A whole line that is a heading or a 【…】 label (no sentence end inside, 【】 aside)."""
    s = line.strip()
    if s.startswith("【") and s.endswith("】"):
        return True
    return bool(_HEADING_RE.match(s)) and not any(m in s for m in _HEADING_END_MARKS)


def _exempt(sentence: str) -> bool:
    s = sentence.strip()
    return not s or s.strip("。.") == REFUSAL or _is_heading(s)
