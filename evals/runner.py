"""Runs an eval set against one or more retrieval pipelines and writes the results.

A run directory holds ``items.jsonl`` (one line per item and pipeline), ``metrics.json``
(means per pipeline; no timestamps, so the same inputs give the same file),
``report.html`` and ``run.json`` (command, settings without secrets, model, commit, date,
machine). Retrievers come from a factory ``name -> Retriever`` so tests inject fakes; the
real factory lives in ``evals.pipelines``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.retrieval import PIPELINES as RETRIEVAL_PIPELINES
from assistant.retrieval.base import Hit, Retriever
from evals.metrics import answers as am
from evals.metrics import retrieval as rm
from evals.metrics import review as vm
from evals.runinfo import run_info
from evals.sets import EvalSet, QARow, ReviewRow, Row

PIPELINES: tuple[str, ...] = (*RETRIEVAL_PIPELINES, "naive")
DEFAULT_KS: tuple[int, ...] = (1, 3, 5, 10)
RANK_K = 10  # MRR@10 and nDCG@10

Checker = Callable[[str, Retriever], str]
"""Labels a claim "supported" / "not_supported" / "contradicted" using a retriever."""
Answerer = Callable[[str, list[Hit]], str]
"""Writes an answer (with [n] citations into the hits, 1-based) for a question."""
RetrieverFactory = Callable[[str], Retriever]


def resolve_checker() -> tuple[Checker, str]:
    """The project's rule checker, ``assistant.review.check_claim``."""
    from assistant.review import check_claim

    return check_claim, "assistant.review.check_claim"


def source_id(hit: Hit) -> str:
    """The eval doc id of a hit (``metadata["source_id"]``, falling back to ``doc_id``)."""
    return str(hit.metadata.get("source_id", hit.doc_id))


def order_hits(hits: Sequence[Hit]) -> list[Hit]:
    """The retriever's order, with runs of equal scores sorted by eval doc id then chunk id."""
    ordered: list[Hit] = []
    run: list[Hit] = []
    for hit in hits:
        if run and hit.score != run[-1].score:
            ordered.extend(sorted(run, key=lambda h: (source_id(h), h.chunk_id)))
            run = []
        run.append(hit)
    ordered.extend(sorted(run, key=lambda h: (source_id(h), h.chunk_id)))
    return ordered


@dataclass
class ItemResult:
    """One item scored for one pipeline."""

    id: str
    pipeline: str
    query: str
    relevant_doc_ids: list[str]
    ranked_doc_ids: list[str]
    chunk_ids: list[str]
    metrics: dict[str, float | None]
    failed: bool
    extra: dict[str, Any] = field(default_factory=dict)


def retrieval_metrics(
    doc_ids: Sequence[str], relevant: Sequence[str], ks: Sequence[int]
) -> dict[str, float | None]:
    """hit@k, recall@k for each k, MRR@10, nDCG@10; all None when nothing is relevant."""
    names = [f"hit@{k}" for k in ks] + [f"recall@{k}" for k in ks] + ["mrr@10", "ndcg@10"]
    if not relevant:
        return dict.fromkeys(names, None)
    out: dict[str, float | None] = {}
    for k in ks:
        out[f"hit@{k}"] = rm.hit_at_k(doc_ids, relevant, k)
    for k in ks:
        out[f"recall@{k}"] = rm.recall_at_k(doc_ids, relevant, k)
    out["mrr@10"] = rm.reciprocal_rank(doc_ids, relevant, RANK_K)
    out["ndcg@10"] = rm.ndcg_at_k(doc_ids, relevant, RANK_K)
    return out


def score_item(
    row: Row,
    pipeline: str,
    hits: Sequence[Hit],
    ks: Sequence[int],
    *,
    predicted: str | None = None,
    answer: str | None = None,
) -> ItemResult:
    """Score one row's hits (and the checker's label or an answer, when given).

    Failed means: review → the predicted label is wrong; otherwise → relevant documents
    exist and none is among the first max(ks) documents, or an answer was expected to
    refuse (no relevant documents) and did not.
    """
    hits = order_hits(hits)
    doc_ids = [source_id(h) for h in hits]
    relevant = list(row.gold_doc_ids)
    metrics = retrieval_metrics(doc_ids, relevant, ks)
    extra: dict[str, Any] = {}
    top = max(ks)
    failed = bool(relevant) and metrics[f"hit@{top}"] == 0.0
    if isinstance(row, QARow):
        facts = row.fact_list()
        if facts:
            for k in ks:
                metrics[f"fact_recall@{k}"] = rm.fact_recall_at_k([h.text for h in hits], facts, k)
        if answer is not None:
            extra["answer"] = answer
            metrics.update(answer_metrics(row, answer, hits))
            if not relevant and not metrics["refusal"]:
                failed = True
    if isinstance(row, ReviewRow) and predicted is not None:
        extra["gold"], extra["predicted"] = row.support, predicted
        metrics["correct"] = 1.0 if predicted == row.support else 0.0
        failed = predicted != row.support
    return ItemResult(
        id=row.id,
        pipeline=pipeline,
        query=row.query,
        relevant_doc_ids=relevant,
        ranked_doc_ids=rm.dedupe_ranking(doc_ids),
        chunk_ids=[h.chunk_id for h in hits],
        metrics=metrics,
        failed=failed,
        extra=extra,
    )


def answer_metrics(row: QARow, answer: str, hits: Sequence[Hit]) -> dict[str, float | None]:
    """Fact coverage, citation validity/support, ROUGE-L (with a reference) and refusal."""
    facts = row.fact_list()
    reference = row.reference()
    texts = [h.text for h in hits]
    return {
        "fact_coverage": am.fact_coverage(answer, facts) if facts else None,
        "citation_validity": am.citation_validity(answer, len(hits)),
        "citation_support": am.citation_support(answer, texts, facts=facts),
        "rouge_l": am.rouge_l_chars(answer, reference) if reference else None,
        "refusal": 1.0 if am.is_refusal(answer) else 0.0,
    }


@dataclass
class RunResult:
    """Everything a run produced, before it is written."""

    eval_set: EvalSet
    pipelines: list[str]
    ks: list[int]
    items: list[ItemResult]
    checker: str | None = None


def evaluate(
    eval_set: EvalSet,
    retriever_for: RetrieverFactory,
    *,
    pipelines: Sequence[str] = PIPELINES,
    ks: Sequence[int] = DEFAULT_KS,
    checker: Checker | None = None,
    checker_name: str | None = None,
    answerer: Answerer | None = None,
    on_item: Callable[[str, int, int], None] | None = None,
) -> RunResult:
    """Score every row of ``eval_set`` with every pipeline, in set order.

    Each retriever is asked for max(max(ks), 10) passages. Review sets need a checker
    (``resolve_checker()`` when none is given).
    """
    ks = sorted(set(ks))
    fetch_k = max(max(ks), RANK_K)
    if eval_set.kind == "review" and checker is None:
        checker, checker_name = resolve_checker()
    items: list[ItemResult] = []
    for pipeline in pipelines:
        retriever = retriever_for(pipeline)
        for done, row in enumerate(eval_set.rows, start=1):
            hits = retriever.retrieve(row.query, k=fetch_k)
            predicted = answer = None
            if isinstance(row, ReviewRow) and checker is not None:
                predicted = checker(row.claim, retriever)
            elif isinstance(row, QARow) and answerer is not None:
                answer = answerer(row.question, order_hits(hits))
            items.append(score_item(row, pipeline, hits, ks, predicted=predicted, answer=answer))
            if on_item is not None:
                on_item(pipeline, done, len(eval_set.rows))
    return RunResult(
        eval_set=eval_set,
        pipelines=list(pipelines),
        ks=ks,
        items=items,
        checker=(checker_name or "custom") if eval_set.kind == "review" else None,
    )


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 6)


def aggregate(result: RunResult) -> dict[str, Any]:
    """``metrics.json``: per pipeline the mean of every item metric over items that have it."""
    out: dict[str, Any] = {
        "set": result.eval_set.name,
        "set_sha256": result.eval_set.sha256,
        "kind": result.eval_set.kind,
        "n_items": len(result.eval_set.rows),
        "ks": result.ks,
        "failure_rule": (
            "predicted label != gold label"
            if result.eval_set.kind == "review"
            else f"relevant docs exist and none is in the top {max(result.ks)} documents"
        ),
    }
    if result.checker is not None:
        out["checker"] = result.checker
    pipelines: dict[str, Any] = {}
    for pipeline in result.pipelines:
        items = [i for i in result.items if i.pipeline == pipeline]
        names: list[str] = []
        for item in items:
            names.extend(n for n in item.metrics if n not in names)
        summary: dict[str, Any] = {}
        for name in names:
            values = [i.metrics[name] for i in items if i.metrics.get(name) is not None]
            if values:
                summary[name] = _mean(values)
        summary["n_items"] = len(items)
        summary["n_failed"] = sum(i.failed for i in items)
        if result.eval_set.kind == "review":
            summary["review"] = review_summary(items)
            summary["macro_f1"] = summary["review"]["macro_f1"]
        pipelines[pipeline] = summary
    out["pipelines"] = pipelines
    return out


def review_summary(items: Sequence[ItemResult]) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class scores and the confusion matrix of review items."""
    scored = [i for i in items if "predicted" in i.extra]
    gold = [i.extra["gold"] for i in scored]
    pred = [i.extra["predicted"] for i in scored]
    return {
        "labels": list(vm.LABELS),
        "accuracy": round(vm.accuracy(gold, pred), 6),
        "macro_f1": round(vm.macro_f1(gold, pred), 6),
        "per_class": {
            label: {k: round(v, 6) for k, v in asdict(s).items()}
            for label, s in vm.per_class_scores(gold, pred).items()
        },
        "confusion": vm.confusion_matrix(gold, pred),
    }


def item_record(item: ItemResult) -> dict[str, Any]:
    """One ``items.jsonl`` line."""
    record = asdict(item)
    record.update(record.pop("extra"))
    return record


def write_run(
    result: RunResult,
    out_dir: Path,
    info: dict[str, Any],
    *,
    answers: tuple[dict[str, Any], list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """Write items.jsonl, metrics.json, report.html and run.json (and answers.jsonl when
    ``answers`` = (summary per generator, records) is given); return the metrics."""
    from evals.html_report import write_report

    out_dir.mkdir(parents=True, exist_ok=True)
    metrics = aggregate(result)
    if answers is not None:
        metrics["answers"] = answers[0]
        with (out_dir / "answers.jsonl").open("w", encoding="utf-8") as fh:
            for record in answers[1]:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    records = [item_record(i) for i in result.items]
    with (out_dir / "items.jsonl").open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    (out_dir / "metrics.json").write_text(
        json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (out_dir / "run.json").write_text(
        json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    write_report(out_dir / "report.html", metrics, records, info, answers[1] if answers else ())
    return metrics


def run_eval(
    set_path: Path,
    corpus: Path,
    out_dir: Path,
    settings: Any,
    *,
    pipelines: Sequence[str] = PIPELINES,
    ks: Sequence[int] = DEFAULT_KS,
    limit: int | None = None,
    split: str | None = None,
    eval_root: Path | None = None,
    retriever_factory: Callable[[Any], RetrieverFactory] | None = None,
    checker: Checker | None = None,
    checker_name: str | None = None,
    answerer: Answerer | None = None,
    command: Sequence[str] | None = None,
    on_item: Callable[[str, int, int], None] | None = None,
    generators: Sequence[str] = (),
) -> dict[str, Any]:
    """Load the set, prepare the corpus, evaluate, write the run directory; return metrics.

    ``generators``: also write answers with each (``evals.answers``) through the first pipeline,
    into ``answers.jsonl`` and ``metrics["answers"]``.

    ``retriever_factory(prepared_corpus)`` returns ``name -> Retriever``; the default is
    ``evals.pipelines.ProjectRetrievers`` (the project's index plus naive).
    """
    from evals.pipelines import ProjectRetrievers, prepare_corpus
    from evals.sets import load_set

    eval_set = load_set(set_path, limit=limit, split=split)
    prepared = prepare_corpus(corpus, settings, eval_root)
    factory = (retriever_factory or ProjectRetrievers)(prepared)
    result = evaluate(
        eval_set,
        factory,
        pipelines=pipelines,
        ks=ks,
        checker=checker,
        checker_name=checker_name,
        answerer=answerer,
        on_item=on_item,
    )
    info = run_info(
        command=command,
        settings=settings,
        embedder_model_id=getattr(factory, "embedder_model_id", None),
        extra={
            "set": str(set_path),
            "set_sha256": eval_set.sha256,
            "corpus": str(corpus),
            "corpus_hash": prepared.hash,
            "eval_data_dir": str(prepared.data_dir),
            "pipelines": list(pipelines),
            "ks": sorted(set(ks)),
            "limit": limit,
            "split": split,
            "notes": list(getattr(factory, "notes", [])),
        },
    )
    answers = None
    if generators:
        from evals.answers import run_answers

        info["generators"] = list(generators)
        answers = run_answers(
            eval_set, factory(pipelines[0]), generators, settings, on_item=on_item
        )
    return write_run(result, Path(out_dir), info, answers=answers)
