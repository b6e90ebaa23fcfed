"""A conversation's dataclasses: one ``Turn`` per question, its answer and its own sources."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.generation.types import AnswerResult, Citation, SentenceCheck
from assistant.retrieval.base import Hit

UNDERSTOOD_PREFIX = "理解为："


@dataclass
class Turn:
    """One question of a conversation and what was answered.

    ``understood``: the standalone question the answer was made from, when it differs from
    what the drafter typed (shown as 「理解为：……」); ``label``: who wrote the answer;
    ``generator``: which generator that was (extractive | local | endpoint); ``sentences``: the
    verifier's check of each sentence (the page colours the answer by them)."""

    question: str
    answer: str = ""
    understood: str = ""
    mode: str = "answer"
    filters: dict[str, Any] | None = None
    label: str = ""
    extractive: bool = True
    notices: list[str] = field(default_factory=list)
    sources: list[Citation] = field(default_factory=list)
    cited: list[int] = field(default_factory=list)
    generator: str = ""
    sentences: list[SentenceCheck] = field(default_factory=list)

    @property
    def asked(self) -> str:
        """The question the answer was made from."""
        return self.understood or self.question

    @property
    def cited_sources(self) -> list[Citation]:
        """The sources the answer cites, in number order (all of them when none is cited)."""
        chosen = [c for c in self.sources if c.n in set(self.cited)]
        return sorted(chosen, key=lambda c: c.n) or list(self.sources)

    @classmethod
    def from_result(
        cls,
        question: str,
        understood: str,
        result: AnswerResult,
        filters: dict[str, Any] | None = None,
    ) -> Turn:
        """The turn for a finished answer."""
        return cls(
            question=question,
            answer=result.text,
            understood=understood if understood != question else "",
            mode=result.mode,
            filters=filters,
            label=result.generator_label or ("抽取式" if result.extractive else "大模型"),
            extractive=result.extractive,
            notices=list(result.notices),
            sources=list(result.sources),
            cited=list(result.cited),
            generator=result.generator,
            sentences=list(result.sentences),
        )

    def to_record(self) -> dict[str, Any]:
        """Everything but the question and answer, as JSON-ready values."""
        return {
            "understood": self.understood,
            "mode": self.mode,
            "filters": self.filters,
            "label": self.label,
            "extractive": self.extractive,
            "notices": self.notices,
            "cited": self.cited,
            "sources": [_citation_record(c) for c in self.sources],
            "generator": self.generator,
            "sentences": [asdict(s) for s in self.sentences],
        }

    @classmethod
    def from_record(cls, question: str, answer: str, record: dict[str, Any]) -> Turn:
        """The turn ``to_record`` wrote."""
        return cls(
            question=question,
            answer=answer,
            understood=record.get("understood", ""),
            mode=record.get("mode", "answer"),
            filters=record.get("filters"),
            label=record.get("label", ""),
            extractive=bool(record.get("extractive", True)),
            notices=list(record.get("notices", [])),
            cited=[int(n) for n in record.get("cited", [])],
            sources=[_citation_from(r) for r in record.get("sources", [])],
            generator=record.get("generator", ""),
            sentences=[_check_from(r) for r in record.get("sentences", [])],
        )


@dataclass
class Conversation:
    """A titled list of turns belonging to one user."""

    id: str
    user: str
    title: str
    updated: float = 0.0
    turns: list[Turn] = field(default_factory=list)


def _plain(metadata: dict[str, Any]) -> dict[str, Any]:
    """The metadata worth keeping: plain values only (no parsed periods)."""
    return {
        k: v
        for k, v in metadata.items()
        if not k.startswith("_") and isinstance(v, str | int | float | bool)
    }


def _citation_record(c: Citation) -> dict[str, Any]:
    h = c.hit
    return {
        "n": c.n,
        "chunk_id": h.chunk_id,
        "doc_id": h.doc_id,
        "text": h.text,
        "title": h.title,
        "section_path": h.section_path,
        "source_path": h.source_path,
        "metadata": _plain(h.metadata),
    }


def _check_from(r: dict[str, Any]) -> SentenceCheck:
    return SentenceCheck(
        r.get("text", ""),
        r.get("label", "not_claim"),
        r.get("n"),
        [int(n) for n in r.get("written", [])],
        r.get("reason", ""),
        r.get("source_text", ""),
        [(str(k), str(d), str(s)) for k, d, s in r.get("differences", [])],
    )


def _citation_from(r: dict[str, Any]) -> Citation:
    hit = Hit(
        r["chunk_id"],
        r["doc_id"],
        r["text"],
        0.0,
        r.get("title", ""),
        r.get("section_path", ""),
        r.get("source_path", ""),
        dict(r.get("metadata", {})),
    )
    return Citation(int(r["n"]), hit)
