"""What an ingest run did, file by file."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

STATUSES = ("indexed", "unchanged", "duplicate", "removed", "skipped", "failed")
STATUS_ZH = {
    "indexed": "已入库",
    "unchanged": "未变化",
    "duplicate": "重复",
    "removed": "已移除",
    "skipped": "已跳过",
    "failed": "失败",
}


def same_content(other: str) -> str:
    """The reason of a duplicate; the edges may show ``other`` relative to their folder."""
    return f"与 {other} 内容相同"


@dataclass
class FileOutcome:
    """One input's fate. ``reason`` is a one-line explanation a drafter understands."""

    key: str
    status: str  # one of STATUSES
    reason: str = ""
    doc_id: str | None = None
    n_chunks: int = 0
    warnings: list[str] = field(default_factory=list)
    other: str | None = None  # the file a duplicate has the same content as

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown ingest status {self.status!r}")


@dataclass
class IngestReport:
    """Every outcome of a run, plus run-level facts."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # half-written docs undone at start
    repaired: str = ""  # what the repair before the run put back (lost vectors, BM25 files)
    chunks_embedded: int = 0

    def add(self, outcome: FileOutcome) -> None:
        self.outcomes.append(outcome)

    def counts(self) -> dict[str, int]:
        c = Counter(o.status for o in self.outcomes)
        return {s: c.get(s, 0) for s in STATUSES}

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def by_status(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]
