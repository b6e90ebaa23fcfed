"""Baselines the project's own stages are measured against (the naive retriever lives in
``evals/naive.py``)."""

from __future__ import annotations

from assistant.retrieval.base import Retriever
from evals.metrics import answers as am

TRIVIAL_CHECKER_NAME = "trivial"
TRIVIAL_OVERLAP = 0.6


def trivial_checker(claim: str, retriever: Retriever) -> str:
    """A retrieval-overlap baseline for the review checker.

    "supported" when some top-3 passage holds at least 60 % of the claim's character
    bigrams, else "not_supported". It never says "contradicted".
    """
    hits = retriever.retrieve(claim, k=3)
    best = max((am.bigram_overlap(claim, h.text) for h in hits), default=0.0)
    return "supported" if best >= TRIVIAL_OVERLAP else "not_supported"
