"""Checks on ``evals/sets/cpc_qa.jsonl`` and ``cpc_review.jsonl`` against the CPC congress reports.

The reports are a series of look-alike documents: each one looks back on the years since the
previous congress in similar words (「过去五年」「五年来」). The sets test whether an answer or a
verdict comes from the report that covers the period asked about. These tests only read files.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from core.normalize import normalize, to_simplified

REPO = Path(__file__).resolve().parents[2]
SETS = REPO / "evals" / "sets"
CORPUS = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "evaldata"
    / "cpc_reports"
    / "corpus.jsonl"
)

QA_KEYS = {
    "id",
    "question",
    "relevant_doc_ids",
    "facts",
    "answer",
    "type",
    "script",
    "split",
    "period",
}
REVIEW_KEYS = {"id", "claim", "support", "source_doc_ids", "source", "kind", "period"}
QA_TYPES = {"single", "multi", "unanswerable"}
SPLITS = {"dev", "heldout"}
SUPPORTS = {"supported", "contradicted", "not_supported"}
KINDS = {"number", "date", "count", "name", "paraphrase", "period", "unsupported"}
MAX_COPIED_RUN = 12
# "2012—2017", "2025" or "" (no time in the question).
PERIOD = re.compile(r"^(?:\d{4}(?:—\d{4})?)?$")

# The periods each report looks back on: the years since the previous congress and, where the
# report has one, its longer retrospective (十年来, 十三年来, 九年 …).
DOC_PERIODS = {
    "cpc03": {"1922—1923"},
    "cpc09": {"1956—1969"},
    "cpc10": {"1969—1973"},
    "cpc11": {"1973—1977"},
    "cpc12": {"1976—1982"},
    "cpc13": {"1982—1987", "1978—1987"},
    "cpc14": {"1987—1992", "1978—1992"},
    "cpc15": {"1992—1997"},
    "cpc16": {"1997—2002", "1989—2002"},
    "cpc17": {"2002—2007", "1978—2007"},
    "cpc18": {"2007—2012", "2002—2012"},
    "cpc19": {"2012—2017"},
    "cpc20": {"2017—2022", "2012—2022"},
}
# A number as written in the reports (Chinese numerals, 百分之…, digits) with the character after it.
NUMBER = re.compile(
    r"(?:百分之)?[〇零一二两三四五六七八九十百千万亿点\d.]+[多余]?[^\s，。、,;；：:（）()—]?"
)
NUMBER_UNIT = re.compile(r"[^〇零一二两三四五六七八九十百千万亿点\d.多余]$")
# Tokens that name a congress, a plenum or a length of time, not a stated figure.
NOT_A_FIGURE = re.compile(r"(?:\d{4}.?|.*[年大届中])$")
# Time expressions a "no time" question must not contain.
TIME_WORDS = re.compile(r"\d{4}|[一二三四五六七八九十]+大|五年|十年|年来|以来|期间|届")


def _read_jsonl(name: str) -> list[dict]:
    rows = []
    path = SETS / name
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise AssertionError(f"{path.name}:{number} is not JSON: {exc}") from exc
    return rows


@lru_cache(maxsize=1)
def _qa() -> tuple[dict, ...]:
    return tuple(_read_jsonl("cpc_qa.jsonl"))


@lru_cache(maxsize=1)
def _review() -> tuple[dict, ...]:
    return tuple(_read_jsonl("cpc_review.jsonl"))


@lru_cache(maxsize=1)
def _reports() -> dict[str, str]:
    """Normalised text of each report, keyed by id."""
    texts = {}
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            texts[row["id"]] = normalize(row["text"])
    assert texts, f"no reports in {CORPUS}"
    return texts


@pytest.fixture(scope="module")
def reports() -> dict[str, str]:
    if not CORPUS.is_file():
        pytest.skip(f"CPC reports not found at {CORPUS}")
    return _reports()


def _congress(doc_id: str) -> int:
    return int(re.match(r"cpc(\d+)", doc_id).group(1))


def _longest_shared_run(a: str, b: str) -> int:
    return len(_longest_shared(a, b))


def _longest_shared(a: str, b: str) -> str:
    best = ""
    for start in range(len(a)):
        end = start + len(best) + 1
        while end <= len(a) and a[start:end] in b:
            best = a[start:end]
            end += 1
    return best


def _core(text: str) -> str:
    return normalize(text).strip().rstrip("。.!?！？")


def _figures(text: str, *, unit: bool = True) -> list[str]:
    """The stated figures in a sentence, each with the character after it (its unit) or,
    with ``unit=False``, without it."""
    found = [m.group() for m in NUMBER.finditer(normalize(text))]
    figures = [f for f in found if len(f) >= 2 and not NOT_A_FIGURE.match(f)]
    if not unit:
        figures = [NUMBER_UNIT.sub("", f) for f in figures]
    return figures


def _is_period_question(row: dict) -> bool:
    return row["type"] == "single" and row["period"] != ""


def _is_no_time_question(row: dict) -> bool:
    return row["type"] == "single" and row["period"] == ""


# ---------------------------------------------------------------- both files


@pytest.mark.parametrize("name", ["cpc_qa.jsonl", "cpc_review.jsonl"])
def test_every_line_parses_and_ids_are_unique(name):
    rows = _read_jsonl(name)
    ids = [row.get("id") for row in rows]
    assert all(isinstance(i, str) and i for i in ids), f"{name}: a row lacks an id"
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates, f"{name}: duplicate ids {duplicates}"


def test_the_sets_load_with_the_project_loader():
    from evals.sets import load_set

    assert load_set(SETS / "cpc_qa.jsonl").kind == "qa"
    assert load_set(SETS / "cpc_review.jsonl").kind == "review"


# ---------------------------------------------------------------- cpc_qa.jsonl


def test_qa_rows_have_the_documented_fields_and_types():
    problems = []
    for row in _qa():
        if set(row) != QA_KEYS:
            problems.append(f"{row.get('id')}: fields {sorted(set(row) ^ QA_KEYS)}")
            continue
        for key in ("id", "question", "answer", "type", "script", "split", "period"):
            if not isinstance(row[key], str):
                problems.append(f"{row['id']}: {key} is not a string")
        for key in ("relevant_doc_ids", "facts"):
            if not isinstance(row[key], list) or not all(isinstance(x, str) for x in row[key]):
                problems.append(f"{row['id']}: {key} is not a list of strings")
        if row["type"] not in QA_TYPES or row["split"] not in SPLITS:
            problems.append(f"{row['id']}: type/split {row['type']}/{row['split']}")
        if row["script"] != "simplified" or to_simplified(row["question"]) != row["question"]:
            problems.append(f"{row['id']}: question is not Simplified")
        if not isinstance(row["period"], str) or not PERIOD.match(row["period"]):
            problems.append(f"{row['id']}: period {row['period']!r}")
        if not row["question"].strip():
            problems.append(f"{row['id']}: empty question")
    assert not problems, problems


def test_qa_doc_ids_are_existing_reports(reports):
    unknown = [
        (row["id"], doc) for row in _qa() for doc in row["relevant_doc_ids"] if doc not in reports
    ]
    assert not unknown, unknown


def test_qa_counts_and_mix():
    rows = _qa()
    kinds = Counter(
        "period"
        if _is_period_question(row)
        else "no_time"
        if _is_no_time_question(row)
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


def test_qa_type_matches_number_of_relevant_docs():
    wrong = []
    for row in _qa():
        n = len(row["relevant_doc_ids"])
        expected = "unanswerable" if n == 0 else "single" if n == 1 else "multi"
        if row["type"] != expected or len(set(row["relevant_doc_ids"])) != n or n > 4:
            wrong.append(row["id"])
    assert not wrong, wrong


def test_unanswerable_questions_have_no_docs_facts_or_answer():
    rows = [row for row in _qa() if row["type"] == "unanswerable"]
    assert rows
    for row in rows:
        assert row["relevant_doc_ids"] == [] and row["facts"] == [] and row["answer"] == "", row


def test_answerable_questions_have_short_facts_and_an_answer():
    problems = []
    for row in _qa():
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


def test_every_fact_is_verbatim_in_a_relevant_report(reports):
    missing = [
        (row["id"], fact)
        for row in _qa()
        for fact in row["facts"]
        if not any(normalize(fact) in reports[d] for d in row["relevant_doc_ids"])
    ]
    assert not missing, missing


def test_multi_questions_draw_facts_from_each_relevant_report(reports):
    uncovered = [
        (row["id"], doc)
        for row in _qa()
        if row["type"] == "multi"
        for doc in row["relevant_doc_ids"]
        if not any(normalize(f) in reports[doc] for f in row["facts"])
    ]
    assert not uncovered, uncovered


def test_period_questions_point_at_the_report_that_covers_the_period():
    wrong = [
        (row["id"], row["period"], row["relevant_doc_ids"][0])
        for row in _qa()
        if _is_period_question(row)
        and row["period"] not in DOC_PERIODS.get(row["relevant_doc_ids"][0], set())
    ]
    assert not wrong, wrong


def test_no_time_questions_have_no_time_and_no_newer_report_restates_the_fact(reports):
    """The row's report is the newest one with the fact (a newer report stating a different value
    of the same measure is not detectable here; that was checked by hand)."""
    problems = []
    for row in _qa():
        if not _is_no_time_question(row):
            continue
        if TIME_WORDS.search(row["question"]):
            problems.append(f"{row['id']}: the question names a time")
        doc = row["relevant_doc_ids"][0]
        newer = [d for d in reports if d in DOC_PERIODS and _congress(d) > _congress(doc)]
        restated = [(f, d) for f in row["facts"] for d in newer if normalize(f) in reports[d]]
        if restated:
            problems.append(f"{row['id']}: a newer report states {restated}")
    assert not problems, problems


def test_questions_are_paraphrased_not_copied_from_the_source(reports):
    copied = []
    for row in _qa():
        question = normalize(row["question"])
        for doc in row["relevant_doc_ids"]:
            run = _longest_shared_run(question, reports[doc])
            if run > MAX_COPIED_RUN:
                copied.append((row["id"], doc, run))
    assert not copied, copied


def test_heldout_split_is_about_a_third_and_mixed():
    rows = _qa()
    heldout = [row for row in rows if row["split"] == "heldout"]
    assert 0.25 <= len(heldout) / len(rows) <= 0.45, f"{len(heldout)}/{len(rows)} heldout"
    assert any(_is_period_question(row) for row in heldout)
    assert any(_is_no_time_question(row) for row in heldout)
    assert {"multi", "unanswerable"} <= {row["type"] for row in heldout}


# ---------------------------------------------------------------- cpc_review.jsonl


def test_review_rows_have_the_documented_fields_and_types():
    problems = []
    for row in _review():
        if set(row) != REVIEW_KEYS:
            problems.append(f"{row.get('id')}: fields {sorted(set(row) ^ REVIEW_KEYS)}")
            continue
        for key in ("id", "claim", "support", "source", "kind", "period"):
            if not isinstance(row[key], str) or (key != "period" and not row[key].strip()):
                problems.append(f"{row['id']}: {key} is not a non-empty string")
        docs = row["source_doc_ids"]
        if not isinstance(docs, list) or not docs or not all(isinstance(d, str) for d in docs):
            problems.append(f"{row['id']}: source_doc_ids")
        if row["support"] not in SUPPORTS or row["kind"] not in KINDS:
            problems.append(f"{row['id']}: {row['support']}/{row['kind']}")
        if (row["support"] == "not_supported") != (row["kind"] == "unsupported"):
            problems.append(f"{row['id']}: kind 'unsupported' is for not_supported claims only")
        if row["kind"] == "period" and row["support"] != "contradicted":
            problems.append(f"{row['id']}: kind 'period' is for contradicted claims only")
        if not PERIOD.match(row["period"]) or not row["period"]:
            problems.append(f"{row['id']}: period {row['period']!r}")
    assert not problems, problems


def test_review_counts_per_class():
    rows = _review()
    classes = Counter("period" if row["kind"] == "period" else row["support"] for row in rows)
    assert 32 <= len(rows) <= 40, len(rows)
    assert 12 <= classes["supported"] <= 16, classes
    assert 8 <= classes["period"] <= 12, classes
    assert 5 <= classes["contradicted"] <= 8, classes
    assert 5 <= classes["not_supported"] <= 8, classes


def test_review_doc_ids_are_existing_reports(reports):
    unknown = [
        (row["id"], doc) for row in _review() for doc in row["source_doc_ids"] if doc not in reports
    ]
    assert not unknown, unknown


def test_every_review_source_is_in_its_report(reports):
    missing = [
        row["id"]
        for row in _review()
        if normalize(row["source"]) not in reports[row["source_doc_ids"][0]]
    ]
    assert not missing, missing


def test_contradicted_and_unsupported_claims_are_not_in_any_report(reports):
    found = [
        row["id"]
        for row in _review()
        if row["support"] != "supported"
        and any(_core(row["claim"]) in text for text in reports.values())
    ]
    assert not found, found


def test_claim_periods_match_the_reports():
    """A supported or changed-number claim names a period its report covers; a 'period' claim
    names one its source report does not cover, and its second document covers it."""
    wrong = []
    for row in _review():
        docs = row["source_doc_ids"]
        covered = DOC_PERIODS.get(docs[0], set())
        if row["kind"] == "period":
            if len(docs) != 2 or row["period"] in covered:
                wrong.append(row["id"])
            elif row["period"] not in DOC_PERIODS.get(docs[1], set()):
                wrong.append(row["id"])
        elif len(docs) != 1 or row["period"] not in covered:
            wrong.append(row["id"])
    assert not wrong, wrong


def test_wrong_period_claims_are_not_what_the_covering_report_says(reports):
    """The fact a 'period' claim takes from its source is absent from the report for that period."""
    wrong = []
    for row in _review():
        if row["kind"] != "period":
            continue
        fact = _longest_shared(normalize(row["claim"]), normalize(row["source"]))
        if len(fact) < 4 or fact in reports[row["source_doc_ids"][1]]:
            wrong.append((row["id"], fact))
    assert not wrong, wrong


def test_supported_figure_claims_keep_the_source_figures():
    wrong = []
    for row in _review():
        if row["support"] != "supported" or row["kind"] not in {"number", "count", "date"}:
            continue
        source = normalize(row["source"])
        absent = [f for f in _figures(row["claim"], unit=False) if f not in source]
        if absent:
            wrong.append((row["id"], absent))
    assert not wrong, wrong


def test_changed_figure_claims_change_a_figure_of_the_source():
    wrong = []
    for row in _review():
        if row["support"] != "contradicted" or row["kind"] not in {"number", "count"}:
            continue
        source = normalize(row["source"])
        if not [f for f in _figures(row["claim"]) if f not in source]:
            wrong.append(row["id"])
    assert not wrong, wrong


def test_unsupported_claims_state_a_figure_no_report_has(reports):
    wrong = []
    for row in _review():
        if row["support"] != "not_supported":
            continue
        new = [f for f in _figures(row["claim"]) if not any(f in t for t in reports.values())]
        if not new:
            wrong.append(row["id"])
    assert not wrong, wrong


def test_supported_claims_are_reworded_not_copied(reports):
    verbatim = [
        row["id"]
        for row in _review()
        if row["support"] == "supported" and any(_core(row["claim"]) in t for t in reports.values())
    ]
    assert not verbatim, verbatim
