"""Metrics for the draft-review checker: per-class P/R/F1, macro-F1, confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import get_args

from evals.sets import Support

LABELS: tuple[str, ...] = get_args(Support)


@dataclass(frozen=True)
class ClassScores:
    """Precision, recall and F1 of one label, and how many gold items carry it."""

    precision: float
    recall: float
    f1: float
    support: int


def _check_lengths(gold: Sequence[str], predicted: Sequence[str]) -> None:
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")


def confusion_matrix(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS
) -> list[list[int]]:
    """``m[i][j]`` = number of items whose gold label is ``labels[i]`` and prediction ``labels[j]``.

    Labels not in ``labels`` are not counted.
    """
    _check_lengths(gold, predicted)
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        if g in index and p in index:
            matrix[index[g]][index[p]] += 1
    return matrix


def per_class_scores(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS
) -> dict[str, ClassScores]:
    """For each label: precision = TP / predicted as label, recall = TP / gold label,
    F1 = 2PR / (P + R); each is 0.0 when its denominator is 0."""
    _check_lengths(gold, predicted)
    scores: dict[str, ClassScores] = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
        n_pred = sum(p == label for p in predicted)
        n_gold = sum(g == label for g in gold)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[label] = ClassScores(precision, recall, f1, n_gold)
    return scores


def macro_f1(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS
) -> float:
    """Unweighted mean of the per-label F1 over ``labels`` (absent labels count as 0)."""
    scores = per_class_scores(gold, predicted, labels)
    return sum(s.f1 for s in scores.values()) / len(labels)


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Share of items whose prediction equals the gold label (0.0 for no items)."""
    _check_lengths(gold, predicted)
    if not gold:
        return 0.0
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)
