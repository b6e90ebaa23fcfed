"""One passage once, however many versions of its report the library keeps.

Versions of a report (a shortened or re-encoded copy, grouped at ingest by
:mod:`index.versions`) share most of their passages. This stage wraps any retriever:

1. ask the inner retriever for more than ``k`` (``OVERFETCH`` times);
2. walk the hits best first and drop one whose document is in the same version group as a
   hit already kept and whose text is nearly the same (character-bigram Jaccard ≥
   ``SAME_PASSAGE``);
3. return the first ``k`` left.

Passages of different reports that happen to read alike (two years of one series) are left
to the time-aware stage: they are not versions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.retrieval.base import Hit, Retriever
from core.normalize import char_bigrams

OVERFETCH = 2
SAME_PASSAGE = 0.9


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def distinct_versions(hits: list[Hit], group_of: Callable[[str], str | None]) -> list[Hit]:
    """``hits`` without a passage already shown from another version of the same report."""
    kept: list[tuple[Hit, str | None, set[str]]] = []
    for hit in hits:
        group = group_of(hit.doc_id)
        grams = char_bigrams(hit.text)
        if group is not None and any(
            g == group and h.doc_id != hit.doc_id and _jaccard(grams, seen) >= SAME_PASSAGE
            for h, g, seen in kept
        ):
            continue
        kept.append((hit, group, grams))
    return [h for h, _, _ in kept]


class VersionAwareRetriever:
    """Wraps a retriever so that versions of one report never repeat a passage."""

    def __init__(self, inner: Retriever, groups: Callable[[], dict[str, str]]):
        self.inner = inner
        self._groups = groups  # doc_id → version group, read once per query

    def retrieve(self, query: str, k: int = 5, filters: dict[str, Any] | None = None) -> list[Hit]:
        groups = self._groups()
        if not groups:
            return self.inner.retrieve(query, k=k, filters=filters)
        hits = self.inner.retrieve(query, k=k * OVERFETCH, filters=filters)
        return distinct_versions(hits, groups.get)[:k]
