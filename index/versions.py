"""Versions and near-duplicates: a shortened, edited or re-encoded copy of a report.

1. Each document gets a MinHash signature (datasketch) of its character 5-grams, taken from
   the normalised text with whitespace and punctuation removed, so a GBK copy, a Traditional
   copy and a re-flowed copy of the same report shingle alike.
2. An LSH index over the signatures already stored proposes candidates (Jaccard ≥
   ``CANDIDATE_JACCARD``: low enough that a copy cut to half its length is still proposed).
3. A candidate is a version when most of the *shorter* text's 5-grams occur in the longer one
   (containment ≥ ``VERSION_CONTAINMENT``, computed exactly from both texts), and the two do
   not state different years: two years' reports of one unit share set phrases, they are a
   series (the time-aware stage handles it), not versions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from core.normalize import normalize

NUM_PERM = 128
SCHEME = "affine32"  # pinned: stored signatures stay comparable across datasketch releases
SHINGLE = 5
CANDIDATE_JACCARD = 0.3
VERSION_CONTAINMENT = 0.7
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


def shingles(text: str) -> set[str]:
    """The character 5-grams of the normalised text, whitespace and punctuation removed."""
    flat = _DROP.sub("", normalize(text))
    if len(flat) < SHINGLE:
        return {flat} if flat else set()
    return {flat[i : i + SHINGLE] for i in range(len(flat) - SHINGLE + 1)}


def signature(text: str) -> bytes:
    """The MinHash signature of ``text``, as bytes for the catalog."""
    mh = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    mh.update_batch([s.encode("utf-8") for s in shingles(text)])
    return mh.hashvalues.astype(np.uint64).tobytes()


def _minhash(blob: bytes) -> MinHash:
    return MinHash(
        num_perm=NUM_PERM, hashvalues=np.frombuffer(blob, dtype=np.uint64), scheme=SCHEME
    )


def containment(a: str, b: str) -> float:
    """Share of the shorter text's 5-grams found in the other (1.0: one is inside the other)."""
    sa, sb = shingles(a), shingles(b)
    if not sa or not sb:
        return 0.0
    small, large = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
    return len(small & large) / len(small)


@dataclass(frozen=True)
class Match:
    """``doc_id`` (already stored) is a version of the new document, ``overlap`` the containment."""

    doc_id: str
    overlap: float


class VersionFinder:
    """Candidates from an LSH index over stored signatures, confirmed on the texts.

    ``texts`` and ``years`` look documents up by id (the catalog's), so only the few
    candidates are read."""

    def __init__(self, stored: Iterable[tuple[str, bytes]]):
        self._lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=NUM_PERM)
        for doc_id, blob in stored:
            self._lsh.insert(doc_id, _minhash(blob))

    def add(self, doc_id: str, blob: bytes) -> None:
        """Make a document written in this run findable by the next ones."""
        if doc_id not in self._lsh:
            self._lsh.insert(doc_id, _minhash(blob))

    def find(self, text: str, blob: bytes, year: int | None, *, text_of, year_of) -> list[Match]:
        """Stored documents that ``text`` is a version of, best overlap first."""
        matches = []
        for other in self._lsh.query(_minhash(blob)):
            other_year = year_of(other)
            if year is not None and other_year is not None and other_year != year:
                continue
            other_text = text_of(other)
            if other_text is None:
                continue
            overlap = containment(text, other_text)
            if overlap >= VERSION_CONTAINMENT:
                matches.append(Match(other, round(overlap, 3)))
        return sorted(matches, key=lambda m: (-m.overlap, m.doc_id))


class Versions:
    """The ingest run's view of versions: an LSH index over the catalog's signatures, built
    on first need (a run of unchanged files never reads them), extended with each document
    the run writes."""

    def __init__(self, catalog):
        self.catalog = catalog
        self._finder: VersionFinder | None = None

    def _year(self, doc_id: str) -> int | None:
        row = self.catalog.document(doc_id)
        return row.metadata.get("year") if row else None

    def find(self, text: str, blob: bytes, year: int | None) -> list[Match]:
        """Stored (or already written this run) documents that ``text`` is a version of."""
        if not blob:
            return []
        if self._finder is None:
            self._finder = VersionFinder(self.catalog.signatures())
        return self._finder.find(
            text, blob, year, text_of=self.catalog.document_text, year_of=self._year
        )

    def record(self, doc_id: str, blob: bytes, matches: list[Match]) -> None:
        """Store a written document's signature, and group it with the versions it has."""
        if not blob:
            return
        self.catalog.set_signature(doc_id, blob)
        if self._finder is not None:
            self._finder.add(doc_id, blob)
        if matches:
            self.catalog.join_versions([doc_id, *(m.doc_id for m in matches)])


def version_note(other: str, overlap: float) -> str:
    """The reason shown for a document found to be a version of ``other`` (a path)."""
    return f"疑似重复/版本：与 {other} 重合 {overlap:.0%}，已归为同一组版本"


def newer(date_a: str | None, date_b: str | None) -> bool:
    """Whether a document dated ``date_a`` is at least as new as one dated ``date_b``
    (ISO dates or years; an unknown date counts as newest: it is the one ingested now)."""
    if not date_a or not date_b:
        return True
    return str(date_a) >= str(date_b)
