"""Less work per token for the default e5 graph: what each candidate saves, A/B in one process.

    flock /tmp/bench.lock .venv/bin/python benchmarks/embed_work.py [--articles 40] [--rounds 5]
        [--experiments tokenise,padding,threads,query,graph] [--variant int8-smooth]
        [--threads 2] [--models-dir DIR]
        [--out benchmarks/results/embed-work.json]

Texts: the real chunks ``embed_backends`` measures. Every experiment times its configurations
interleaved - round r runs each configuration once, in an order rotated every round - so a
load change on the machine hits all of them alike; per configuration the median of
``--rounds`` is reported, and its speed relative to the experiment's first configuration (the
current default): of the medians, the median of per-round ratios ("paired"), of the fastest
rounds ("best": the least disturbed on a shared machine) and of CPU time.
1. tokenise: tokenisation's share of an ``embed`` call; and an ingest-like pair of calls with
   the second call's texts tokenised serially or in a thread while the first call's batches
   run (onnxruntime releases the GIL).
2. padding: padded / real tokens (and attention's length² work) of each batching, then
   ``embed`` timed with batches of 4 to 64 length-sorted windows, or of as many (at most 32)
   as fit in a budget of padded tokens (``BATCHINGS``; 32 rows was the batching before).
3. threads: the default batches through one session × 2 intra-op threads (default) vs 2
   sessions × 1 thread pulling batches from one queue in two Python threads, vs one session ×
   1 thread; and the default with onnxruntime's thread spinning on (off by default since).
4. query: 20 questions embedded one at a time (as the reader does), spinning off and on, and
   with one thread.
5. graph: the session's optimisation level (basic, extended, all = default) and a model
   saved already optimised (extended level): load seconds and tokens/s; the runtime graph's
   operator counts show what is left unfused.
"""

from __future__ import annotations

import argparse
import collections
import queue
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benchmarks.common import machine, write_json  # noqa: E402
from benchmarks.embed_backends import real_chunks  # noqa: E402

EXPERIMENTS = ("tokenise", "padding", "threads", "query", "graph")


def session(
    path: Path, threads: int = 2, level: str = "ORT_ENABLE_ALL", save_to: Path | None = None,
    **config: str,
):  # fmt: skip
    """An onnxruntime session opened as ``E5OnnxEmbedder`` opens it, with the given knobs."""
    import onnxruntime as ort

    from index.embedders.e5_onnx import open_session, session_options

    options = session_options(threads)
    options.graph_optimization_level = getattr(ort.GraphOptimizationLevel, level)
    if save_to is not None:
        options.optimized_model_filepath = str(save_to)
    for key, value in config.items():
        options.add_session_config_entry(key, value)
    return open_session(path, options)


def embedder(path: Path, sess=None, batch_size: int = 32, threads: int = 2):
    """An ``E5OnnxEmbedder`` on ``path``, its session replaced by ``sess`` if given."""
    from index.embedders.e5_onnx import E5OnnxEmbedder

    emb = E5OnnxEmbedder(path, batch_size=batch_size, num_threads=threads)
    if sess is not None:
        emb._session = sess
    return emb


def interleaved(configs: dict[str, Callable[[], object]], rounds: int) -> dict[str, dict]:
    """Time each configuration ``rounds`` times, rotating the order every round."""
    names = list(configs)
    for fn in configs.values():  # warm-up
        fn()
    times: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            start, start_cpu = time.perf_counter(), time.process_time()
            configs[name]()
            times[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    first = names[0]
    return {
        n: {
            "times_s": t,
            "median_s": statistics.median(t),
            "vs_first": statistics.median(times[first]) / statistics.median(t),
            # per round, this configuration against the first one run beside it
            "vs_first_paired": statistics.median(
                a / b for a, b in zip(times[first], t, strict=True)
            ),
            # the fastest round: the least disturbed by other work on a shared machine
            "best_vs_first": min(times[first]) / min(t),
            "cpu_s": cpu[n],
            "cpu_vs_first": statistics.median(cpu[first]) / statistics.median(cpu[n]),
        }
        for n, t in times.items()
    }


def sorted_windows(emb, texts: list[str]) -> list[list[int]]:
    """The windows ``embed`` runs, shortest first (texts here are all under one window)."""
    return sorted(emb.token_ids(texts), key=len)


def padding_stats(lengths: list[int], rows: int, tokens: int | None) -> dict:
    """Padded / real tokens and padded / real length² of ``embed``'s batches of ``lengths``."""
    from index.embedders.e5 import batches

    lengths = sorted(n + 2 for n in lengths)
    groups = [lengths[a:b] for a, b in batches(lengths, rows, tokens)]
    return {
        "batches": len(groups),
        "padded_over_real_tokens": sum(max(g) * len(g) for g in groups) / sum(lengths),
        "padded_over_real_attention": sum(max(g) ** 2 * len(g) for g in groups)
        / sum(n * n for n in lengths),
    }


# name -> (rows, padded tokens) per batch; the first is the batching before BATCH_TOKENS
BATCHINGS = {"batch 32": (32, None), "batch 4": (4, None), "batch 8": (8, None),
             "batch 16": (16, None), "batch 64": (64, None), "<= 1024 tokens": (32, 1024),
             "<= 1536 tokens (default)": (32, 1536), "<= 2048 tokens": (32, 2048),
             "<= 3072 tokens": (32, 3072), "<= 4096 tokens": (32, 4096)}  # fmt: skip


def exp_tokenise(path: Path, texts: list[str], rounds: int, threads: int) -> dict:
    emb = embedder(path, threads=threads)
    half = len(texts) // 2
    first, second = texts[:half], texts[half:]

    def serial() -> None:  # ingest's next flush tokenised after this one's inference
        emb.embed(first)
        emb.token_ids(second)

    def overlapped() -> None:
        worker = threading.Thread(target=emb.token_ids, args=(second,))
        worker.start()
        emb.embed(first)
        worker.join()

    timing = interleaved(
        {
            "embed": lambda: emb.embed(texts),
            "tokenise only": lambda: emb.token_ids(texts),
            "embed(first half) then tokenise(second half)": serial,
            "the same, tokenising in a thread during inference": overlapped,
        },
        rounds,
    )
    share = timing["tokenise only"]["median_s"] / timing["embed"]["median_s"]
    return {"timing": timing, "tokenise_share": share}


def exp_padding(
    path: Path, texts: list[str], rounds: int, threads: int, batchings: list[str] | None = None
) -> dict:
    first = embedder(path, threads=threads)
    lengths = [len(ids) for ids in first.token_ids(texts)]
    chosen = {n: b for n, b in BATCHINGS.items() if n in batchings} if batchings else BATCHINGS
    stats = {name: padding_stats(lengths, *b) for name, b in chosen.items()}
    embs = {}
    for name, (rows, tokens) in chosen.items():
        embs[name] = embedder(path, first._session, batch_size=rows, threads=threads)
        embs[name].batch_tokens = tokens
    timing = interleaved({n: (lambda e=e: e.embed(texts)) for n, e in embs.items()}, rounds)
    ref = next(iter(embs.values())).embed(texts)
    cosine = {n: float(np.min(np.sum(ref * e.embed(texts), axis=1))) for n, e in embs.items()}
    return {"padding": stats, "timing": timing, "min_cosine_to_the_first": cosine}


def exp_threads(path: Path, texts: list[str], rounds: int, threads: int) -> dict:
    from index.embedders.e5 import batches as runs

    default = embedder(path)
    windows = sorted_windows(default, texts)
    spans = runs([len(w) + 2 for w in windows], default.batch_size, default.batch_tokens)
    batches = [default.padded(windows[a:b]) for a, b in spans]
    one = session(path, threads=1)
    pair = (one, session(path, threads=1))
    spin = session(path, threads=2, **{"session.intra_op.allow_spinning": "1"})

    def run_all(sess) -> None:
        for ids, mask in batches:
            sess.run(["mean"], {"input_ids": ids, "attention_mask": mask})

    def two_sessions() -> None:
        work: queue.SimpleQueue = queue.SimpleQueue()
        for b in reversed(batches):  # longest first: the two threads end close together
            work.put(b)

        def pull(sess) -> None:
            while True:
                try:
                    ids, mask = work.get_nowait()
                except queue.Empty:
                    return
                sess.run(["mean"], {"input_ids": ids, "attention_mask": mask})

        workers = [threading.Thread(target=pull, args=(s,)) for s in pair]
        for w in workers:
            w.start()
        for w in workers:
            w.join()

    timing = interleaved(
        {
            "1 session x 2 threads (default)": lambda: run_all(default._session),
            "2 sessions x 1 thread, one queue": two_sessions,
            "1 session x 1 thread": lambda: run_all(one),
            "1 session x 2 threads, spinning on": lambda: run_all(spin),
        },
        rounds,
    )
    return {"timing": timing, "note": "session.run of the padded batches only"}


def exp_query(path: Path, texts: list[str], rounds: int, threads: int) -> dict:
    from benchmarks.embed_backends import queries

    questions = queries()[:20]
    nospin = embedder(path)
    spin = embedder(path, session(path, **{"session.intra_op.allow_spinning": "1"}))
    single = embedder(path, session(path, threads=1))

    def one_by_one(emb) -> None:  # the reader embeds one question per search
        for q in questions:
            emb.embed([q], query=True)

    timing = interleaved(
        {
            "2 threads, spinning off (default)": lambda: one_by_one(nospin),
            "2 threads, spinning on": lambda: one_by_one(spin),
            "1 thread": lambda: one_by_one(single),
        },
        rounds,
    )
    return {"timing": timing, "note": f"{len(questions)} seed questions embedded one at a time"}


def runtime_ops(path: Path, level: str) -> dict[str, int]:
    import onnx

    out = Path(tempfile.mkdtemp(prefix="e5-opt-")) / "opt.onnx"
    session(path, threads=1, level=level, save_to=out)
    graph = onnx.load(str(out), load_external_data=False).graph
    return dict(collections.Counter(n.op_type for n in graph.node).most_common())


def exp_graph(path: Path, texts: list[str], rounds: int, threads: int) -> dict:
    saved = Path(tempfile.mkdtemp(prefix="e5-opt-")) / "saved-extended.onnx"
    session(path, threads=1, level="ORT_ENABLE_EXTENDED", save_to=saved)
    made = {
        "all (default)": (path, "ORT_ENABLE_ALL"),
        "extended": (path, "ORT_ENABLE_EXTENDED"),
        "basic": (path, "ORT_ENABLE_BASIC"),
        "saved optimised (extended), loaded with optimisations off": (saved, "ORT_DISABLE_ALL"),
    }
    loads, embs = {}, {}
    for name, (file, level) in made.items():
        start = time.perf_counter()
        sess = session(file, threads=threads, level=level)
        loads[name] = time.perf_counter() - start
        embs[name] = embedder(path, sess)
    timing = interleaved({n: (lambda e=e: e.embed(texts)) for n, e in embs.items()}, rounds)
    ref = embs["all (default)"].embed(texts)
    cosine = {n: float(np.min(np.sum(ref * e.embed(texts), axis=1))) for n, e in embs.items()}
    ops = {level: runtime_ops(path, level) for level in ("ORT_ENABLE_BASIC", "ORT_ENABLE_ALL")}
    return {"load_s": loads, "timing": timing, "min_cosine_to_default": cosine,
            "runtime_ops": ops}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--experiments", default=",".join(EXPERIMENTS))
    ap.add_argument("--variant", default="int8-smooth")
    ap.add_argument("--threads", type=int, default=2, help="tokenise, padding, graph")
    ap.add_argument("--batchings", default=None, help="padding: names, separated by ;")
    ap.add_argument("--models-dir", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks/results/embed-work.json")
    args = ap.parse_args()
    names = args.experiments.split(",")
    if unknown := set(names) - set(EXPERIMENTS):
        ap.error(f"unknown experiments {sorted(unknown)}; choose from {', '.join(EXPERIMENTS)}")
    from index.models.onnx_export import ensure_onnx

    models = args.models_dir or Path(tempfile.mkdtemp(prefix="e5-work-models-"))
    path = ensure_onnx(models, args.variant)
    texts = real_chunks(args.articles)
    tokens = sum(len(ids) + 2 for ids in embedder(path).token_ids(texts))
    print(
        f"{len(texts)} chunks, {tokens:,} tokens, {args.variant}, {args.rounds} rounds", flush=True
    )
    run = {"tokenise": exp_tokenise, "padding": exp_padding, "threads": exp_threads,
           "query": exp_query, "graph": exp_graph}  # fmt: skip
    results = {}
    for name in names:
        chosen = args.batchings.split(";") if name == "padding" and args.batchings else None
        options = {"batchings": chosen} if chosen else {}
        results[name] = run[name](path, texts, args.rounds, args.threads, **options)
        print(f"\n{name}:")
        for config, t in results[name]["timing"].items():
            print(f"  {config:52s} {tokens / t['median_s']:7,.0f} tok/s  x{t['vs_first']:.3f} "
                  f"(paired x{t['vs_first_paired']:.3f}, best x{t['best_vs_first']:.3f}, "
                  f"CPU time x{t['cpu_vs_first']:.3f}; "
                  f"rounds {', '.join(f'{s:.2f}' for s in t['times_s'])} s)")  # fmt: skip
        for key, value in results[name].items():
            if key != "timing":
                print(f"  {key}: {value}")
    write_json({"command": sys.argv, "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": machine(), "variant": args.variant, "chunks": len(texts),
                "tokens": tokens, "rounds": args.rounds, "threads": args.threads,
                "experiments": results}, args.out)  # fmt: skip
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
