"""The synthetic archive of look-alike annual reports (evals/series.py) and its committed sets.

The corpus is generated into a temporary folder; the committed ``series_qa.jsonl`` and
``series_review.jsonl`` must be what the generator writes, and every fact must name one
year's report only.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from core.normalize import normalize
from evals import series
from evals.sets import load_set

REPO = Path(__file__).resolve().parents[2]
SETS = REPO / "evals" / "sets"
QA, REVIEW = SETS / "series_qa.jsonl", SETS / "series_review.jsonl"
# 「新发展党员15名」「党员先锋岗22个」「惠及居民1.9万户」: a metric with its figure and unit.
FIGURE = re.compile(
    r"(?:新发展党员|党员总数达到|基层党支部|老旧小区改造|惠及居民|党员突击队|党员先锋岗|主题党日活动)"
    r"\d+(?:\.\d+)?万?[名个支次户]"
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, str]:
    """Eval doc id → normalised report text."""
    paths = series.write_corpus(tmp_path_factory.mktemp("series"))
    return {p.stem: normalize(p.read_text(encoding="utf-8")) for p in paths}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _year_of(doc_id: str) -> int:
    return int(doc_id.rsplit("_", 1)[1])


# -- the corpus ------------------------------------------------------------------------


def test_one_report_a_year_dated_in_january_of_the_next(corpus):
    assert sorted(corpus) == [series.doc_id(y) for y in series.YEARS]
    for doc, text in corpus.items():
        y = _year_of(doc)
        lines = text.strip().splitlines()
        assert lines[-1].startswith(f"{y + 1}年1月"), doc
        assert lines[-2] == series.UNIT
        assert ("年度党建工作总结" in lines[0]) == (y % 2 == 0)  # half the titles name the year


def test_the_reports_say_全年_and_name_the_previous_year_only_as_a_base(corpus):
    for doc, text in corpus.items():
        y = _year_of(doc)
        assert "全年新发展党员" in text and "过去一年" in text
        if y > series.YEARS[0]:
            assert f"比{y - 1}年" in text
        body = text.split("\n", 1)[1]
        assert f"{y}年" not in body.replace(f"{y + 1}年1月", ""), doc  # only 全年 says it


def test_write_corpus_is_deterministic(tmp_path):
    a = series.write_corpus(tmp_path / "a")
    b = series.write_corpus(tmp_path / "b")
    assert [p.name for p in a] == [p.name for p in b]
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b, strict=True))
    assert series.qa_rows() == series.qa_rows()
    assert series.review_rows() == series.review_rows()
    assert series.year_facts() == series.year_facts()
    assert series.year_facts(1) != series.year_facts()  # the seed decides


def test_every_metric_differs_between_years():
    facts = series.year_facts()
    for name in ("recruited", "members", "renovated", "households", "teams", "posts"):
        values = [getattr(facts[y], name) for y in series.YEARS]
        assert len(set(values)) == len(values), name


# -- the committed sets ----------------------------------------------------------------


def test_committed_sets_are_what_the_generator_writes(tmp_path):
    assert _jsonl(QA) == series.qa_rows()
    assert _jsonl(REVIEW) == series.review_rows()
    out = tmp_path / "sets"
    out.mkdir()
    series.main([str(tmp_path / "corpus"), "--sets", str(out)])
    assert (out / QA.name).read_bytes() == QA.read_bytes()
    assert (out / REVIEW.name).read_bytes() == REVIEW.read_bytes()


def test_the_sets_load():
    qa = load_set(QA)
    review = load_set(REVIEW)
    assert qa.kind == "qa" and len(qa.rows) == len(series.qa_rows())
    assert review.kind == "review" and len(review.rows) == len(series.review_rows())
    assert load_set(QA, split="heldout").rows and load_set(QA, split="dev").rows


def test_qa_doc_ids_are_reports_of_the_corpus(corpus):
    unknown = [
        (r["id"], d) for r in series.qa_rows() for d in r["relevant_doc_ids"] if d not in corpus
    ]
    assert not unknown, unknown


def test_every_qa_fact_is_in_its_report_and_in_no_other_year(corpus):
    problems = []
    for row in series.qa_rows():
        relevant = row["relevant_doc_ids"]
        facts = [normalize(f) for f in row["facts"]]
        for fact in facts:
            elsewhere = [d for d, text in corpus.items() if d not in relevant and fact in text]
            if elsewhere:
                problems.append((row["id"], fact, "also in", elsewhere))
        for doc in relevant:
            found = [f for f in facts if f in corpus[doc]]
            if row["type"] == "multi" and not found:
                problems.append((row["id"], doc, "has none of", facts))
            if row["type"] != "multi" and len(found) != len(facts):
                problems.append((row["id"], doc, "lacks", set(facts) - set(found)))
    assert not problems, problems


def test_qa_rows_by_type():
    rows = series.qa_rows()
    by_type = {t: [r for r in rows if r["type"] == t] for t in ("single", "multi", "unanswerable")}
    assert len(by_type["multi"]) == 2 and len(by_type["unanswerable"]) == 1
    assert all(r["facts"] and len(r["relevant_doc_ids"]) == 1 for r in by_type["single"])
    assert all(len(r["facts"]) == len(r["relevant_doc_ids"]) > 1 for r in by_type["multi"])
    assert by_type["unanswerable"][0]["relevant_doc_ids"] == []
    assert len({r["id"] for r in rows}) == len(rows)


def test_a_question_about_a_year_points_at_the_report_written_after_it():
    for row in series.qa_rows():
        m = re.match(r"(?:截至)?(\d{4})年", row["question"])
        if row["type"] == "single" and m:
            assert row["relevant_doc_ids"] == [series.doc_id(int(m.group(1)))], row["id"]
            assert row["period"] == m.group(1)


def test_the_plan_question_counts_the_five_years_of_the_plan(corpus):
    (row,) = [r for r in series.qa_rows() if "十三五" in r["question"]]
    facts = series.year_facts()
    total = sum(facts[y].renovated for y in range(2016, 2021))
    assert row["facts"] == [f"老旧小区改造{total}个"]
    assert row["relevant_doc_ids"] == [series.doc_id(2020)]
    assert f"“十三五”期间,累计完成老旧小区改造{total}个" in corpus[series.doc_id(2020)]


def test_review_sources_are_in_their_report(corpus):
    missing = [
        r["id"]
        for r in series.review_rows()
        if r["support"] in ("supported", "contradicted")
        and normalize(r["source"]) not in corpus[r["source_doc_ids"][0]]
    ]
    assert not missing, missing


def test_supported_claims_name_the_year_their_report_reviews():
    for row in series.review_rows():
        if row["support"] == "supported":
            (doc,) = row["source_doc_ids"]
            assert row["claim"].startswith(f"{_year_of(doc)}年"), row["id"]
            assert all(f in normalize(row["source"]) for f in FIGURE.findall(row["claim"]))


def test_wrong_period_claims_take_another_year_s_figures(corpus):
    """The figures of a contradicted 'period' claim are its source's, not the claimed year's."""
    rows = [
        r for r in series.review_rows() if r["kind"] == "period" and r["support"] == "contradicted"
    ]
    assert rows
    problems = []
    for row in rows:
        claimed = int(row["claim"][:4])
        doc, covering = row["source_doc_ids"]  # the figure's report, the claimed year's report
        assert claimed != _year_of(doc) and covering == series.doc_id(claimed), row["id"]
        assert row["period"] == str(claimed), row["id"]
        figures = FIGURE.findall(normalize(row["claim"]))
        assert figures, row["id"]
        source = normalize(row["source"])
        claimed_report = corpus[series.doc_id(claimed)]
        for figure in figures:
            if figure not in source or figure in claimed_report:
                problems.append((row["id"], figure))
    assert not problems, problems


def _changed_numbers() -> list[tuple[dict, list[str]]]:
    rows = [r for r in series.review_rows() if r["kind"] == "number"]
    assert rows
    return [(r, FIGURE.findall(normalize(r["claim"]))) for r in rows]


def test_changed_number_claims_change_their_report_s_figure(corpus):
    for row, figures in _changed_numbers():
        (doc,) = row["source_doc_ids"]
        assert row["support"] == "contradicted"
        assert row["claim"].startswith(f"{_year_of(doc)}年"), row["id"]  # the right year
        assert figures and not any(f in corpus[doc] for f in figures), row["id"]
        assert normalize(row["source"]) in corpus[doc]
        assert FIGURE.findall(normalize(row["source"])) != figures


def test_changed_number_claims_are_in_no_report(corpus):
    found = [
        (row["id"], doc)
        for row, figures in _changed_numbers()
        for doc, text in corpus.items()
        if any(f in text for f in figures)
    ]
    assert not found, found


def test_unsupported_claims_are_in_no_report(corpus):
    rows = [r for r in series.review_rows() if r["support"] == "not_supported"]
    assert rows
    for row in rows:
        body = normalize(row["claim"])[5:].rstrip("。")  # without 「2016年」
        assert not any(body in text for text in corpus.values()), row["id"]
