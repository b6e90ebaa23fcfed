"""The real path: the project's index and retrievers plus naive, with the hash embedder."""

import json

from core.settings import Settings
from evals.pipelines import prepare_corpus
from evals.runner import run_eval


def test_real_pipelines_on_a_tiny_folder(tmp_path, tiny_corpus, write_jsonl):
    settings = Settings(data_dir=tmp_path / "data", embedder="hash")
    qa = write_jsonl(
        tmp_path / "qa.jsonl",
        [
            {
                "id": "q1",
                "question": "机关党建工作围绕什么",
                "relevant_doc_ids": ["d2"],
                "facts": ["服务群众"],
            },
            {
                "id": "q2",
                "question": "粮食总产量是多少",
                "relevant_doc_ids": ["d1"],
                "facts": ["120万吨"],
            },
        ],
    )
    first = run_eval(qa, tiny_corpus, tmp_path / "r1", settings, ks=[1, 3])
    second = run_eval(qa, tiny_corpus, tmp_path / "r2", settings, ks=[1, 3])
    assert first == second
    assert set(first["pipelines"]) == {"hybrid", "dense", "bm25", "hybrid-notime", "naive"}
    assert first["pipelines"]["bm25"]["hit@3"] == 1.0  # 3 docs: every doc is in the top 3
    items = [json.loads(x) for x in (tmp_path / "r1" / "items.jsonl").read_text().splitlines()]
    assert all(set(i["ranked_doc_ids"]) <= {"d1", "d2", "d3"} for i in items)
    run = json.loads((tmp_path / "r1" / "run.json").read_text())
    assert run["embedder_model_id"] == "hash-64"
    data_dir = prepare_corpus(tiny_corpus, settings).data_dir
    assert (data_dir / "naive").is_dir() and (data_dir / "eval_corpus.json").is_file()
