"""Where the embedding time goes: onnxruntime's per-operator profile of each ONNX e5 graph.

    .venv/bin/python benchmarks/embed_profile.py [--variants fused,int8-smooth] [--batch 32]
        [--length 256] [--articles N] [--runs 3] [--models-dir DIR]

One fixed batch (``--batch`` rows of ``--length`` tokens, ids drawn from the vocabulary) - or,
with ``--articles``, the length-sorted batches of the real chunks ``embed_backends`` embeds -
is run ``--runs`` times after a warm-up with ORT profiling on, in a session opened as the
embedder opens it; kernel time is summed per operator type. The bound printed is Amdahl's: how fast the graph could get if only the matmul operators
became N times faster and everything else stayed as measured.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benchmarks.common import machine, write_json  # noqa: E402

# operators whose work is the weight matmuls (quantised or not); attention's QKV projection
# is inside Attention/QAttention together with the fp32 softmax(QK^T)V
MATMUL_OPS = {"MatMul", "DynamicQuantizeMatMul", "MatMulInteger", "FusedMatMul", "Attention",
              "QAttention", "MatMulNBits"}  # fmt: skip


def random_feeds(batch: int, length: int) -> list[dict[str, np.ndarray]]:
    rng = np.random.default_rng(0)
    return [{
        "input_ids": rng.integers(5, 250_000, (batch, length), dtype=np.int64),
        "attention_mask": np.ones((batch, length), dtype=np.int64),
    }]  # fmt: skip


def real_feeds(path: Path, articles: int, batch: int) -> list[dict[str, np.ndarray]]:
    """The padded, length-sorted batches ``embed`` runs for the benchmark's real chunks."""
    from benchmarks.embed_backends import real_chunks
    from index.embedders.e5 import WindowedE5

    tokenizer = WindowedE5.load_tokenizer(path.parent / "tokenizer.json")
    texts = ["passage: " + t for t in real_chunks(articles)]
    windows = sorted((e.ids for e in tokenizer.encode_batch(texts, add_special_tokens=False)),
                     key=len)  # fmt: skip
    feeds = []
    for a in range(0, len(windows), batch):
        ids, mask = WindowedE5.padded(windows[a : a + batch])
        feeds.append({"input_ids": ids, "attention_mask": mask})
    return feeds


def profile(path: Path, feeds: list[dict[str, np.ndarray]], runs: int, threads: int) -> dict:
    from index.embedders.e5_onnx import open_session, session_options

    options = session_options(threads)
    options.enable_profiling = True
    options.profile_file_prefix = str(Path(tempfile.mkdtemp(prefix="ort-profile-")) / "p")
    session = open_session(path, options)
    for feed in feeds:  # warm-up pass (profiled too: kernel seconds are per pass of runs + 1)
        session.run(None, feed)
    start = time.perf_counter()
    for _ in range(runs):
        for feed in feeds:
            session.run(None, feed)
    wall = (time.perf_counter() - start) / runs
    tokens = sum(int(f["attention_mask"].sum()) for f in feeds)
    events = json.loads(Path(session.end_profiling()).read_text())
    per_op: collections.Counter[str] = collections.Counter()
    for event in events:
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            per_op[event["args"]["op_name"]] += event["dur"]
    total = sum(per_op.values())
    shares = {op: us / total for op, us in per_op.most_common()}
    matmul = sum(v for op, v in shares.items() if op in MATMUL_OPS)
    return {
        "tokens_per_s_profiled": tokens / wall,
        "op_share": shares,
        "kernel_s_per_run": {op: us / 1e6 / (runs + 1) for op, us in per_op.most_common()},
        "matmul_share": matmul,
        "other_share": 1 - matmul,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", default="fused,int8-smooth")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--length", type=int, default=256)
    ap.add_argument("--articles", type=int, default=None, help="profile the real chunks")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--models-dir", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks/results/embed-profile.json")
    args = ap.parse_args()
    from index.models.onnx_export import ensure_onnx

    models = args.models_dir or Path(tempfile.mkdtemp(prefix="e5-profile-models-"))
    rows = {}
    for variant in args.variants.split(","):
        path = ensure_onnx(models, variant)
        feeds = (random_feeds(args.batch, args.length) if args.articles is None
                 else real_feeds(path, args.articles, args.batch))  # fmt: skip
        row = profile(path, feeds, args.runs, args.threads)
        rows[variant] = row
        print(f"\n{variant}: {row['tokens_per_s_profiled']:,.0f} tok/s while profiled")
        for op, share in list(row["op_share"].items())[:8]:
            print(f"  {op:28s} {100 * share:5.1f} %")
        for speedup in (2, 4, float("inf")):
            bound = row["tokens_per_s_profiled"] / (
                row["other_share"] + row["matmul_share"] / speedup
            )
            print(f"  matmul ops {speedup}x faster, rest as is: {bound:,.0f} tok/s")
    write_json({"command": sys.argv, "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": machine(), "batch": args.batch,
                "length": args.length if args.articles is None else "real chunks",
                "articles": args.articles,
                "variants": rows}, args.out)  # fmt: skip
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
