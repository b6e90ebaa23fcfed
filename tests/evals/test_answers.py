"""``eval run --answers``: generators scored side by side without an LLM judge."""

from __future__ import annotations

import json

from assistant.retrieval.base import Hit
from core.settings import Settings
from evals.answers import run_answers
from evals.sets import load_set
from tests.fakes import FakeChatModel

HITS = [
    Hit(
        "c1",
        "d1",
        "市住建局现有基层党组织48个，其中总支1个、支部47个，在职党员485名。",
        1.0,
        "住建局调研报告",
    ),
    Hit("c2", "d1", "我局通过设立“党员示范岗”，扎实开展“党建+”活动。", 0.5, "住建局调研报告"),
]


class Fixed:
    def retrieve(self, query, k=5, filters=None):
        return list(HITS)[:k]


def write_set(tmp_path):
    rows = [
        {
            "id": "q1",
            "question": "市住建局有多少在职党员？",
            "relevant_doc_ids": ["d1"],
            "facts": ["485名"],
        },
        {
            "id": "q2",
            "question": "市住建局有多少个示范岗？",
            "relevant_doc_ids": ["d1"],
            "facts": ["12个"],
        },
        {"id": "q3", "question": "火星基地建了几年？", "relevant_doc_ids": []},
    ]
    path = tmp_path / "qa.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return load_set(path)


def test_extractive_answers_are_scored(tmp_path):
    settings = Settings(data_dir=tmp_path, embedder="hash", model_dir=tmp_path / "m")
    summary, records = run_answers(write_set(tmp_path), Fixed(), ["extractive"], settings)
    s = summary["extractive"]
    assert s["n_items"] == 3 and s["n_unanswerable"] == 1 and s["label"] == "抽取式"
    by_id = {r["id"]: r for r in records}
    assert by_id["q1"]["fact_recall"] == 1.0  # 485名 is quoted
    assert by_id["q2"]["fact_recall"] == 0.0  # no source says 12个
    assert s["fact_recall"] == 0.5
    assert by_id["q3"]["fact_recall"] is None and by_id["q3"]["refusal"] in (0.0, 1.0)
    assert 0.0 <= s["support_rate"] <= 1.0 and s["latency_p50_s"] >= 0.0


def test_a_model_that_invents_is_caught_by_support_and_strict_mode(tmp_path, monkeypatch):
    fake = FakeChatModel()
    fake.kind, fake.label, fake.fallback = "local", "本地模型（测试）", None
    fake.enqueue(["市住建局在职党员485名[1]。该局党员全部获得省级表彰[2]。"])
    fake.enqueue(["市住建局有示范岗12个[2]。"])
    fake.enqueue(["资料中没有相关内容。"])
    monkeypatch.setattr("evals.answers.make_chat_model", lambda settings, generator: fake)
    settings = Settings(data_dir=tmp_path, embedder="hash", model_dir=tmp_path / "m")
    summary, records = run_answers(write_set(tmp_path), Fixed(), ["local"], settings)
    by_id = {r["id"]: r for r in records}
    # strict mode removed the invented sentence: what is shown is supported, the raw was not
    assert "省级表彰" not in by_id["q1"]["answer"] and "省级表彰" in by_id["q1"]["raw_answer"]
    assert by_id["q1"]["support_rate"] == 1.0 and by_id["q1"]["support_rate_raw"] < 1.0
    assert "12个" not in by_id["q2"]["answer"]
    assert by_id["q3"]["refusal"] == 1.0 and summary["local"]["refusal_accuracy"] == 1.0
    assert summary["local"]["citation_precision"] == 1.0
