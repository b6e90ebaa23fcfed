"""Evidence for a model: the best sentences of each retrieved passage, not the whole passage.

On 2 cores the cost of a local model is reading its prompt (prefill), so each source is cut to
the ``per_source`` sentences that share most with the query, kept in their original order and
converted to Simplified Chinese (the draft is written in Simplified). The block is then fitted
to the token budget like whole passages (``prompt_sources.fit_sources``).
"""

from __future__ import annotations

from assistant.generation.extractive import candidate_sentences
from assistant.generation.prompt_sources import (
    ELLIPSIS,
    FittedSources,
    fit_sources,
    render_sources,
)
from assistant.generation.types import Citation
from core.normalize import to_simplified

PER_SOURCE = 3


def evidence_passages(
    query: str, citations: list[Citation], *, mode: str = "answer", per_source: int = PER_SOURCE
) -> list[str]:
    """For each citation, its ``per_source`` most relevant sentences in passage order."""
    scored = candidate_sentences(query, citations, mode=mode, min_relevance=0.0)
    out = []
    for c in citations:
        mine = [s for s in scored if s.n == c.n][:per_source]
        mine.sort(key=lambda s: s.position)
        text = "".join(s.text for s in mine) or c.hit.text
        out.append(to_simplified(text))
    return out


def fit_evidence(
    query: str, citations: list[Citation], budget: int, *, mode: str = "answer"
) -> FittedSources:
    """The evidence of ``citations`` rendered as fenced sources within ``budget`` tokens."""
    fitted = fit_sources(citations, budget, passages=evidence_passages(query, citations, mode=mode))
    # A small model copies trim marks into its answer: show whole sentences only.
    passages = [p.removesuffix(ELLIPSIS) for p in fitted.passages]
    block = render_sources(fitted.citations, passages, short=True)
    return FittedSources(fitted.citations, passages, block)
