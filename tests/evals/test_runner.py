import json

import pytest

from core.settings import Settings
from evals.baselines import TRIVIAL_CHECKER_NAME, trivial_checker
from evals.pipelines import PreparedCorpus
from evals.runner import evaluate, order_hits, run_eval, score_item
from evals.sets import QARow, load_set

QA_ROWS = [
    {
        "id": "q1",
        "question": "问题一",
        "relevant_doc_ids": ["d1", "d2"],
        "facts": ["passage of d1"],
    },
    {"id": "q2", "question": "问题二", "relevant_doc_ids": ["d2"]},
    {"id": "q3", "question": "问题三", "relevant_doc_ids": ["d9"]},
]
RANKINGS = {
    "问题一": ["d3", "d1", "d2"],
    "问题二": ["d2", "d1", "d3"],
    "问题三": ["d1", "d2", "d3"],
}


@pytest.fixture
def qa_set(tmp_path, write_jsonl):
    return write_jsonl(tmp_path / "qa.jsonl", QA_ROWS)


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=tmp_path / "data", llm_api_key="sk-very-secret")


def _fixed_factory(fixed_retriever, seen):
    def factory(prepared: PreparedCorpus):
        seen.append(prepared)
        return lambda name: fixed_retriever(RANKINGS)

    return factory


def test_run_writes_four_files_with_hand_computed_means(
    qa_set, tiny_corpus, settings, tmp_path, fixed_retriever
):
    seen: list[PreparedCorpus] = []
    out = tmp_path / "runs" / "a"
    metrics = run_eval(
        qa_set,
        tiny_corpus,
        out,
        settings,
        pipelines=["dense", "bm25"],
        ks=[3, 1],
        retriever_factory=_fixed_factory(fixed_retriever, seen),
        command=["assistant", "eval", "run"],
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "items.jsonl",
        "metrics.json",
        "report.html",
        "run.json",
    ]
    dense = metrics["pipelines"]["dense"]
    # q1: [d3,d1,d2] vs {d1,d2}; q2: [d2,...] vs {d2}; q3: nothing relevant retrieved.
    assert dense["hit@1"] == pytest.approx(1 / 3)
    assert dense["recall@3"] == pytest.approx(2 / 3)
    assert dense["mrr@10"] == pytest.approx((0.5 + 1 + 0) / 3)
    assert dense["fact_recall@1"] == 0.0 and dense["fact_recall@3"] == 1.0  # q1 only
    assert dense["n_failed"] == 1
    assert metrics["ks"] == [1, 3] and "checker" not in metrics
    # The corpus got its own data dir under <data_dir>/evals, keyed by its hash.
    prepared = seen[0]
    assert prepared.data_dir == settings.data_dir / "evals" / f"{prepared.hash[:16]}-c320-1"
    assert [d.eval_id for d in prepared.docs] == ["d1", "d2", "d3"]

    items = [json.loads(line) for line in (out / "items.jsonl").read_text().splitlines()]
    assert [(i["pipeline"], i["id"]) for i in items][:3] == [
        ("dense", "q1"),
        ("dense", "q2"),
        ("dense", "q3"),
    ]
    assert items[0]["ranked_doc_ids"] == ["d3", "d1", "d2"]
    assert items[2]["failed"] is True and items[0]["failed"] is False

    run = json.loads((out / "run.json").read_text())
    assert run["command"] == ["assistant", "eval", "run"]
    assert {"date", "git_commit", "embedder_model_id", "corpus_hash"} <= run.keys()
    assert run["machine"]["nproc"] >= 1 and "processor" in run["machine"]
    assert "llm_api_key" not in run["settings"]
    assert "sk-very-secret" not in (out / "run.json").read_text()


def test_same_inputs_give_identical_files(qa_set, tiny_corpus, settings, tmp_path, fixed_retriever):
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        run_eval(
            qa_set,
            tiny_corpus,
            out,
            settings,
            retriever_factory=_fixed_factory(fixed_retriever, []),
        )
        outs.append(out)
    for name in ("metrics.json", "items.jsonl"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()
    metrics = json.loads((outs[0] / "metrics.json").read_text())
    assert list(metrics["pipelines"]) == ["hybrid", "dense", "bm25", "hybrid-notime", "naive"]


def test_ties_are_broken_by_doc_id(fixed_retriever):
    hits = fixed_retriever({"q": ["b", "a", "c"]}).retrieve("q", k=3)
    for h in hits:
        h.score = 1.0
    assert [h.metadata["source_id"] for h in order_hits(hits)] == ["a", "b", "c"]
    hits[2].score = 2.0  # retriever order is kept across different scores
    assert [h.metadata["source_id"] for h in order_hits(hits)] == ["a", "b", "c"]
    hits[0].score = 3.0
    assert [h.metadata["source_id"] for h in order_hits(hits)] == ["b", "a", "c"]


def test_review_run_uses_trivial_checker_and_says_so(
    tmp_path, tiny_corpus, settings, write_jsonl, lexical_retriever
):
    claims = write_jsonl(
        tmp_path / "claims.jsonl",
        [
            {
                "id": "c1",
                "claim": "全市粮食总产量达到120万吨",
                "support": "supported",
                "source_doc_ids": ["d1"],
            },
            {
                "id": "c2",
                "claim": "全市粮食总产量下降",
                "support": "contradicted",
                "source_doc_ids": ["d1"],
            },
            {
                "id": "c3",
                "claim": "外贸经营权放开",
                "support": "not_supported",
                "source_doc_ids": ["d2"],
            },
        ],
    )
    out = tmp_path / "review"
    metrics = run_eval(
        claims,
        tiny_corpus,
        out,
        settings,
        pipelines=["bm25"],
        retriever_factory=lambda prepared: lambda name: lexical_retriever(prepared.docs),
        checker=trivial_checker,
        checker_name=TRIVIAL_CHECKER_NAME,
    )
    assert metrics["checker"] == "trivial"
    review = metrics["pipelines"]["bm25"]["review"]
    # c1 copies d1 → supported (right); c2 shares 全市粮食总产量 (6/8 ≥ 0.6) → supported
    # (wrong); c3 shares nothing → not_supported (right).
    assert review["confusion"] == [[1, 0, 0], [0, 1, 0], [1, 0, 0]]
    assert review["accuracy"] == pytest.approx(2 / 3)
    assert "TRIVIAL checker" in (out / "report.html").read_text(encoding="utf-8")


def test_trivial_checker_threshold(lexical_retriever, tiny_corpus):
    from evals.corpus import read_corpus

    retriever = lexical_retriever(read_corpus(tiny_corpus))
    assert trivial_checker("今年夏季天气晴朗", retriever) == "supported"
    assert trivial_checker("夏季暴雨频发成灾", retriever) == "not_supported"


def test_answer_metrics_and_refusal_failure(tmp_path, write_jsonl, fixed_retriever):
    path = write_jsonl(
        tmp_path / "qa.jsonl",
        [
            {
                "id": "a",
                "question": "问题一",
                "relevant_doc_ids": ["d1"],
                "facts": ["d1"],
                "answer": None,
            },
            {"id": "b", "question": "问题三", "relevant_doc_ids": []},
        ],
    )
    answers = {"问题一": "passage of d1[1][7]", "问题三": "据悉如此。"}
    result = evaluate(
        load_set(path),
        lambda name: fixed_retriever(RANKINGS),
        pipelines=["dense"],
        answerer=lambda q, hits: answers[q],
    )
    a, b = result.items
    assert a.metrics["fact_coverage"] == 1.0
    assert a.metrics["citation_validity"] == 0.5  # [7] but only 3 passages
    assert a.metrics["citation_support"] == 1.0
    assert a.metrics["refusal"] == 0.0 and not a.failed
    assert b.metrics["hit@1"] is None
    assert b.failed  # nothing relevant exists, and the answer did not refuse


def test_score_item_without_relevant_docs_has_no_retrieval_numbers(fixed_retriever):
    row = QARow(id="x", question="问题一")
    item = score_item(row, "dense", fixed_retriever(RANKINGS).retrieve("问题一", 3), [1, 3])
    assert item.metrics["recall@3"] is None and item.failed is False
