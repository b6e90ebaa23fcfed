"""The real retrievers for an eval corpus: the project's index (hybrid/dense/bm25) and naive.

Each corpus gets its own data dir, ``<eval_root>/<corpus_hash[:16]>-c<chunking>``, so its index is
built once and reused while the corpus is unchanged. The project modules are imported
inside functions: the harness and its tests load without them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.retrieval.base import Retriever
from core.errors import ConfigError
from core.settings import Settings
from evals.corpus import CorpusDoc, corpus_hash, is_jsonl, read_corpus

MARKER = "eval_corpus.json"


@dataclass
class PreparedCorpus:
    """A corpus with its hash, documents and the settings pointing at its own data dir."""

    path: Path
    hash: str
    docs: list[CorpusDoc]
    settings: Settings

    @property
    def data_dir(self) -> Path:
        """Where this corpus's index (and the naive Chroma folder) live."""
        return self.settings.data_dir


def default_eval_root(settings: Settings) -> Path:
    """``<settings.data_dir>/evals``."""
    return settings.data_dir / "evals"


def prepare_corpus(
    corpus: Path, settings: Settings, eval_root: Path | None = None
) -> PreparedCorpus:
    """Read and hash ``corpus`` and derive its per-corpus settings."""
    corpus = Path(corpus)
    digest = corpus_hash(corpus)
    root = eval_root or default_eval_root(settings)
    # Chunking settings are part of the key: an index is never re-chunked in place.
    chunking = "-".join(map(str, settings.chunking))
    # The converted embedding model stays where the user's settings keep it (not per corpus).
    corpus_settings = settings.model_copy(
        update={"data_dir": root / f"{digest[:16]}-c{chunking}", "model_dir": settings.models_dir}
    )
    return PreparedCorpus(corpus, digest, read_corpus(corpus), corpus_settings)


def _index_key(prepared: PreparedCorpus) -> dict[str, Any]:
    s = prepared.settings
    return {
        "corpus": str(prepared.path.resolve()),
        "corpus_hash": prepared.hash,
        "embedder": s.embedder,
        "embedder_model_path": str(s.embedder_model_path) if s.embedder_model_path else None,
        "embedding_model": s.embedding_model,
        "chunk_tokens": s.chunk_tokens,
        "chunk_overlap_sentences": s.chunk_overlap_sentences,
    }


def ingest_corpus(prepared: PreparedCorpus, *, embedder: Any = None, progress: Any = None) -> Any:
    """Ingest the corpus into its own data dir and return the ``IngestReport``.

    Always calls the project's ingest, which is incremental: an unchanged corpus costs a
    catalog check, and a changed setting or chunker is the index's business, so an eval
    never runs on a stale index. ``eval_corpus.json`` records which corpus the dir holds.
    """
    try:
        from index.pipeline import ingest_paths, ingest_records
    except ImportError as exc:
        raise ConfigError(f"the project index is not available: {exc}") from exc
    if is_jsonl(prepared.path):
        records = ({"id": d.eval_id, "title": d.title, "text": d.text} for d in prepared.docs)
        report = ingest_records(
            records,
            prepared.settings,
            source_name=prepared.path.name,
            embedder=embedder,
            progress=progress,
        )
    else:
        report = ingest_paths(
            [prepared.path], prepared.settings, prune=True, embedder=embedder, progress=progress
        )
    prepared.data_dir.mkdir(parents=True, exist_ok=True)
    (prepared.data_dir / MARKER).write_text(
        json.dumps(_index_key(prepared), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return report


class ProjectRetrievers:
    """``name -> Retriever`` for hybrid, dense, bm25 (the project's) and naive.

    The index is ingested on first need; the embedder is built once and shared.
    """

    def __init__(
        self,
        prepared: PreparedCorpus,
        *,
        ingest_progress: Any = None,
        naive_progress: Callable[[int, int], None] | None = None,
    ):
        self.prepared = prepared
        self._ingest_progress = ingest_progress
        self._naive_progress = naive_progress
        self._embedder: Any = None
        self._ingested = False
        self.notes: list[str] = []

    @property
    def embedder(self) -> Any:
        """The project's embedder for these settings (built on first use)."""
        if self._embedder is None:
            try:
                from index.embedders import make_embedder
            except ImportError as exc:
                raise ConfigError(f"the project embedders are not available: {exc}") from exc
            self._embedder = make_embedder(self.prepared.settings)
        return self._embedder

    @property
    def embedder_model_id(self) -> str | None:
        """The embedder's model id, if it was built during this run."""
        return getattr(self._embedder, "model_id", None)

    def __call__(self, name: str) -> Retriever:
        if name == "naive":
            from evals.naive import NaiveChromaRetriever

            retriever = NaiveChromaRetriever(
                self.prepared.docs,
                self.embedder,
                self.prepared.data_dir / "naive",
                progress=self._naive_progress,
            )
            if retriever.skipped:
                self.notes.append(
                    f"naive: {retriever.skipped} non-plain-text files not indexed (no loaders)"
                )
            return retriever
        if not self._ingested:
            ingest_corpus(self.prepared, embedder=self.embedder, progress=self._ingest_progress)
            self._ingested = True
        try:
            from assistant.retrieval import build_retriever
        except ImportError as exc:
            raise ConfigError(f"the project retrievers are not available: {exc}") from exc
        return build_retriever(name, self.prepared.settings, embedder=self.embedder)
