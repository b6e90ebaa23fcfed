"""Retrieval latency (dense, BM25, hybrid) at 10k and 100k chunks, against the naive baseline.

    flock /tmp/bench.lock .venv/bin/python benchmarks/retrieval.py [--sizes 10000 100000]
        [--real 10000] [--queries 100] [--runs 3] [--work /tmp/retrieval-bench] [--out benchmarks/results]

Corpus: real news articles from ../shared/evaldata/scale (cleaned, chunked and jieba-tokenised
by the project's own `index.prepare.prepare`), taken in file order until each size is reached;
the smaller set is a prefix of the larger. Vectors: the first ``--real`` chunks are embedded for
real with the default embedder (cached in ``--work``); every further chunk gets a *sampled*
vector: a random real chunk vector plus Gaussian noise (sigma 0.5 / sqrt(384) per component),
re-normalised, so mean cosine to its parent is about 0.9 and the set keeps e5's anisotropy.
The keyword index always covers the real text of every chunk.

The index is written through the project's store (`IndexStore`: catalog rows, Chroma upserts
with the precomputed vectors, `refresh_keyword` for BM25) and queried through
`build_retriever`. Queries are the real CRUD-RAG event-summary questions
(../shared/evaldata/crud_rag), none of which is an indexed text. Each query's embedding is
recomputed every call (the reader's query cache is cleared), so dense/hybrid latency includes
it; embedding time is also reported on its own.

Naive baseline (same run, same articles): `evals.naive.NaiveChromaRetriever`, LangChain's
`RecursiveCharacterTextSplitter()` defaults and dense-only Chroma; each naive chunk's vector is
the normalised mean of its article's chunk vectors above (no extra embedding), queries embedded
by the same model.

Each size is measured in a fresh subprocess so memory figures are per size.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import machine, write_json  # noqa: E402
from benchmarks.retrieval_corpus import (  # noqa: E402
    NOISE_SIGMA,
    SEED,
    LookupEmbedder,
    bulk_insert,
    chunk_vectors,
    naive_docs,
    naive_table,
    prepared_corpus,
    questions,
    take,
)
from core.settings import Settings  # noqa: E402


def rss_mb(field: str = "VmRSS") -> float:
    """Resident memory now (``VmRSS``) or at its peak (``VmHWM``) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def time_queries(fns: dict, qs: list[str], runs: int, before=None) -> dict:
    """p50/p95/mean ms of each function per run, medians across runs.

    Interleaved: every query goes through every function before the next query, so a burst
    of load from elsewhere on the machine hits all pipelines alike.
    """
    lat = {name: [[] for _ in range(runs)] for name in fns}
    for r in range(runs):
        for q in qs:
            for name, fn in fns.items():
                if before:
                    before()
                t0 = time.perf_counter()
                fn(q)
                lat[name][r].append((time.perf_counter() - t0) * 1000)
    out = {}
    for name, per_run in lat.items():
        stats = [
            {"p50": pct(v, 50), "p95": pct(v, 95), "mean": statistics.fmean(v)} for v in per_run
        ]
        out[name] = {
            "p50_ms": round(statistics.median(s["p50"] for s in stats), 2),
            "p95_ms": round(statistics.median(s["p95"] for s in stats), 2),
            "mean_ms": round(statistics.median(s["mean"] for s in stats), 2),
            "runs_p95_ms": [round(s["p95"], 2) for s in stats],
        }
    return out


def hybrid_stages(reader, hybrid, qs: list[str], k: int = 5) -> dict:
    """Median and p95 ms of each step of HybridRetriever.retrieve (mirrors its code)."""
    from assistant.retrieval.hybrid import mmr, reciprocal_rank_fusion

    stages: dict[str, list[float]] = {}

    def mark(name, t0):
        stages.setdefault(name, []).append((time.perf_counter() - t0) * 1000)
        return time.perf_counter()

    for q in qs:
        reader.clear_query_cache()
        n = max(hybrid.candidates, 4 * k)
        t = time.perf_counter()
        vec = reader.embed_query(q)
        t = mark("query_embedding", t)
        dense_scored = reader.nearest(vec, n)
        t = mark("chroma_query", t)
        kw_scored = reader.keyword_search(q, n)
        t = mark("bm25_search_incl_jieba", t)
        hits = {h.chunk_id: h for h in reader.hits(dense_scored + kw_scored)}
        t = mark("catalog_hits", t)
        dense = [cid for cid, _ in dense_scored if cid in hits]
        kw = [cid for cid, _ in kw_scored if cid in hits]
        fused = reciprocal_rank_fusion([dense, kw], hybrid.weights, hybrid.rrf_k)[: max(2 * k, 20)]
        t = mark("rrf", t)
        vectors = reader.vectors([cid for cid, _ in fused])
        t = mark("chroma_get_vectors", t)
        mmr(
            fused,
            vectors,
            {c: h.doc_id for c, h in hits.items()},
            k,
            lambda_=hybrid.mmr_lambda,
            same_doc_penalty=hybrid.same_doc_penalty,
        )
        mark("mmr", t)
    return {
        name: {"p50_ms": round(pct(v, 50), 2), "p95_ms": round(pct(v, 95), 2)}
        for name, v in stages.items()
    }


def measure(size: int, args) -> dict:
    """Run in a fresh process: open the index, load BM25, time every pipeline."""
    from assistant.retrieval import build_retriever
    from assistant.retrieval.reader import IndexReader
    from evals.corpus import CorpusDoc
    from evals.naive import NaiveChromaRetriever
    from index.embedders import make_embedder
    from index.store import keyword, open_store

    base = Settings(embedder=args.embedder)
    embedder = make_embedder(base)
    embedder.embed(["预热"], query=True)
    rss0 = rss_mb()
    settings = Settings(
        data_dir=args.work / f"idx-{size}-r{args.real}",
        model_dir=base.models_dir,
        embedder=args.embedder,
    )

    t0 = time.perf_counter()
    reader = IndexReader(settings, embedder)
    open_s = time.perf_counter() - t0
    rss_open = rss_mb()

    store = open_store(settings)  # the keyword index's files and the catalog's tokens
    root = store.keyword_root
    loads = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        kw = keyword.load(root)
        loads.append(time.perf_counter() - t0)
        del kw
    rss_a = rss_mb()
    kw_index = store.keyword_index()
    kw_rss = rss_mb() - rss_a
    rows = list(store.catalog.done_chunk_tokens())
    builds = []
    scratch = args.work / f"kw-scratch-{size}"
    for _ in range(args.runs):
        shutil.rmtree(scratch, ignore_errors=True)  # build() skips a generation already on disk
        t0 = time.perf_counter()
        keyword.build(rows, scratch)
        builds.append(time.perf_counter() - t0)
    del rows

    qs = questions(args.queries)
    out: dict = {
        "size_target": size,
        "embedder_class": type(embedder).__name__,
        "chunks": len(kw_index),
        "documents": store.catalog.counts()["documents"],
        "reader_open_s": round(open_s, 3),
        "keyword_build_s": round(statistics.median(builds), 2),
        "keyword_build_runs_s": [round(b, 2) for b in builds],
        "keyword_load_s": round(statistics.median(loads), 3),
        "rss_after_model_mb": round(rss0, 1),
        "rss_after_open_mb": round(rss_open, 1),
        "keyword_index_rss_mb": round(kw_rss, 1),
        "pipelines": {},
    }
    docs = [
        CorpusDoc(*json.loads(ln))
        for ln in (args.work / f"naive-docs-{size}.jsonl").open(encoding="utf-8")
    ]
    out["rss_before_naive_mb"] = round(rss_mb(), 1)
    t0 = time.perf_counter()
    naive = NaiveChromaRetriever(
        docs, LookupEmbedder(embedder, {}), args.work / f"naive-{size}-r{args.real}"
    )
    out["naive_open_s"] = round(time.perf_counter() - t0, 2)
    out["naive_chunks"] = naive.n_chunks
    del docs

    fns = {
        name: build_retriever(name, settings, reader=reader)
        for name in ("dense", "bm25", "hybrid", "hybrid-notime")
    }
    fns = {name: (lambda q, r=r: r.retrieve(q, k=5)) for name, r in fns.items()}
    fns["naive_dense"] = lambda q: naive.retrieve(q, k=5)
    fns["query_embedding"] = lambda q: embedder.embed([q], query=True)
    for q in qs[:5]:  # warm-up: Chroma segments, jieba, SQLite pages
        for fn in fns.values():
            fn(q)
    timed = time_queries(fns, qs, args.runs, reader.clear_query_cache)
    out["query_embedding"] = timed.pop("query_embedding")
    out["pipelines"] = timed
    hybrid = build_retriever("hybrid-notime", settings, reader=reader)  # its fusion stages
    out["hybrid_stages"] = hybrid_stages(reader, hybrid, qs)
    out["rss_after_queries_mb"] = round(rss_mb(), 1)
    naive_p = out["pipelines"]["naive_dense"]
    out["ratios_vs_naive"] = {
        name: {
            "p50": round(p["p50_ms"] / naive_p["p50_ms"], 2),
            "p95": round(p["p95_ms"] / naive_p["p95_ms"], 2),
        }
        for name, p in out["pipelines"].items()
    }
    # VmHWM, not ru_maxrss: the latter counts the parent's pages shared before exec.
    out["peak_rss_mb"] = round(rss_mb("VmHWM"), 1)
    reader.close()
    store.close()
    return out


def build_all(args) -> dict:
    from evals.naive import NaiveChromaRetriever
    from index.embedders import make_embedder

    base = Settings(embedder=args.embedder)
    embedder = make_embedder(base)
    t0 = time.perf_counter()
    corpus = prepared_corpus(max(args.sizes), base, args.work)
    prep_s = time.perf_counter() - t0
    vectors, n_real = chunk_vectors(corpus, args.real, embedder, args.work, args.embed_budget)
    info = {"prepare_s": round(prep_s, 1), "real_vectors": n_real, "sizes": {}}
    for size in args.sizes:
        part = take(corpus, size)
        n = sum(len(p.chunks) for _, _, p in part)
        done = args.work / f"idx-{size}-r{n_real}" / "BUILT"
        if not done.exists():
            settings = Settings(
                data_dir=done.parent, model_dir=base.models_dir, embedder=args.embedder
            )
            info["sizes"][size] = bulk_insert(settings, embedder, part, vectors[:n])
            NaiveChromaRetriever(
                naive_docs(part),
                LookupEmbedder(embedder, naive_table(part, vectors[:n])),
                args.work / f"naive-{size}-r{n_real}",
            )
            done.write_text(json.dumps(info["sizes"][size]))
        else:
            info["sizes"][size] = json.loads(done.read_text())
        with (args.work / f"naive-docs-{size}.jsonl").open("w", encoding="utf-8") as fh:
            for d in naive_docs(part):
                fh.write(json.dumps([d.eval_id, d.title, d.text], ensure_ascii=False) + "\n")
        info["sizes"][size]["sampled_vectors"] = max(0, n - n_real)
        print(f"index {size}: {info['sizes'][size]}", flush=True)
    return info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--real", type=int, default=10_000, help="chunks embedded for real")
    ap.add_argument("--embed-budget", type=float, default=3600, help="seconds of embedding per run")
    ap.add_argument(
        "--build-only", action="store_true", help="prepare, embed and index; measure nothing"
    )
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--embedder", default="e5")
    ap.add_argument("--work", type=Path, default=Path("/tmp/retrieval-bench"))
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    ap.add_argument("--tag", default="", help="suffix of the result file name")
    ap.add_argument("--measure", type=int, help=argparse.SUPPRESS)  # internal: one size, in-process
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.measure:
        print("RESULT " + json.dumps(measure(args.measure, args)), flush=True)
        return

    started = machine()
    build = build_all(args)
    if args.build_only:
        return
    rows = []
    for size in args.sizes:
        cmd = [
            sys.executable,
            __file__,
            "--measure",
            str(size),
            "--work",
            str(args.work),
            "--runs",
            str(args.runs),
            "--queries",
            str(args.queries),
            "--embedder",
            args.embedder,
            "--real",
            str(build["real_vectors"]),
            "--sizes",
            *map(str, args.sizes),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT "))
        rows.append(json.loads(line[len("RESULT ") :]))
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    result = {
        "benchmark": "retrieval",
        "embedder": args.embedder,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": {**started, "loadavg_end": os.getloadavg()},
        "vectors": f"first {build['real_vectors']} chunks embedded for real; the rest sampled: a random real "
        f"vector + N(0, ({NOISE_SIGMA}/sqrt(d))^2) noise, re-normalised",
        "queries": f"{args.queries} CRUD-RAG event-summary questions (seed {SEED}), k=5",
        "build": build,
        "rows": rows,
    }
    out = write_json(
        result, args.out / f"retrieval-{args.embedder}{'-' + args.tag if args.tag else ''}.json"
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
