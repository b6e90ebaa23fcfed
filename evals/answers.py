"""Answers scored without an LLM judge: each generator side by side on a QA set.

For every generator (extractive, local, endpoint) and every row, the product's own path runs:
retrieve → generate → verify (strict as configured). Then, per row:

1. ``fact_recall``: share of the row's facts found in the text shown (normalised);
   ``fact_recall_model`` the same without the source sentence the verifier quotes after a
   model's answer (what the model itself wrote);
2. ``support_rate``: share of the shown text's claim sentences the checker finds supported by
   the numbered sources; ``support_rate_raw`` the same on the model's own sentences before
   strict mode removed or corrected anything (what strict mode had to fix);
3. ``citation_precision``: share of cited sentences whose cited passage, alone, supports them;
4. ``refusal`` on unanswerable rows (no relevant documents): the text says the sources are
   silent; ``refusal_accuracy`` is its mean over those rows;
5. ``latency_s`` (whole answer) and ``first_token_s`` (first streamed piece).

``metrics.json`` gets ``answers.<generator>.{fact_recall, support_rate, support_rate_raw,
citation_precision, refusal_accuracy, latency_p50_s, first_token_p50_s, n_items}``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from assistant.generation import generate, make_chat_model
from assistant.generation.types import AnswerResult
from assistant.generation.verify import (
    QUOTE_LEAD,
    QUOTE_REASON,
    SourcesRetriever,
    verify_result,
)
from assistant.retrieval.base import Retriever
from assistant.review.checker import check_sentence
from evals.metrics import answers as am
from evals.sets import EvalSet, QARow

CLAIM_LABELS = ("supported", "unsupported", "contradicted")


def run_answers(
    eval_set: EvalSet,
    retriever: Retriever,
    generators: Sequence[str],
    settings: Any,
    *,
    on_item: Callable[[str, int, int], None] | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(``answers`` summary per generator, one record per generator × row)."""
    rows = [r for r in eval_set.rows if isinstance(r, QARow)]
    summary: dict[str, Any] = {}
    records: list[dict[str, Any]] = []
    for name in generators:
        chat = make_chat_model(settings, generator=name)
        mine = []
        for done, row in enumerate(rows, start=1):
            mine.append(answer_record(row, name, chat, retriever, settings))
            if on_item is not None:
                on_item(f"answers {name}", done, len(rows))
        summary[name] = summarise(mine, label=chat.label if chat is not None else "抽取式")
        records += mine
    return summary, records


def answer_record(row: QARow, name: str, chat, retriever: Retriever, settings) -> dict[str, Any]:
    """Generate, verify and score one row (module docstring, steps 1–5)."""
    start = time.perf_counter()
    first = None
    raw: AnswerResult | None = None
    for event in generate(
        row.question,
        mode="answer",
        retriever=retriever,
        chat=chat,
        settings=settings,
        k=settings.top_k,
    ):
        if event.kind == "delta" and first is None:
            first = time.perf_counter() - start
        elif event.kind == "done":
            raw = event.result
    shown = verify_result(raw, strict=settings.strict)
    latency = time.perf_counter() - start
    loose = verify_result(raw, strict=False)
    facts = row.fact_list()
    answerable = bool(facts and row.relevant_doc_ids)
    record: dict[str, Any] = {
        "id": row.id,
        "generator": name,
        "generator_label": shown.generator_label,
        "question": row.question,
        "answer": shown.text,
        "raw_answer": raw.text,
        "notices": shown.notices,
        "answerable": bool(row.relevant_doc_ids),
        "fact_recall": am.fact_coverage(shown.text, facts) if answerable else None,
        # The same without the source sentence the verifier quotes after a model's answer.
        "fact_recall_model": (
            am.fact_coverage(shown.text.split(QUOTE_LEAD)[0], facts) if answerable else None
        ),
        "support_rate": support_rate(shown),
        "support_rate_raw": support_rate(loose, quotes=False),
        "citation_precision": citation_precision(shown),
        "refusal": None if row.relevant_doc_ids else float(am.is_refusal(shown.text)),
        "latency_s": round(latency, 3),
        "first_token_s": round(first, 3) if first is not None else None,
        "sentences": [
            {"text": s.text.strip(), "label": s.label, "n": s.n} for s in shown.sentences
        ],
    }
    return record


def support_rate(result: AnswerResult, *, quotes: bool = True) -> float | None:
    """Supported share of the claim sentences (None when the text makes no claim);
    ``quotes=False`` leaves out the source sentence the verifier quoted."""
    claims = [
        s
        for s in result.sentences
        if s.label in CLAIM_LABELS and (quotes or s.reason != QUOTE_REASON)
    ]
    if not claims:
        return None
    return sum(s.label == "supported" for s in claims) / len(claims)


def citation_precision(result: AnswerResult) -> float | None:
    """Share of cited claim sentences whose cited passage alone supports them."""
    by_n = {c.n: c.hit for c in result.sources}
    cited = [s for s in result.sentences if s.n is not None and s.label in CLAIM_LABELS]
    if not cited:
        return None
    good = 0
    for s in cited:
        hit = by_n.get(s.n)
        if hit is not None:
            verdict = check_sentence(
                s.text.strip(), SourcesRetriever([hit]), k=1, question=result.question, wide=False
            )
            good += verdict.label == "supported"
    return good / len(cited)


def summarise(records: Sequence[dict[str, Any]], *, label: str) -> dict[str, Any]:
    """Means over the rows that have each metric; medians of the latencies."""

    def mean(key: str) -> float | None:
        values = [r[key] for r in records if r.get(key) is not None]
        return round(sum(values) / len(values), 4) if values else None

    def median(key: str) -> float | None:
        values = [r[key] for r in records if r.get(key) is not None]
        return round(statistics.median(values), 3) if values else None

    return {
        "label": label,
        "fact_recall": mean("fact_recall"),
        "fact_recall_model": mean("fact_recall_model"),
        "support_rate": mean("support_rate"),
        "support_rate_raw": mean("support_rate_raw"),
        "citation_precision": mean("citation_precision"),
        "refusal_accuracy": mean("refusal"),
        "latency_p50_s": median("latency_s"),
        "first_token_p50_s": median("first_token_s"),
        "n_items": len(records),
        "n_unanswerable": sum(not r["answerable"] for r in records),
    }
