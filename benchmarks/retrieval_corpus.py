"""The corpus of the retrieval benchmark (``benchmarks/retrieval.py``): real news articles
prepared by the project's own stages, real and sampled vectors, the bulk write through the
store, the naive baseline's documents and vectors, the CRUD-RAG questions."""

from __future__ import annotations

import gzip
import json
import pickle
import time
from pathlib import Path

import numpy as np

from core.settings import Settings
from index.prepare import Prepared, build_document, chunk_metadata, prepare

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SCALE = SHARED / "evaldata" / "scale" / "crud_news_68k.jsonl.gz"
QUESTIONS = SHARED / "evaldata" / "crud_rag" / "eval_event_summary.jsonl"
NOISE_SIGMA = 0.5
SEED = 20261124
PART = 500


# -- corpus -------------------------------------------------------------------------------
def prepared_corpus(
    max_chunks: int, settings: Settings, work: Path
) -> list[tuple[str, str, Prepared]]:
    """(source id, raw text, Prepared) in file order until ``max_chunks`` chunks; cached."""
    cache = work / f"prepared-{max_chunks}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    out, seen, n = [], set(), 0
    with gzip.open(SCALE, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            raw = f"{rec['title']}\n{rec['text']}" if rec["title"] else rec["text"]
            doc = build_document(raw, source_path=rec["id"])
            if doc is None or doc.doc_id in seen:
                continue
            seen.add(doc.doc_id)
            prep = prepare(
                doc,
                max_tokens=settings.chunk_tokens,
                overlap_sentences=settings.chunk_overlap_sentences,
            )
            if not prep.chunks:
                continue
            out.append((rec["id"], raw, prep))
            n += len(prep.chunks)
            if n >= max_chunks:
                break
    work.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(out))
    return out


def take(corpus: list[tuple[str, str, Prepared]], size: int) -> list[tuple[str, str, Prepared]]:
    """The shortest prefix of whole documents holding at least ``size`` chunks."""
    out, n = [], 0
    for row in corpus:
        if n >= size:
            break
        out.append(row)
        n += len(row[2].chunks)
    return out


def chunk_vectors(
    corpus, n_real: int, embedder, work: Path, budget_s: float
) -> tuple[np.ndarray, int]:
    """Vectors for every chunk: real for the first ``n_real`` (cached in parts), sampled for the rest.

    Embeds parts of ``PART`` chunks until ``n_real`` or ``budget_s`` seconds; what was embedded
    is reused by later runs, so the number of real vectors is whatever the cache holds.
    """
    texts = [c.embed_text for _, _, p in corpus for c in p.chunks]
    n_real = min(n_real, len(texts))
    folder = work / f"vectors-{embedder.model_id.replace('/', '_')}"
    folder.mkdir(parents=True, exist_ok=True)
    parts, t0 = [], time.perf_counter()
    for a in range(0, n_real, PART):
        path = folder / f"{a:07d}-{min(a + PART, n_real):07d}.npy"
        if not path.exists():
            if time.perf_counter() - t0 > budget_s:
                break
            np.save(path, np.asarray(embedder.embed(texts[a : a + PART]), dtype=np.float32))
            print(
                f"embedded chunks {a}..{a + PART} at {time.perf_counter() - t0:.0f} s", flush=True
            )
        parts.append(np.load(path))
    real = np.vstack(parts)
    n_real = len(real)
    rng = np.random.default_rng(SEED)
    extra = len(texts) - n_real
    if extra <= 0:
        return real, n_real
    parents = rng.integers(0, n_real, extra)
    noise = rng.standard_normal((extra, real.shape[1]), dtype=np.float32) * (
        NOISE_SIGMA / np.sqrt(real.shape[1])
    )
    sampled = real[parents] + noise
    sampled /= np.linalg.norm(sampled, axis=1, keepdims=True)
    return np.vstack([real, sampled]).astype(np.float32), n_real


def questions(n: int) -> list[str]:
    rows = [
        json.loads(line)
        for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rng = np.random.default_rng(SEED)
    picked = rng.choice(len(rows), size=min(n, len(rows)), replace=False)
    return [rows[i]["question"] for i in picked]


# -- building the indexes -----------------------------------------------------------------
def bulk_insert(settings: Settings, embedder, corpus, vectors: np.ndarray) -> dict:
    """Write prepared documents with precomputed vectors through IndexStore, as ingest would."""
    from index.pipeline import chunking_config
    from index.store import open_store

    store = open_store(settings, embedder, create=True)
    t0 = time.perf_counter()
    try:
        with store.write_lock():
            store.catalog.set_meta("chunking", chunking_config(settings))
            row = 0
            ids, docs, metas, pending = [], [], [], []
            for source_id, _raw, prep in corpus:
                store.catalog.add_pending(prep.doc, source_id, prep.chunks, prep.tokens)
                pending.append((source_id, prep.doc))
                for c in prep.chunks:
                    ids.append(c.chunk_id)
                    docs.append(c.text)
                    metas.append(chunk_metadata(prep.doc, c, source_id))
                    row += 1
                if len(ids) >= 2000 or source_id == corpus[-1][0]:
                    store.vectors.upsert(ids, vectors[row - len(ids) : row], docs, metas)
                    for sid, doc in pending:
                        store.catalog.set_status(doc.doc_id, "done")
                        store.catalog.set_source(
                            f"scale/{sid}", "scale", doc.doc_id, doc.content_hash
                        )
                    ids, docs, metas, pending = [], [], [], []
            write_s = time.perf_counter() - t0
            t1 = time.perf_counter()
            store.refresh_keyword()
            kw_s = time.perf_counter() - t1
        counts = store.catalog.counts()
    finally:
        store.close()
    return {"write_s": round(write_s, 1), "keyword_first_build_s": round(kw_s, 2), **counts}


class LookupEmbedder:
    """Passages: precomputed vectors by text (no model call); queries: the real embedder."""

    def __init__(self, real, table: dict[str, np.ndarray]):
        self.real, self.table = real, table
        self.model_id, self.dimension = real.model_id, real.dimension

    def embed(self, texts, *, query: bool = False) -> np.ndarray:
        if query:
            return self.real.embed(texts, query=True)
        return np.vstack([self.table[t] for t in texts])


def naive_docs(corpus):
    from evals.corpus import CorpusDoc

    return [CorpusDoc(eval_id=sid, title=prep.doc.title, text=raw) for sid, raw, prep in corpus]


def naive_table(corpus, vectors: np.ndarray) -> dict[str, np.ndarray]:
    """Each naive chunk's vector: the normalised mean of its article's chunk vectors."""
    from evals.naive import split_naive

    mean_of, row = {}, 0
    for sid, _raw, prep in corpus:
        v = vectors[row : row + len(prep.chunks)].mean(axis=0)
        mean_of[sid] = v / np.linalg.norm(v)
        row += len(prep.chunks)
    return {text: mean_of[sid] for _cid, sid, text in split_naive(naive_docs(corpus))}


# -- measuring ----------------------------------------------------------------------------
