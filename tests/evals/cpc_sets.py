"""Shared by the CPC set tests (``test_cpc_sets.py``, ``test_cpc_review_set.py``): the sets,
the normalised reports and the helpers that read figures and periods out of them. Used through
the ``cpc`` fixture in ``conftest.py``."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from core.normalize import normalize
from tests.helpers import read_jsonl

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
    return read_jsonl(SETS / name)


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
