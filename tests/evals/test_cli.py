import json

from typer.testing import CliRunner

import evals.cli
from evals.cli import app


def test_run_command_writes_the_run(
    tmp_path, tiny_corpus, write_jsonl, monkeypatch, lexical_retriever
):
    monkeypatch.setattr(
        evals.cli,
        "_make_factory",
        lambda *a, **k: lambda prepared: lambda name: lexical_retriever(prepared.docs),
    )
    set_path = write_jsonl(
        tmp_path / "qa.jsonl",
        [{"id": "q1", "question": "今年夏季天气怎样", "relevant_doc_ids": ["d3"]}],
    )
    out = tmp_path / "runs" / "x"
    args = ["run", str(set_path), "--corpus", str(tiny_corpus), "--out", str(out)]
    result = CliRunner().invoke(app, [*args, "-p", "dense", "-p", "naive", "--k", "1", "--k", "3"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    assert list(metrics["pipelines"]) == ["dense", "naive"]
    assert metrics["pipelines"]["dense"]["hit@1"] == 1.0
    assert metrics["ks"] == [1, 3]


def test_run_command_rejects_unknown_pipeline_and_bad_set(tmp_path, tiny_corpus):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("nope\n", encoding="utf-8")
    base = ["run", str(bad), "--corpus", str(tiny_corpus), "--out", str(tmp_path / "o")]
    result = CliRunner().invoke(app, [*base, "-p", "bogus"])
    assert result.exit_code == 2 and "bogus" in result.output
    result = CliRunner().invoke(app, base)
    assert result.exit_code == 1
    assert "line 1: not JSON" in result.output
