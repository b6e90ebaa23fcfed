"""Comparing two run directories: metric deltas and the items that got better or worse."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import NotFoundError

# The per-item score used to call an item better or worse, in order of preference.
ITEM_SCORES: tuple[str, ...] = ("correct", "ndcg@10", "fact_coverage", "rouge_l")


@dataclass(frozen=True)
class MetricDelta:
    """One metric of one pipeline in both runs (None where a run lacks it)."""

    pipeline: str
    metric: str
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        """``b - a`` when both exist."""
        return None if self.a is None or self.b is None else round(self.b - self.a, 6)


@dataclass(frozen=True)
class ItemChange:
    """An item whose score or failure flag differs between the runs."""

    pipeline: str
    id: str
    metric: str
    a: float
    b: float
    failed_a: bool
    failed_b: bool


@dataclass
class Comparison:
    """Result of ``compare_runs``."""

    deltas: list[MetricDelta]
    better: list[ItemChange]
    worse: list[ItemChange]


def load_run(run_dir: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``metrics.json`` and the ``items.jsonl`` records of a run directory."""
    run_dir = Path(run_dir)
    metrics_path, items_path = run_dir / "metrics.json", run_dir / "items.jsonl"
    for p in (metrics_path, items_path):
        if not p.exists():
            raise NotFoundError(f"{p}: not found (is {run_dir} a run directory?)")
    metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    with items_path.open(encoding="utf-8") as fh:
        items = [json.loads(line) for line in fh if line.strip()]
    return metrics, items


def _numeric(summary: dict[str, Any]) -> dict[str, float]:
    return {
        k: v
        for k, v in summary.items()
        if isinstance(v, int | float) and not isinstance(v, bool) and k != "n_items"
    }


def _item_score(record: dict[str, Any]) -> tuple[str, float] | None:
    for name in ITEM_SCORES:
        value = record["metrics"].get(name)
        if value is not None:
            return name, float(value)
    return None


def compare_runs(a_dir: Path, b_dir: Path) -> Comparison:
    """Metric deltas (B − A) per pipeline present in either run, and per-item changes.

    An item is *better* in B when its score (the first of ``ITEM_SCORES`` it has) rose,
    or its score is equal and it stopped failing; *worse* symmetrically. Items are matched
    by (pipeline, id); items in only one run are ignored.
    """
    metrics_a, items_a = load_run(a_dir)
    metrics_b, items_b = load_run(b_dir)
    pipes_a, pipes_b = metrics_a.get("pipelines", {}), metrics_b.get("pipelines", {})
    deltas: list[MetricDelta] = []
    for pipeline in [*pipes_a, *(p for p in pipes_b if p not in pipes_a)]:
        na, nb = _numeric(pipes_a.get(pipeline, {})), _numeric(pipes_b.get(pipeline, {}))
        for name in [*na, *(n for n in nb if n not in na)]:
            deltas.append(MetricDelta(pipeline, name, na.get(name), nb.get(name)))
    by_key = {(r["pipeline"], r["id"]): r for r in items_a}
    better: list[ItemChange] = []
    worse: list[ItemChange] = []
    for rb in items_b:
        ra = by_key.get((rb["pipeline"], rb["id"]))
        if ra is None:
            continue
        sa, sb = _item_score(ra), _item_score(rb)
        if sa is None or sb is None or sa[0] != sb[0]:
            continue
        change = ItemChange(
            rb["pipeline"], rb["id"], sa[0], sa[1], sb[1], ra["failed"], rb["failed"]
        )
        if sb[1] > sa[1] or (sb[1] == sa[1] and ra["failed"] and not rb["failed"]):
            better.append(change)
        elif sb[1] < sa[1] or (sb[1] == sa[1] and rb["failed"] and not ra["failed"]):
            worse.append(change)
    better.sort(key=lambda c: (c.pipeline, -(c.b - c.a), c.id))
    worse.sort(key=lambda c: (c.pipeline, c.b - c.a, c.id))
    return Comparison(deltas, better, worse)
