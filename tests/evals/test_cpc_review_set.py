"""Checks on ``evals/sets/cpc_review.jsonl`` against the CPC congress reports: sources found,
wrong-period claims really wrong, invented claims absent (helpers in ``cpc_sets.py``)."""

from __future__ import annotations

from collections import Counter

from core.normalize import normalize

# ---------------------------------------------------------------- cpc_review.jsonl


def test_review_rows_have_the_documented_fields_and_types(cpc):
    problems = []
    for row in cpc._review():
        if set(row) != cpc.REVIEW_KEYS:
            problems.append(f"{row.get('id')}: fields {sorted(set(row) ^ cpc.REVIEW_KEYS)}")
            continue
        for key in ("id", "claim", "support", "source", "kind", "period"):
            if not isinstance(row[key], str) or (key != "period" and not row[key].strip()):
                problems.append(f"{row['id']}: {key} is not a non-empty string")
        docs = row["source_doc_ids"]
        if not isinstance(docs, list) or not docs or not all(isinstance(d, str) for d in docs):
            problems.append(f"{row['id']}: source_doc_ids")
        if row["support"] not in cpc.SUPPORTS or row["kind"] not in cpc.KINDS:
            problems.append(f"{row['id']}: {row['support']}/{row['kind']}")
        if (row["support"] == "not_supported") != (row["kind"] == "unsupported"):
            problems.append(f"{row['id']}: kind 'unsupported' is for not_supported claims only")
        if row["kind"] == "period" and row["support"] != "contradicted":
            problems.append(f"{row['id']}: kind 'period' is for contradicted claims only")
        if not cpc.PERIOD.match(row["period"]) or not row["period"]:
            problems.append(f"{row['id']}: period {row['period']!r}")
    assert not problems, problems


def test_review_counts_per_class(cpc):
    rows = cpc._review()
    classes = Counter("period" if row["kind"] == "period" else row["support"] for row in rows)
    assert 32 <= len(rows) <= 40, len(rows)
    assert 12 <= classes["supported"] <= 16, classes
    assert 8 <= classes["period"] <= 12, classes
    assert 5 <= classes["contradicted"] <= 8, classes
    assert 5 <= classes["not_supported"] <= 8, classes


def test_review_doc_ids_are_existing_reports(cpc):
    unknown = [
        (row["id"], doc)
        for row in cpc._review()
        for doc in row["source_doc_ids"]
        if doc not in cpc._reports()
    ]
    assert not unknown, unknown


def test_every_review_source_is_in_its_report(cpc):
    missing = [
        row["id"]
        for row in cpc._review()
        if normalize(row["source"]) not in cpc._reports()[row["source_doc_ids"][0]]
    ]
    assert not missing, missing


def test_contradicted_and_unsupported_claims_are_not_in_any_report(cpc):
    found = [
        row["id"]
        for row in cpc._review()
        if row["support"] != "supported"
        and any(cpc._core(row["claim"]) in text for text in cpc._reports().values())
    ]
    assert not found, found


def test_claim_periods_match_the_reports(cpc):
    """A supported or changed-number claim names a period its report covers; a 'period' claim
    names one its source report does not cover, and its second document covers it."""
    wrong = []
    for row in cpc._review():
        docs = row["source_doc_ids"]
        covered = cpc.DOC_PERIODS.get(docs[0], set())
        if row["kind"] == "period":
            if len(docs) != 2 or row["period"] in covered:
                wrong.append(row["id"])
            elif row["period"] not in cpc.DOC_PERIODS.get(docs[1], set()):
                wrong.append(row["id"])
        elif len(docs) != 1 or row["period"] not in covered:
            wrong.append(row["id"])
    assert not wrong, wrong


def test_wrong_period_claims_are_not_what_the_covering_report_says(cpc):
    """The fact a 'period' claim takes from its source is absent from the report for that period."""
    wrong = []
    for row in cpc._review():
        if row["kind"] != "period":
            continue
        fact = cpc._longest_shared(normalize(row["claim"]), normalize(row["source"]))
        if len(fact) < 4 or fact in cpc._reports()[row["source_doc_ids"][1]]:
            wrong.append((row["id"], fact))
    assert not wrong, wrong


def test_supported_figure_claims_keep_the_source_figures(cpc):
    wrong = []
    for row in cpc._review():
        if row["support"] != "supported" or row["kind"] not in {"number", "count", "date"}:
            continue
        source = normalize(row["source"])
        absent = [f for f in cpc._figures(row["claim"], unit=False) if f not in source]
        if absent:
            wrong.append((row["id"], absent))
    assert not wrong, wrong


def test_changed_figure_claims_change_a_figure_of_the_source(cpc):
    wrong = []
    for row in cpc._review():
        if row["support"] != "contradicted" or row["kind"] not in {"number", "count"}:
            continue
        source = normalize(row["source"])
        if not [f for f in cpc._figures(row["claim"]) if f not in source]:
            wrong.append(row["id"])
    assert not wrong, wrong


def test_unsupported_claims_state_a_figure_no_report_has(cpc):
    wrong = []
    for row in cpc._review():
        if row["support"] != "not_supported":
            continue
        new = [
            f
            for f in cpc._figures(row["claim"])
            if not any(f in t for t in cpc._reports().values())
        ]
        if not new:
            wrong.append(row["id"])
    assert not wrong, wrong


def test_supported_claims_are_reworded_not_copied(cpc):
    verbatim = [
        row["id"]
        for row in cpc._review()
        if row["support"] == "supported"
        and any(cpc._core(row["claim"]) in t for t in cpc._reports().values())
    ]
    assert not verbatim, verbatim
