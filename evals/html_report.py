"""The HTML report of a run: summary tables, plots embedded as base64 PNG, per-item tables.

Every text that comes from a set, a corpus or a retriever is HTML-escaped.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from evals.baselines import TRIVIAL_CHECKER_NAME

_MAX_QUERY_CHARS = 300
_MAX_DOCS_SHOWN = 10

_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3} tr.failed td{background:#fdecea}
.warn{background:#fff3cd;border:2px solid #e0a800;padding:1em;font-size:18px;font-weight:bold}
code{font-size:12px}
"""


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def recall_curve_png(metrics: dict[str, Any]) -> str | None:
    """recall@k against k, one line per pipeline, as base64 PNG (None without recall)."""
    from matplotlib.figure import Figure

    ks = metrics.get("ks") or []
    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    drawn = False
    for pipeline, summary in metrics.get("pipelines", {}).items():
        points = [(k, summary[f"recall@{k}"]) for k in ks if f"recall@{k}" in summary]
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=pipeline)
            drawn = True
    if not drawn:
        return None
    ax.set_xlabel("k (documents)")
    ax.set_ylabel("recall@k")
    ax.set_ylim(0, 1.02)
    ax.set_xticks(ks)
    ax.grid(alpha=0.3)
    ax.legend()
    return _png(fig)


def confusion_png(matrix: Sequence[Sequence[int]], labels: Sequence[str], title: str) -> str:
    """A confusion matrix (rows gold, columns predicted) as base64 PNG."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.5, 4))
    ax = fig.subplots()
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title)
    top = max((max(row) for row in matrix), default=0)
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            color = "white" if top and value > top / 2 else "black"
            ax.text(j, i, str(value), ha="center", va="center", color=color)
    return _png(fig)


ANSWER_METRICS = ("fact_recall", "support_rate", "citation_precision", "refusal_accuracy")


def answers_png(answers: dict[str, Any]) -> str:
    """The answer metrics, one group of bars per metric, one bar per generator (base64 PNG)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 3.6))
    ax = fig.subplots()
    names = list(answers)
    width = 0.8 / max(len(names), 1)
    for i, name in enumerate(names):
        values = [answers[name].get(m) or 0.0 for m in ANSWER_METRICS]
        xs = [j + i * width for j in range(len(ANSWER_METRICS))]
        ax.bar(xs, values, width=width, label=name)
    ax.set_xticks([j + width * (len(names) - 1) / 2 for j in range(len(ANSWER_METRICS))])
    ax.set_xticklabels(ANSWER_METRICS)
    ax.set_ylim(0, 1.05)
    ax.grid(axis="y", alpha=0.3)
    ax.legend()
    return _png(fig)


def _answers_section(metrics: dict[str, Any], records: Sequence[dict[str, Any]]) -> str:
    answers = metrics.get("answers")
    if not answers:
        return ""
    keys = [*ANSWER_METRICS, "support_rate_raw", "latency_p50_s", "first_token_p50_s", "n_items"]
    head = "".join(f"<th>{escape(k)}</th>" for k in ["generator", *keys])
    rows = "".join(
        f"<tr><td>{escape(name)} ({escape(str(s.get('label', '')))})</td>"
        + "".join(f"<td>{_fmt(s.get(k))}</td>" for k in keys)
        + "</tr>"
        for name, s in answers.items()
    )
    items = "".join(
        f"<tr><td>{escape(str(r['generator']))}</td><td>{escape(str(r['id']))}</td>"
        f"<td>{escape(str(r['question']))}</td><td>{escape(str(r['answer']))}</td>"
        f"<td>{_fmt(r.get('fact_recall'))}</td><td>{_fmt(r.get('support_rate'))}</td>"
        f"<td>{_fmt(r.get('latency_s'))}</td></tr>"
        for r in records
    )
    return (
        "<h2>Answers</h2>"
        f"<table><tr>{head}</tr>{rows}</table>"
        f'<img alt="answer metrics" src="data:image/png;base64,{answers_png(answers)}">'
        "<details><summary>every answer</summary><table><tr><th>generator</th><th>id</th>"
        "<th>question</th><th>answer</th><th>fact_recall</th><th>support_rate</th>"
        f"<th>latency_s</th></tr>{items}</table></details>"
    )


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return escape(str(value))


def _metric_names(summaries: dict[str, dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for summary in summaries.values():
        for name, value in summary.items():
            if isinstance(value, int | float) and name not in names:
                names.append(name)
    return names


def _summary_table(metrics: dict[str, Any]) -> str:
    summaries = metrics.get("pipelines", {})
    names = _metric_names(summaries)
    head = "".join(f"<th>{escape(n)}</th>" for n in ["pipeline", *names])
    rows = []
    for pipeline, summary in summaries.items():
        cells = "".join(f"<td>{_fmt(summary.get(n, ''))}</td>" for n in names)
        rows.append(f"<tr><td>{escape(pipeline)}</td>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _review_section(metrics: dict[str, Any]) -> str:
    parts = []
    for pipeline, summary in metrics.get("pipelines", {}).items():
        review = summary.get("review")
        if not review:
            continue
        labels = review["labels"]
        rows = "".join(
            f"<tr><td>{escape(label)}</td>"
            + "".join(f"<td>{_fmt(s[k])}</td>" for k in ("precision", "recall", "f1", "support"))
            + "</tr>"
            for label, s in review["per_class"].items()
        )
        png = confusion_png(review["confusion"], labels, pipeline)
        parts.append(
            f"<h3>{escape(pipeline)}: accuracy {_fmt(review['accuracy'])}, "
            f"macro-F1 {_fmt(review['macro_f1'])}</h3>"
            "<table><tr><th>label</th><th>precision</th><th>recall</th><th>F1</th>"
            f"<th>support</th></tr>{rows}</table>"
            f'<img alt="confusion matrix {escape(pipeline)}" src="data:image/png;base64,{png}">'
        )
    return "<h2>Review</h2>" + "".join(parts) if parts else ""


def _items_table(records: Sequence[dict[str, Any]]) -> str:
    ordered = sorted(records, key=lambda r: (not r["failed"],))  # stable: set order within
    names: list[str] = []
    for record in ordered:
        names.extend(n for n in record["metrics"] if n not in names)
    shown = [n for n in names if n.startswith(("hit@", "ndcg", "mrr", "fact_recall", "correct"))]
    shown += [n for n in names if n not in shown and not n.startswith(("recall@", "hit@"))]
    head = "".join(
        f"<th>{escape(h)}</th>"
        for h in ["id", "failed", "query", "relevant", "retrieved (docs)", *shown]
    )
    rows = []
    for r in ordered:
        query = r["query"]
        if len(query) > _MAX_QUERY_CHARS:
            query = query[:_MAX_QUERY_CHARS] + "…"
        label = ""
        if "gold" in r:
            label = f"<br>gold: {escape(r['gold'])} / predicted: {escape(r['predicted'])}"
        relevant = set(r["relevant_doc_ids"])
        docs = ", ".join(
            f"<b>{escape(d)}</b>" if d in relevant else escape(d)
            for d in r["ranked_doc_ids"][:_MAX_DOCS_SHOWN]
        )
        cells = "".join(
            f"<td>{_fmt(r['metrics'][n]) if r['metrics'].get(n) is not None else ''}</td>"
            for n in shown
        )
        rows.append(
            f'<tr class="{"failed" if r["failed"] else "ok"}"><td>{escape(r["id"])}</td>'
            f"<td>{'yes' if r['failed'] else ''}</td><td>{escape(query)}{label}</td>"
            f"<td><code>{escape(', '.join(r['relevant_doc_ids']))}</code></td>"
            f"<td><code>{docs}</code></td>{cells}</tr>"
        )
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def render_report(
    metrics: dict[str, Any],
    records: Sequence[dict[str, Any]],
    info: dict[str, Any],
    answer_records: Sequence[dict[str, Any]] = (),
) -> str:
    """The whole report as one self-contained HTML page."""
    title = f"Eval: {metrics.get('set', '')} ({metrics.get('kind', '')})"
    parts = [
        f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{_CSS}</style></head><body><h1>{escape(title)}</h1>"
    ]
    checker = metrics.get("checker")
    if checker == TRIVIAL_CHECKER_NAME:
        parts.append(
            '<p class="warn">Review verdicts come from the TRIVIAL checker (retrieval bigram '
            "overlap; never says “contradicted”), not from assistant.review. These numbers "
            "are a baseline, not the product.</p>"
        )
    elif checker:
        parts.append(f"<p>Checker: <code>{escape(checker)}</code></p>")
    machine = info.get("machine", {})
    parts.append(
        "<p>"
        f"items: {_fmt(metrics.get('n_items', ''))} · "
        f"embedder: <code>{escape(str(info.get('embedder_model_id')))}</code> · "
        f"commit: <code>{escape(str(info.get('git_commit')))}</code> · "
        f"date: {escape(str(info.get('date', '')))} · "
        f"machine: {escape(str(machine.get('cpu_model') or machine.get('processor') or '?'))}, "
        f"{escape(str(machine.get('nproc', '')))} cores</p>"
        f"<p>Failure: {escape(str(metrics.get('failure_rule', '')))}. Documents are ranked by "
        "their first passage (repeats of a document are dropped before every metric).</p>"
    )
    for note in info.get("notes", []):
        parts.append(f"<p><i>{escape(str(note))}</i></p>")
    parts.append("<h2>Metrics</h2>" + _summary_table(metrics))
    curve = recall_curve_png(metrics)
    if curve:
        parts.append(f'<img alt="recall@k" src="data:image/png;base64,{curve}">')
    parts.append(_review_section(metrics))
    parts.append(_answers_section(metrics, answer_records))
    for pipeline in metrics.get("pipelines", {}):
        mine = [r for r in records if r["pipeline"] == pipeline]
        n_failed = sum(r["failed"] for r in mine)
        parts.append(
            f"<details{' open' if len(mine) <= 200 else ''}><summary><b>{escape(pipeline)}</b>: "
            f"{n_failed} failed of {len(mine)} (failures first)</summary>"
            f"{_items_table(mine)}</details>"
        )
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(
    path: Path,
    metrics: dict[str, Any],
    records: Sequence[dict[str, Any]],
    info: dict[str, Any],
    answer_records: Sequence[dict[str, Any]] = (),
) -> None:
    """Write ``render_report(...)`` to ``path``."""
    path.write_text(render_report(metrics, records, info, answer_records), encoding="utf-8")
