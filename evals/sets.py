"""Loading and validating eval sets (JSONL). Pydantic lives only here, at the edge.

Three row shapes, told apart by their keys:

- QA / retrieval: ``{"id", "question", "relevant_doc_ids", "facts"?, "answer"?,
  "negative_doc_ids"?}``. ``answer`` is a reference text, or (RGB) a list of facts where a
  fact may itself be a list of alternative spellings. ``facts`` defaults to that list.
- Summary: the same shape with a reference ``answer`` text and no facts (CRUD-RAG
  event summaries). Scored like QA; the kind only changes labels in reports.
- Review: ``{"id", "claim", "support", "source_doc_ids"}`` with ``support`` one of
  supported / not_supported / contradicted.

Unknown keys are ignored, so the shared sets load as they are.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.errors import LoadError

# What a review claim is: the labels the checker and the harness score.
Support = Literal["supported", "not_supported", "contradicted"]

SetKind = Literal["qa", "summary", "review"]
FactSpec = str | list[str]


class QARow(BaseModel):
    """A question with the documents (and optionally facts/reference) that answer it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    relevant_doc_ids: list[str] = Field(default_factory=list)
    negative_doc_ids: list[str] = Field(default_factory=list)
    facts: list[FactSpec] | None = None
    answer: str | list[FactSpec] | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int) else v

    def fact_list(self) -> list[FactSpec]:
        """The facts to look for: ``facts``, else a list-valued ``answer``, else none."""
        if self.facts is not None:
            return list(self.facts)
        if isinstance(self.answer, list):
            return list(self.answer)
        return []

    def reference(self) -> str | None:
        """The reference answer text, when ``answer`` is a text."""
        return self.answer if isinstance(self.answer, str) else None

    @property
    def query(self) -> str:
        """What is sent to the retriever."""
        return self.question

    @property
    def gold_doc_ids(self) -> list[str]:
        """Documents counted as relevant."""
        return self.relevant_doc_ids


class ReviewRow(BaseModel):
    """A claim with its gold verdict against the corpus."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(min_length=1)
    claim: str = Field(min_length=1)
    support: Support
    source_doc_ids: list[str] = Field(default_factory=list)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int) else v

    @property
    def query(self) -> str:
        """What is sent to the retriever."""
        return self.claim

    @property
    def gold_doc_ids(self) -> list[str]:
        """Documents counted as relevant."""
        return self.source_doc_ids


Row = QARow | ReviewRow


@dataclass(frozen=True)
class EvalSet:
    """A loaded set: its rows in file order, its kind and a hash of the file's bytes."""

    path: Path
    kind: SetKind
    rows: list[Row]
    sha256: str

    @property
    def name(self) -> str:
        """The file stem."""
        return self.path.stem


def _row_kind(raw: dict) -> SetKind:
    if "claim" in raw:
        return "review"
    if isinstance(raw.get("answer"), str) and raw.get("facts") is None:
        return "summary"
    return "qa"


def load_set(path: Path, *, limit: int | None = None, split: str | None = None) -> EvalSet:
    """Read and validate a JSONL set; ``split`` keeps the rows of that split (``dev``,
    ``heldout``), ``limit`` the first N rows.

    Raises ``LoadError`` naming the file and line for bad JSON, a row that fails
    validation, a review row mixed with QA rows, a duplicate id, or an empty file.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(str(path), f"cannot read eval set: {exc.strerror or exc}") from exc
    rows: list[Row] = []
    kinds: set[SetKind] = set()
    seen: set[str] = set()
    for lineno, line in enumerate(data.decode("utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LoadError(str(path), f"line {lineno}: not JSON ({exc.msg})") from exc
        if not isinstance(raw, dict):
            raise LoadError(str(path), f"line {lineno}: expected a JSON object")
        if split is not None and raw.get("split") != split:
            continue
        kind = _row_kind(raw)
        model = ReviewRow if kind == "review" else QARow
        try:
            row = model.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "row"
            raise LoadError(str(path), f"line {lineno}: {where}: {first['msg']}") from exc
        if row.id in seen:
            raise LoadError(str(path), f"line {lineno}: duplicate id {row.id!r}")
        seen.add(row.id)
        kinds.add(kind)
        rows.append(row)
        if limit is not None and len(rows) >= limit:
            break
    if not rows:
        raise LoadError(str(path), "eval set has no rows")
    if "review" in kinds and len(kinds) > 1:
        raise LoadError(str(path), "eval set mixes review claims with questions")
    set_kind: SetKind = "review" if "review" in kinds else ("qa" if "qa" in kinds else "summary")
    return EvalSet(path=path, kind=set_kind, rows=rows, sha256=hashlib.sha256(data).hexdigest())
