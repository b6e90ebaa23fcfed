"""evals/sets.py (the loader); tests/evals/test_sets.py checks the set files themselves."""

import pytest

from core.errors import LoadError
from evals.sets import QARow, ReviewRow, load_set


def test_rgb_answer_list_becomes_facts(shared):
    s = load_set(shared / "evaldata" / "rgb_zh" / "eval_refine.jsonl", limit=3)
    assert s.kind == "qa" and len(s.rows) == 3
    row = s.rows[0]
    assert isinstance(row, QARow)
    assert row.fact_list() == ["12人"]
    assert row.reference() is None
    assert row.negative_doc_ids  # kept, not used for relevance
    assert len(s.sha256) == 64


def test_review_and_summary_sets_load(shared):
    review = load_set(shared / "evaldata" / "ocnli_gov" / "eval_claims.jsonl", limit=5)
    assert review.kind == "review"
    assert isinstance(review.rows[0], ReviewRow)
    assert review.rows[0].gold_doc_ids == ["gov_1260"]
    summary = load_set(shared / "evaldata" / "crud_rag" / "eval_event_summary.jsonl", limit=2)
    assert summary.kind == "summary"
    assert summary.rows[0].reference().startswith("应急管理部")
    assert summary.rows[0].fact_list() == []


def test_nested_alternatives_and_explicit_facts(tmp_path, write_jsonl):
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [
            {"id": 1, "question": "q", "relevant_doc_ids": ["a"], "answer": [["4次", "四次"]]},
            {"id": "2", "question": "q2", "relevant_doc_ids": [], "facts": ["x"], "answer": "ref"},
        ],
    )
    s = load_set(path)
    assert s.rows[0].id == "1"
    assert s.rows[0].fact_list() == [["4次", "四次"]]
    assert s.rows[1].fact_list() == ["x"] and s.rows[1].reference() == "ref"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ('{"id": "a", "question": "q"}\nnot json\n', "line 2: not JSON"),
        ('{"id": "a", "question": "q"}\n{"id": "a", "question": "r"}\n', "duplicate id 'a'"),
        ('{"id": "a", "claim": "c", "support": "maybe"}\n', "line 1: support"),
        ('{"id": "a", "question": ""}\n', "line 1: question"),
        (
            '{"id": "a", "question": "q"}\n{"id": "b", "claim": "c", "support": "supported"}\n',
            "mixes",
        ),
        ("\n", "no rows"),
    ],
)
def test_bad_sets_name_the_file_and_line(tmp_path, lines, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(lines, encoding="utf-8")
    with pytest.raises(LoadError, match=message) as info:
        load_set(path)
    assert "bad.jsonl" in str(info.value)
