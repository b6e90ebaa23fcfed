"""Score metadata extraction (title, org, date, year, genre) against a gold JSONL.

Each gold row names one document by ``source`` and ``ref``: ``seeds`` (a file in
../shared/corpus/seeds), ``examples`` (a file in examples/corpus), ``cpc`` (an id in
../shared/evaldata/cpc_reports/corpus.jsonl, ingested with its title as the hint, as eval
corpora are) or ``scale`` (an id in ../shared/evaldata/scale/crud_news_68k.jsonl.gz), and
carries a ``split``: ``dev`` (rules were developed looking at these) or ``heldout`` (scored
only at the end). A ``variant`` row (always dev) is a dev document laid out another way, the
way drafting offices print the same report: its ``base`` (``seeds:<file>`` or ``cpc:<id>``) with
``drop_head``/``drop_tail`` lines removed, ``replace`` pairs applied, then ``head`` and ``tail``
lines added (a title split over two lines, a 「——2023年3月5日在……上的讲话」 line, a 落款). It is
ingested without a title hint, as a file would be.

1. Build each document the way ingest does (``load_file`` → ``build_document``).
2. Compare each field: titles, orgs after normalisation with all spaces removed; a gold
   title of ``null`` means the text states none, and the extractor is right when it marks its
   title ``title_source == "derived"``; date, year and genre exactly.
3. Report accuracy per field and split, and every miss.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import LoadError
from core.normalize import normalize
from index.loaders import load_file
from index.prepare import build_document

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIELDS = ("title", "org", "date", "year", "genre")
_SPACE_RE = re.compile(r"\s+")


@dataclass
class Miss:
    """One field the extractor got wrong."""

    doc: str
    field: str
    gold: object
    got: object


@dataclass
class Score:
    """Correct/total per field for one split, and the misses."""

    correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    total: int = 0
    misses: list[Miss] = field(default_factory=list)

    def accuracy(self, name: str) -> float:
        return self.correct[name] / self.total if self.total else 0.0


def load_gold(path: Path) -> list[dict]:
    """Gold rows of a JSONL file."""
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise LoadError(str(path), f"line {lineno}: {exc.msg}") from exc
    return rows


def _jsonl_texts(path: Path, wanted: set[str]) -> dict[str, dict]:
    if not wanted:
        return {}
    opener = gzip.open if path.suffix == ".gz" else open
    found = {}
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not any(w in line[:200] for w in wanted):
                continue
            row = json.loads(line)
            if str(row["id"]) in wanted:
                found[str(row["id"])] = row
    return found


def _base(row: dict) -> dict:
    """A variant's base as a plain row (``source``, ``ref``)."""
    source, _, ref = row["base"].partition(":")
    if source not in ("seeds", "cpc") or not ref:
        raise LoadError(
            row["id"], f"variant base must be seeds:<file> or cpc:<id>, not {row['base']!r}"
        )
    return {"id": row["base"], "source": source, "ref": ref}


def variant_text(base: str, row: dict) -> str:
    """The base text laid out as the variant row says (module docstring)."""
    lines = base.split("\n")
    lines = lines[row.get("drop_head", 0) : len(lines) - row.get("drop_tail", 0)]
    text = "\n".join(lines)
    for old, new in row.get("replace", []):
        if old not in text:
            raise LoadError(row["id"], f"replace: {old!r} is not in the base text")
        text = text.replace(old, new)
    return "\n".join([*row.get("head", []), text, *row.get("tail", [])])


def documents(gold: list[dict], shared: Path = SHARED) -> dict[str, tuple[str, str | None]]:
    """``gold id -> (raw text, title hint)`` for every gold row."""
    variants = [g for g in gold if g["source"] == "variant"]
    bases = {b["id"]: b for b in map(_base, variants)}
    plain = [g for g in gold if g["source"] != "variant"] + list(bases.values())
    out: dict[str, tuple[str, str | None]] = {}
    cpc = _jsonl_texts(
        shared / "evaldata" / "cpc_reports" / "corpus.jsonl",
        {g["ref"] for g in plain if g["source"] == "cpc"},
    )
    scale = _jsonl_texts(
        shared / "evaldata" / "scale" / "crud_news_68k.jsonl.gz",
        {g["ref"] for g in plain if g["source"] == "scale"},
    )
    for g in plain:
        if g["source"] in ("seeds", "examples"):
            folder = shared / "corpus" / "seeds" if g["source"] == "seeds" else REPO / "examples"
            path = folder / g["ref"] if g["source"] == "seeds" else folder / "corpus" / g["ref"]
            loaded = load_file(path)
            out[g["id"]] = (loaded.text, loaded.title_hint)
        else:
            row = (cpc if g["source"] == "cpc" else scale)[g["ref"]]
            out[g["id"]] = (row["text"], row.get("title") or None)
    for g in variants:
        out[g["id"]] = (variant_text(out[g["base"]][0], g), None)
    return out


def _norm(value: object) -> object:
    return _SPACE_RE.sub("", normalize(value)) if isinstance(value, str) else value


def predict(raw: str, hint: str | None, source_path: str) -> dict:
    """What ingest records for one document: its title, title_source and metadata."""
    doc = build_document(raw, source_path=source_path, title_hint=hint)
    if doc is None:
        return {"title": None, "title_source": None}
    return {"title": doc.title, **doc.metadata}


def field_right(name: str, gold: object, got: dict) -> bool:
    """Whether one predicted field matches the gold (module rule 2)."""
    if name == "title" and gold is None:
        return got.get("title_source") == "derived"
    return _norm(gold) == _norm(got.get(name))


def score(gold: Iterable[dict], shared: Path = SHARED) -> dict[str, Score]:
    """Scores per split (``dev``, ``heldout``) and ``all``."""
    rows = list(gold)
    texts = documents(rows, shared)
    scores: dict[str, Score] = {}
    for g in rows:
        raw, hint = texts[g["id"]]
        got = predict(raw, hint, g["id"])
        for split in (g["split"], "all"):
            s = scores.setdefault(split, Score())
            s.total += 1
            for name in FIELDS:
                if field_right(name, g[name], got):
                    s.correct[name] += 1
                elif split != "all":
                    s.misses.append(Miss(g["id"], name, g[name], got.get(name)))
    return scores
