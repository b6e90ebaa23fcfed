"""Checks on ``evals/sets/cpc_qa.jsonl`` and ``cpc_review.jsonl`` against the CPC congress reports.

The reports are a series of look-alike documents: each one looks back on the years since the
previous congress in similar words (「过去五年」「五年来」). The sets test whether an answer or a
verdict comes from the report that covers the period asked about. These tests only read files.
"""

from __future__ import annotations

from collections import Counter

import pytest

from core.normalize import normalize, to_simplified

# ---------------------------------------------------------------- both files


@pytest.mark.parametrize("name", ["cpc_qa.jsonl", "cpc_review.jsonl"])
def test_every_line_parses_and_ids_are_unique(cpc, name):
    rows = cpc._read_jsonl(name)
    ids = [row.get("id") for row in rows]
    assert all(isinstance(i, str) and i for i in ids), f"{name}: a row lacks an id"
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates, f"{name}: duplicate ids {duplicates}"


def test_the_sets_load_with_the_project_loader(cpc):
    from evals.sets import load_set

    assert load_set(cpc.SETS / "cpc_qa.jsonl").kind == "qa"
    assert load_set(cpc.SETS / "cpc_review.jsonl").kind == "review"


# ---------------------------------------------------------------- cpc_qa.jsonl


def test_qa_rows_have_the_documented_fields_and_types(cpc):
    problems = []
    for row in cpc._qa():
        if set(row) != cpc.QA_KEYS:
            problems.append(f"{row.get('id')}: fields {sorted(set(row) ^ cpc.QA_KEYS)}")
            continue
        for key in ("id", "question", "answer", "type", "script", "split", "period"):
            if not isinstance(row[key], str):
                problems.append(f"{row['id']}: {key} is not a string")
        for key in ("relevant_doc_ids", "facts"):
            if not isinstance(row[key], list) or not all(isinstance(x, str) for x in row[key]):
                problems.append(f"{row['id']}: {key} is not a list of strings")
        if row["type"] not in cpc.QA_TYPES or row["split"] not in cpc.SPLITS:
            problems.append(f"{row['id']}: type/split {row['type']}/{row['split']}")
        if row["script"] != "simplified" or to_simplified(row["question"]) != row["question"]:
            problems.append(f"{row['id']}: question is not Simplified")
        if not isinstance(row["period"], str) or not cpc.PERIOD.match(row["period"]):
            problems.append(f"{row['id']}: period {row['period']!r}")
        if not row["question"].strip():
            problems.append(f"{row['id']}: empty question")
    assert not problems, problems


def test_qa_doc_ids_are_existing_reports(cpc):
    unknown = [
        (row["id"], doc)
        for row in cpc._qa()
        for doc in row["relevant_doc_ids"]
        if doc not in cpc._reports()
    ]
    assert not unknown, unknown


def test_qa_counts_and_mix(cpc):
    rows = cpc._qa()
    kinds = Counter(
        "period"
        if cpc._is_period_question(row)
        else "no_time"
        if cpc._is_no_time_question(row)
        else row["type"]
        for row in rows
    )
    assert 45 <= len(rows) <= 50, len(rows)
    assert 22 <= kinds["period"] <= 30, kinds
    assert 6 <= kinds["no_time"] <= 10, kinds
    assert 5 <= kinds["multi"] <= 8, kinds
    assert 3 <= kinds["unanswerable"] <= 6, kinds
    trend = [row for row in rows if row["type"] == "multi"]
    assert all(row["period"] == "" for row in trend), "trend questions span several periods"


def test_qa_type_matches_number_of_relevant_docs(cpc):
    wrong = []
    for row in cpc._qa():
        n = len(row["relevant_doc_ids"])
        expected = "unanswerable" if n == 0 else "single" if n == 1 else "multi"
        if row["type"] != expected or len(set(row["relevant_doc_ids"])) != n or n > 4:
            wrong.append(row["id"])
    assert not wrong, wrong


def test_unanswerable_questions_have_no_docs_facts_or_answer(cpc):
    rows = [row for row in cpc._qa() if row["type"] == "unanswerable"]
    assert rows
    for row in rows:
        assert row["relevant_doc_ids"] == [] and row["facts"] == [] and row["answer"] == "", row


def test_answerable_questions_have_short_facts_and_an_answer(cpc):
    problems = []
    for row in cpc._qa():
        if row["type"] == "unanswerable":
            continue
        if not 1 <= len(row["facts"]) <= 3:
            problems.append(f"{row['id']}: {len(row['facts'])} facts")
        problems += [f"{row['id']}: fact {f!r}" for f in row["facts"] if not 2 <= len(f) <= 15]
        problems += [
            f"{row['id']}: fact {f!r} not Simplified" for f in row["facts"] if to_simplified(f) != f
        ]
        if not row["answer"].strip():
            problems.append(f"{row['id']}: empty answer")
    assert not problems, problems


def test_every_fact_is_verbatim_in_a_relevant_report(cpc):
    missing = [
        (row["id"], fact)
        for row in cpc._qa()
        for fact in row["facts"]
        if not any(normalize(fact) in cpc._reports()[d] for d in row["relevant_doc_ids"])
    ]
    assert not missing, missing


def test_multi_questions_draw_facts_from_each_relevant_report(cpc):
    uncovered = [
        (row["id"], doc)
        for row in cpc._qa()
        if row["type"] == "multi"
        for doc in row["relevant_doc_ids"]
        if not any(normalize(f) in cpc._reports()[doc] for f in row["facts"])
    ]
    assert not uncovered, uncovered


def test_period_questions_point_at_the_report_that_covers_the_period(cpc):
    wrong = [
        (row["id"], row["period"], row["relevant_doc_ids"][0])
        for row in cpc._qa()
        if cpc._is_period_question(row)
        and row["period"] not in cpc.DOC_PERIODS.get(row["relevant_doc_ids"][0], set())
    ]
    assert not wrong, wrong


def test_no_time_questions_have_no_time_and_no_newer_report_restates_the_fact(cpc):
    """The row's report is the newest one with the fact (a newer report stating a different value
    of the same measure is not detectable here; that was checked by hand)."""
    problems = []
    for row in cpc._qa():
        if not cpc._is_no_time_question(row):
            continue
        if cpc.TIME_WORDS.search(row["question"]):
            problems.append(f"{row['id']}: the question names a time")
        doc = row["relevant_doc_ids"][0]
        newer = [
            d
            for d in cpc._reports()
            if d in cpc.DOC_PERIODS and cpc._congress(d) > cpc._congress(doc)
        ]
        restated = [
            (f, d) for f in row["facts"] for d in newer if normalize(f) in cpc._reports()[d]
        ]
        if restated:
            problems.append(f"{row['id']}: a newer report states {restated}")
    assert not problems, problems


def test_questions_are_paraphrased_not_copied_from_the_source(cpc):
    copied = []
    for row in cpc._qa():
        question = normalize(row["question"])
        for doc in row["relevant_doc_ids"]:
            run = cpc._longest_shared_run(question, cpc._reports()[doc])
            if run > cpc.MAX_COPIED_RUN:
                copied.append((row["id"], doc, run))
    assert not copied, copied


def test_heldout_split_is_about_a_third_and_mixed(cpc):
    rows = cpc._qa()
    heldout = [row for row in rows if row["split"] == "heldout"]
    assert 0.25 <= len(heldout) / len(rows) <= 0.45, f"{len(heldout)}/{len(rows)} heldout"
    assert any(cpc._is_period_question(row) for row in heldout)
    assert any(cpc._is_no_time_question(row) for row in heldout)
    assert {"multi", "unanswerable"} <= {row["type"] for row in heldout}
