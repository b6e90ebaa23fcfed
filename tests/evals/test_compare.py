import json

import pytest
from typer.testing import CliRunner

from core.errors import NotFoundError
from evals.cli import app
from evals.compare import compare_runs


def _write_run(folder, ndcg_q1, ndcg_q2, failed_q2):
    folder.mkdir()
    metrics = {"pipelines": {"dense": {"ndcg@10": (ndcg_q1 + ndcg_q2) / 2, "n_items": 2}}}
    (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    items = [
        {"id": "q1", "pipeline": "dense", "metrics": {"ndcg@10": ndcg_q1}, "failed": False},
        {"id": "q2", "pipeline": "dense", "metrics": {"ndcg@10": ndcg_q2}, "failed": failed_q2},
    ]
    (folder / "items.jsonl").write_text(
        "".join(json.dumps(i) + "\n" for i in items), encoding="utf-8"
    )
    return folder


@pytest.fixture
def two_runs(tmp_path):
    a = _write_run(tmp_path / "a", 0.5, 1.0, False)
    b = _write_run(tmp_path / "b", 1.0, 0.0, True)
    return a, b


def test_deltas_and_item_changes(two_runs):
    comparison = compare_runs(*two_runs)
    (delta,) = [d for d in comparison.deltas if d.metric == "ndcg@10"]
    assert (delta.a, delta.b, delta.delta) == (0.75, 0.5, -0.25)
    assert [c.id for c in comparison.better] == ["q1"]
    assert [(c.id, c.failed_a, c.failed_b) for c in comparison.worse] == [("q2", False, True)]


def test_cli_compare_prints_delta_and_items(two_runs):
    result = CliRunner().invoke(app, ["compare", str(two_runs[0]), str(two_runs[1])])
    assert result.exit_code == 0, result.output
    assert "-0.250" in result.output
    assert "1 items better" in result.output and "1 items worse" in result.output
    assert "q2" in result.output


def test_missing_run_dir(tmp_path):
    with pytest.raises(NotFoundError, match="metrics.json"):
        compare_runs(tmp_path, tmp_path)
    result = CliRunner().invoke(app, ["compare", str(tmp_path), str(tmp_path)])
    assert result.exit_code == 1
