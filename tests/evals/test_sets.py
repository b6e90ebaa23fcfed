"""Checks on the hand-made seed eval sets in ``evals/sets/`` against the real seed reports."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from core.normalize import normalize, to_simplified
from tests.helpers import read_jsonl

REPO = Path(__file__).resolve().parents[2]
SETS = REPO / "evals" / "sets"
SEEDS = REPO.parent / "shared" / "corpus" / "seeds"

QA_KEYS = {
    "id",
    "question",
    "relevant_doc_ids",
    "facts",
    "answer",
    "type",
    "script",
    "split",
}
REVIEW_KEYS = {"id", "claim", "support", "source_doc_ids", "source", "kind"}
QA_TYPES = {"single", "multi", "unanswerable"}
SCRIPTS = {"simplified", "traditional"}
SPLITS = {"dev", "heldout"}
SUPPORTS = {"supported", "contradicted", "not_supported"}
KINDS = {"number", "date", "name", "count", "paraphrase", "unsupported", "wenhao", "quote"}
# A question that shares a run this long with its source reads as a copied sentence.
MAX_COPIED_RUN = 12
DIGITS = re.compile(r"\d+(?:\.\d+)?")


def _read_jsonl(name: str) -> list[dict]:
    return read_jsonl(SETS / name)


@lru_cache(maxsize=1)
def _qa() -> tuple[dict, ...]:
    return tuple(_read_jsonl("seeds_qa.jsonl"))


@lru_cache(maxsize=1)
def _review() -> tuple[dict, ...]:
    return tuple(_read_jsonl("seeds_review.jsonl"))


@lru_cache(maxsize=1)
def _seeds() -> dict[str, str]:
    """Normalised text of each seed report, keyed by file stem."""
    assert SEEDS.is_dir(), f"seed reports not found at {SEEDS}"
    texts = {p.stem: normalize(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))}
    assert texts, f"no *.txt seed reports in {SEEDS}"
    return texts


def _longest_shared_run(a: str, b: str) -> int:
    best = 0
    for start in range(len(a)):
        end = start + best + 1
        while end <= len(a) and a[start:end] in b:
            best = end - start
            end += 1
    return best


def _core(text: str) -> str:
    return normalize(text).strip().rstrip("。.!?！？")


@pytest.mark.parametrize("name", ["seeds_qa.jsonl", "seeds_review.jsonl"])
def test_every_line_parses_and_ids_are_unique(name):
    rows = _read_jsonl(name)
    ids = [row.get("id") for row in rows]
    assert all(isinstance(i, str) and i for i in ids), f"{name}: a row lacks an id"
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates, f"{name}: duplicate ids {duplicates}"


def test_qa_rows_have_the_documented_fields_and_values():
    problems = []
    for row in _qa():
        if set(row) != QA_KEYS:
            problems.append(f"{row['id']}: fields {sorted(set(row) ^ QA_KEYS)}")
            continue
        if row["type"] not in QA_TYPES or row["script"] not in SCRIPTS:
            problems.append(f"{row['id']}: type/script {row['type']}/{row['script']}")
        if row["split"] not in SPLITS:
            problems.append(f"{row['id']}: split {row['split']}")
        if not row["question"].strip():
            problems.append(f"{row['id']}: empty question")
    assert not problems, problems


def test_qa_doc_ids_are_existing_seed_stems():
    seeds = _seeds()
    unknown = [
        (row["id"], doc) for row in _qa() for doc in row["relevant_doc_ids"] if doc not in seeds
    ]
    assert not unknown, unknown


def test_qa_counts_and_mix():
    rows = _qa()
    types = Counter(row["type"] for row in rows)
    scripts = Counter(row["script"] for row in rows)
    assert len(rows) >= 40, len(rows)
    assert types["single"] >= 28, types
    assert types["multi"] >= 8, types
    assert types["unanswerable"] >= 3, types
    assert scripts["traditional"] >= 8, scripts
    traditional_not_004 = [
        row
        for row in rows
        if row["script"] == "traditional"
        and any(not d.startswith("004_") for d in row["relevant_doc_ids"])
    ]
    assert len(traditional_not_004) >= 3, "Traditional questions must not all be about 004"
    simplified_004 = [
        row
        for row in rows
        if row["script"] == "simplified"
        and any(d.startswith("004_") for d in row["relevant_doc_ids"])
    ]
    assert len(simplified_004) >= 3, "004 (Traditional source) needs Simplified questions too"


def test_qa_type_matches_number_of_relevant_docs():
    wrong = []
    for row in _qa():
        n = len(row["relevant_doc_ids"])
        expected = "unanswerable" if n == 0 else "single" if n == 1 else "multi"
        if row["type"] != expected or len(set(row["relevant_doc_ids"])) != n:
            wrong.append(row["id"])
    assert not wrong, wrong


def test_unanswerable_questions_have_no_facts_or_answer():
    rows = [row for row in _qa() if row["type"] == "unanswerable"]
    assert rows
    for row in rows:
        assert row["relevant_doc_ids"] == [] and row["facts"] == [] and row["answer"] == "", row


def test_answerable_questions_have_short_facts_and_an_answer():
    problems = []
    for row in _qa():
        if row["type"] == "unanswerable":
            continue
        if not 1 <= len(row["facts"]) <= 4:
            problems.append(f"{row['id']}: {len(row['facts'])} facts")
        problems += [f"{row['id']}: fact {f!r}" for f in row["facts"] if not 2 <= len(f) <= 15]
        if not row["answer"].strip():
            problems.append(f"{row['id']}: empty answer")
    assert not problems, problems


def test_every_fact_is_verbatim_in_a_relevant_document():
    seeds = _seeds()
    missing = [
        (row["id"], fact)
        for row in _qa()
        for fact in row["facts"]
        if not any(normalize(fact) in seeds[d] for d in row["relevant_doc_ids"])
    ]
    assert not missing, missing


def test_facts_are_written_in_simplified():
    traditional = [(row["id"], f) for row in _qa() for f in row["facts"] if to_simplified(f) != f]
    assert not traditional, traditional


def test_multi_questions_draw_facts_from_each_relevant_document():
    seeds = _seeds()
    uncovered = [
        (row["id"], doc)
        for row in _qa()
        if row["type"] == "multi"
        for doc in row["relevant_doc_ids"]
        if not any(normalize(f) in seeds[doc] for f in row["facts"])
    ]
    assert not uncovered, uncovered


def test_question_script_label_is_true():
    wrong = []
    for row in _qa():
        is_simplified = to_simplified(row["question"]) == row["question"]
        if is_simplified != (row["script"] == "simplified"):
            wrong.append(row["id"])
    assert not wrong, wrong


def test_questions_are_paraphrased_not_copied_from_the_source():
    seeds = _seeds()
    copied = []
    for row in _qa():
        question = normalize(row["question"])
        for doc in row["relevant_doc_ids"]:
            run = _longest_shared_run(question, seeds[doc])
            if run > MAX_COPIED_RUN:
                copied.append((row["id"], doc, run))
    assert not copied, copied


def test_heldout_split_is_about_a_third_and_mixed():
    rows = _qa()
    heldout = [row for row in rows if row["split"] == "heldout"]
    assert 0.25 <= len(heldout) / len(rows) <= 0.45, f"{len(heldout)}/{len(rows)} heldout"
    assert {"single", "multi"} <= {row["type"] for row in heldout}
    assert "traditional" in {row["script"] for row in heldout}


def test_review_rows_have_the_documented_fields_and_values():
    problems = []
    for row in _review():
        if set(row) != REVIEW_KEYS:
            problems.append(f"{row['id']}: fields {sorted(set(row) ^ REVIEW_KEYS)}")
            continue
        if row["support"] not in SUPPORTS or row["kind"] not in KINDS:
            problems.append(f"{row['id']}: {row['support']}/{row['kind']}")
        if (row["support"] == "not_supported") != (row["kind"] == "unsupported"):
            problems.append(f"{row['id']}: kind 'unsupported' is for not_supported claims only")
        if not row["source_doc_ids"] or not row["claim"].strip():
            problems.append(f"{row['id']}: no source doc or empty claim")
    assert not problems, problems


def test_review_counts_per_class():
    rows = _review()
    classes = Counter(row["support"] for row in rows)
    assert len(rows) >= 45, len(rows)
    assert classes["supported"] >= 15, classes
    assert classes["contradicted"] >= 18, classes
    assert classes["not_supported"] >= 12, classes


def test_review_doc_ids_are_existing_seed_stems():
    seeds = _seeds()
    unknown = [
        (row["id"], doc) for row in _review() for doc in row["source_doc_ids"] if doc not in seeds
    ]
    assert not unknown, unknown


def test_every_review_source_is_in_its_document():
    seeds = _seeds()
    missing = [
        row["id"]
        for row in _review()
        if not any(normalize(row["source"]) in seeds[d] for d in row["source_doc_ids"])
    ]
    assert not missing, missing


def test_contradicted_and_unsupported_claims_are_not_in_any_seed():
    seeds = _seeds()
    found = [
        row["id"]
        for row in _review()
        if row["support"] != "supported"
        and any(_core(row["claim"]) in text for text in seeds.values())
    ]
    assert not found, found


def test_supported_number_and_date_claims_keep_the_source_digits():
    wrong = []
    for row in _review():
        if row["support"] != "supported" or row["kind"] not in {"number", "date"}:
            continue
        source = normalize(row["source"])
        absent = [d for d in DIGITS.findall(normalize(row["claim"])) if d not in source]
        if absent:
            wrong.append((row["id"], absent))
    assert not wrong, wrong


def test_at_least_half_of_supported_claims_are_reworded():
    seeds = _seeds()
    rows = [row for row in _review() if row["support"] == "supported"]
    verbatim = [row["id"] for row in rows if any(_core(row["claim"]) in t for t in seeds.values())]
    assert len(verbatim) * 2 <= len(rows), f"too many verbatim supported claims: {verbatim}"
