"""WindowedE5's batching: length-sorted runs capped in rows and in padded tokens."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from index.embedders.e5 import DIMENSION, WindowedE5, batches


@pytest.mark.parametrize(
    ("lengths", "rows", "tokens", "expected"),
    [
        ([3, 4, 5, 6, 7], 2, None, [(0, 2), (2, 4), (4, 5)]),  # rows only: as before
        ([3, 4, 5, 6, 7], 10, 12, [(0, 2), (2, 4), (4, 5)]),  # 3 rows of 5 would be 15 > 12
        ([3, 3, 3, 3], 10, 12, [(0, 4)]),  # exactly the budget
        ([3, 4, 20], 10, 12, [(0, 2), (2, 3)]),  # a row over the budget runs alone
        ([5], 4, 1, [(0, 1)]),
        ([], 4, 12, []),
    ],
)
def test_batches(lengths, rows, tokens, expected):
    assert batches(lengths, rows, tokens) == expected


class _Recording(WindowedE5):
    """Token ids = one per character; a window's 'mean' depends on its ids alone."""

    def __init__(self, batch_size: int, batch_tokens: int | None):
        self._tokenizer = SimpleNamespace(
            encode_batch=lambda texts, add_special_tokens: [
                SimpleNamespace(ids=[ord(c) % 97 + 3 for c in t]) for t in texts
            ]
        )
        self.batch_size, self.batch_tokens, self.shapes = batch_size, batch_tokens, []

    def _mean_vectors(self, windows):
        ids, _ = self.padded(windows)
        self.shapes.append(ids.shape)
        out = np.zeros((len(windows), DIMENSION))
        for r, w in enumerate(windows):
            out[r, : len(w)] = w[:DIMENSION]
            out[r, -1] = len(w)
        return out


def test_a_token_budget_changes_the_batches_not_the_vectors():
    rng = np.random.default_rng(0)
    texts = ["".join(rng.choice(list("abcdefgh"), n)) for n in rng.integers(1, 1200, 40)]
    rows_only, budget = _Recording(32, None), _Recording(32, 600)
    np.testing.assert_allclose(budget.embed(texts), rows_only.embed(texts), rtol=1e-6)
    assert all(r * n <= 600 for r, n in budget.shapes)  # windows are 512 positions at most
    assert any(r * n > 600 for r, n in rows_only.shapes)
    assert sum(r for r, _ in budget.shapes) == sum(r for r, _ in rows_only.shapes)
