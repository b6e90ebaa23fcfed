"""The 公文 outline of a report: its title and numbered headings, with offsets.

Rules (why each one exists is noted where it is applied):

* Only a line's start can open a heading; a marker in the middle of a line ("一是…",
  "…如下：1.…") never does.
* Levels: 1 = ``一、`` / ``第一部分`` / ``第一章``, 2 = ``（一）`` / ``(一)``,
  3 = ``1.`` / ``1、`` / ``１．``, 4 = ``（1）`` / ``(1)`` / ``①``.  Full- and half-width
  brackets, digits and dots are all accepted.
* A heading is either the whole line (short, no sentence-ending punctuation) or a run-in
  heading: the line's first sentence, up to the first 。！？, followed by body text on the
  same line.  Only that first sentence is the heading.  A heading longer than
  ``MAX_HEADING_CHARS`` is a numbered paragraph, not a heading.
* Numbers must follow in sequence at each level: the first item under a parent is 1,
  each next one is the previous + 1 (a whole-line heading may skip one number, which
  happens in real drafts); a ``1`` restarts the count.  So "3." out of nowhere is rejected.
* A line ending in ， ； 、 or ：is an item of a list inside a paragraph, not a heading.
* The title is found or derived by ``index.titles`` (a plausible file title wins).
* Unnumbered headings: when a document has no level-1 (``一、``) heading, a short line
  without punctuation that sits between two paragraphs is a level-1 heading, provided
  there are at least two of them (a single such line is more likely a caption).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from core.normalize import ZERO_WIDTH
from core.numerals import CN_DIGITS
from index.titles import derive_title, find_title, one_line
from index.types import Section

MAX_HEADING_CHARS = 60
MAX_TITLE_CHARS = 60
UNNUMBERED_MAX_CHARS = 40


_CN = "一二三四五六七八九十"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_DIG = "0-9０-９"

# Each pattern captures the number; group(0) is the marker.
_MARKERS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"第([{_CN}]+)(?:部分|章)[\s、，,：:]*")),
    (1, re.compile(rf"([{_CN}]+)\s*、")),
    (2, re.compile(rf"[（(]\s*([{_CN}]+)\s*[）)]\s*")),
    # "1.5亿" is a number, not a heading: the dot must not be followed by a digit.
    (3, re.compile(rf"([{_DIG}]{{1,2}})\s*(?:[.．](?![{_DIG}])|、)\s*")),
    (4, re.compile(rf"[（(]\s*([{_DIG}]{{1,2}})\s*[）)]\s*")),
    (4, re.compile(rf"([{_CIRCLED}])\s*")),
]

_SENTENCE_END = "。！？!?"
_LIST_ITEM_END = "，,；;、：:"
_ANY_PUNCT_RE = re.compile(r"[。！？!?；;：:，,、]")
_PARAGRAPH_MARK_RE = re.compile(r"[。！？!?；;]")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_STRIP = " \t\r\f\v\u3000\xa0" + ZERO_WIDTH
_GENERIC_HINT_RE = re.compile(
    r"(?i)^(?:untitled|document\d*|无标题|新建.*文档|文档\d*|microsoft word.*|[0-9a-f_\-. ]+)$"
)
_HINT_SPLIT_RE = re.compile(r"\s+[-–—|｜]\s+|_|｜|\|")


@dataclass
class Outline:
    """A report's title and its headings in document order."""

    title: str
    sections: list[Section] = field(default_factory=list)
    # "hint" (the file's own title), "text" (stated in the text) or "derived" (none stated).
    title_source: str = "text"


@dataclass
class _Line:
    start: int  # offset of the first non-blank character
    text: str  # the line without leading/trailing blanks


def _lines(text: str) -> Iterator[_Line]:
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.lstrip(_STRIP)
        yield _Line(pos + len(raw) - len(stripped), stripped.rstrip(_STRIP))
        pos += len(raw) + 1


def _number(token: str) -> int:
    """Value of a heading number: Arabic (either width), Chinese up to 99, or circled."""
    if token in _CIRCLED:
        return _CIRCLED.index(token) + 1
    folded = token.translate({cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)})
    if folded.isdigit():
        return int(folded)
    if "十" in token:
        tens, _, units = token.partition("十")
        return CN_DIGITS.get(tens, 1) * 10 + CN_DIGITS.get(units, 0)
    return CN_DIGITS.get(token, 0) if len(token) == 1 else 0


def _is_paragraph(line: str) -> bool:
    return bool(_PARAGRAPH_MARK_RE.search(line)) or len(line) > UNNUMBERED_MAX_CHARS


@dataclass
class _Candidate:
    level: int
    number: int
    heading: str
    whole_line: bool


def _match_heading(line: str) -> _Candidate | None:
    """The heading a line opens, by its marker and shape, before any sequence check."""
    for level, pattern in _MARKERS:
        m = pattern.match(line)
        if not m:
            continue
        number = _number(m.group(1))
        rest = line[m.end() :]
        if number <= 0 or not rest:
            return None
        cut = next((i for i, ch in enumerate(rest) if ch in _SENTENCE_END), None)
        if cut is None:
            # Whole-line heading: short and not an item of a running list.
            if len(line) > MAX_HEADING_CHARS or line[-1] in _LIST_ITEM_END:
                return None
            return _Candidate(level, number, line, True)
        heading = line[: m.end() + cut]
        if len(heading) > MAX_HEADING_CHARS or heading[-1] in _LIST_ITEM_END:
            return None
        return _Candidate(level, number, heading, m.end() + cut + 1 >= len(line.rstrip("”’")))
    return None


def _numbered_sections(lines: list[_Line]) -> list[tuple[int, _Line, str]]:
    """Accepted numbered headings as (level, line, heading), in sequence order."""
    expected = {level: 1 for level in range(1, 5)}
    found: list[tuple[int, _Line, str]] = []
    for line in lines:
        cand = _match_heading(line.text) if line.text else None
        if cand is None:
            continue
        want = expected[cand.level]
        in_sequence = cand.number in (want, 1) or (cand.whole_line and cand.number == want + 1)
        if not in_sequence:
            continue
        expected[cand.level] = cand.number + 1
        for deeper in range(cand.level + 1, 5):
            expected[deeper] = 1
        found.append((cand.level, line, cand.heading))
    return found


def _unnumbered_sections(lines: list[_Line]) -> list[tuple[int, _Line, str]]:
    """Short unpunctuated lines between paragraphs, as level-1 headings (see module doc)."""
    body = [ln for ln in lines if ln.text]
    found = []
    for i in range(1, len(body) - 1):
        text = body[i].text
        if (
            2 <= len(text) <= UNNUMBERED_MAX_CHARS
            and not _ANY_PUNCT_RE.search(text)
            and _CJK_RE.search(text)
            and _is_paragraph(body[i - 1].text)
            and _is_paragraph(body[i + 1].text)
            and _match_heading(text) is None
        ):
            found.append((1, body[i], text))
    return found if len(found) >= 2 else []


def _plausible_hint(hint: str | None) -> str | None:
    if not hint:
        return None
    parts = [p.strip(_STRIP) for p in _HINT_SPLIT_RE.split(hint.strip(_STRIP))]
    parts = [p for p in parts if len(p) >= 2]
    if not parts:
        return None
    best = next((p for p in parts if _CJK_RE.search(p)), parts[0])
    if len(best) > MAX_TITLE_CHARS or "。" in best or _GENERIC_HINT_RE.match(best):
        return None
    return best


def parse_outline(text: str, title_hint: str | None = None) -> Outline:
    """Title and headings of ``text``; section offsets index into ``text`` itself."""
    lines = list(_lines(text))
    hint = _plausible_hint(title_hint)
    stated = None if hint else find_title(text)
    title = one_line(hint) if hint else stated or derive_title(text)
    source = "hint" if hint else ("text" if stated else "derived")
    found = _numbered_sections(lines)
    if not any(level == 1 for level, _, _ in found):
        found = sorted(found + _unnumbered_sections(lines), key=lambda f: f[1].start)
    sections: list[Section] = []
    for i, (level, line, heading) in enumerate(found):
        end = next((f[1].start for f in found[i + 1 :] if f[0] <= level), len(text))
        sections.append(Section(level=level, heading=heading, start=line.start, end=end))
    return Outline(title=title, sections=sections, title_source=source)


def section_path_for(sections: list[Section], offset: int) -> str:
    """Headings enclosing ``offset``, outermost first, joined by " > " ("" before any)."""
    enclosing = [s for s in sections if s.start <= offset < s.end]
    enclosing.sort(key=lambda s: (s.start, s.level))
    return " > ".join(s.heading for s in enclosing)


def section_path(outline: Outline, offset: int) -> str:
    """``section_path_for`` on an :class:`Outline`."""
    return section_path_for(outline.sections, offset)
