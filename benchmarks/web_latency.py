"""Web app latency: question submitted → first streamed answer text, and → full answer.

    flock /tmp/bench.lock .venv/bin/python benchmarks/web_latency.py [--questions 20] [--runs 3]
        [--embedder e5] [--out benchmarks/results]

Starts the real app (`python -m assistant.cli serve`, extractive mode: every ASSISTANT_LLM_*
variable is removed) on a free 127.0.0.1 port against a fresh data dir holding the seed
corpus (../shared/corpus/seeds, ingested first with `assistant ingest`), then asks the
questions of evals/sets/seeds_qa.jsonl through `gradio_client` exactly as a browser session
does (the 对话 tab's /ask endpoint, mode 问答, no filters). Per question:

- first update: the first streamed output (the app first clears the previous answer);
- first token: the first streamed output whose answer text is non-empty;
- full answer: the job finished (the last output carries the answer, sources and exports).

The first question after start-up is reported apart (cold: the app loads the model then);
then ``--runs`` runs of ``--questions`` questions each, all distinct (the reader caches query
vectors, so a repeated question would be faster), p50/p95 per run, medians across runs.

Naive baseline, same run: `evals.naive.NaiveChromaRetriever` over the same seed files
(LangChain default splitter, dense-only Chroma, same model, real vectors) in this process;
with no LLM its answer *is* its top-5 passages, so its time to answer is one retrieve call,
timed right after each web question (same question, same moment's machine load).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import machine, write_json  # noqa: E402
from core.settings import Settings  # noqa: E402

SEEDS = REPO.parent / "shared" / "corpus" / "seeds"
QA = REPO / "evals" / "sets" / "seeds_qa.jsonl"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(data_dir: Path, embedder: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        ASSISTANT_DATA_DIR=str(data_dir),
        ASSISTANT_MODEL_DIR=str(Settings().models_dir),  # reuse the converted model
        ASSISTANT_EMBEDDER=embedder,
        GRADIO_ANALYTICS_ENABLED="False",
    )
    return env


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 300) -> float:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return time.perf_counter() - t0
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the app did not start in time")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def ask(client, question: str) -> dict:
    """Submit one question and time its streamed outputs."""
    t0 = time.perf_counter()
    job = client.submit(question, "问答", "全部", "全部", "全部", api_name="/ask")
    first = first_token = None
    n, answer, first_text = 0, "", None
    for out in job:
        now = time.perf_counter() - t0
        n += 1
        answer = out[0] or ""
        if first is None:
            first, first_text = now, answer[:40]
        if first_token is None and answer.strip():
            first_token = now
    job.result()
    done = time.perf_counter() - t0
    return {
        "first_update_s": first,
        "first_token_s": first_token,
        "full_s": done,
        "updates": n,
        "answer_chars": len(answer),
        "first_update_text": first_text,
    }


def summary(values: list[float]) -> dict:
    return {
        "p50_ms": round(float(np.percentile(values, 50)) * 1000, 1),
        "p95_ms": round(float(np.percentile(values, 95)) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


def over_runs(runs: list[list[dict]], key: str) -> dict:
    per = [summary([r[key] for r in run]) for run in runs]
    return {
        "p50_ms": statistics.median(p["p50_ms"] for p in per),
        "p95_ms": statistics.median(p["p95_ms"] for p in per),
        "runs_p95_ms": [p["p95_ms"] for p in per],
    }


def naive_retriever(embedder_name: str, work: Path):
    """The tutorial pipeline over the seed files, built (embedded) before the app starts."""
    from evals.corpus import read_corpus
    from evals.naive import NaiveChromaRetriever
    from index.embedders import make_embedder

    embedder = make_embedder(Settings(embedder=embedder_name))
    print(f"naive baseline embedder: {type(embedder).__name__}", flush=True)
    t0 = time.perf_counter()
    naive = NaiveChromaRetriever(read_corpus(SEEDS), embedder, work / "naive")
    return naive, time.perf_counter() - t0


def time_naive(naive, question: str) -> float:
    t0 = time.perf_counter()
    naive.retrieve(question, k=5)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--questions", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--embedder", default="e5")
    ap.add_argument("--tag", default="", help="suffix of the result file name")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    args = ap.parse_args()
    from gradio_client import Client

    rows = [json.loads(ln) for ln in QA.read_text(encoding="utf-8").splitlines() if ln.strip()]
    # Every timed question is new to the app (its reader caches query vectors): the cold one is
    # the file's last question, each run asks its own slice of the others.
    pool = [r["question"] for r in rows]
    cold_q, pool = pool[-1], pool[:-1]
    if args.questions * args.runs > len(pool):
        raise SystemExit(f"--questions x --runs exceeds the {len(pool)} distinct questions")
    sets = [pool[i * args.questions : (i + 1) * args.questions] for i in range(args.runs)]
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="web-latency-") as tmp:
        work = Path(tmp)
        env = app_env(work / "data", args.embedder)
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "assistant.cli", "ingest", str(SEEDS)],
            env=env,
            cwd=REPO,
            check=True,
            capture_output=True,
        )
        ingest_s = time.perf_counter() - t0
        naive, naive_build_s = naive_retriever(args.embedder, work)
        naive.retrieve(cold_q, k=5)  # warm-up
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        log = (work / "server.log").open("w")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "assistant.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            startup_s = wait_ready(url, proc)
            client = Client(url, verbose=False, download_files=False)
            cold = ask(client, cold_q)
            runs = []
            for qs in sets:  # each web question is followed by the naive one: same machine noise
                runs.append([{**ask(client, q), "naive_s": time_naive(naive, q)} for q in qs])
            client.close()
            server_peak = peak_rss_mb(proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()
        missing = [r for run in runs for r in run if r["first_token_s"] is None]
        if missing:
            raise SystemExit(f"{len(missing)} answers never streamed any text")

    naive_answer = over_runs(runs, "naive_s")
    web = {
        "first_update": over_runs(runs, "first_update_s"),
        "first_token": over_runs(runs, "first_token_s"),
        "full_answer": over_runs(runs, "full_s"),
        "updates_per_answer_median": statistics.median(r["updates"] for run in runs for r in run),
        "answer_chars_median": statistics.median(r["answer_chars"] for run in runs for r in run),
    }
    result = {
        "benchmark": "web-latency",
        "embedder": args.embedder,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": {**machine(), "loadavg_start": load_start, "loadavg_end": os.getloadavg()},
        "corpus": "../shared/corpus/seeds (5 reports)",
        "questions_per_run": args.questions,
        "runs": args.runs,
        "ingest_s": round(ingest_s, 1),
        "server_startup_s": round(startup_s, 1),
        "server_peak_rss_mb": round(server_peak, 1),
        "cold_first_question": {
            k: round(v, 3) if isinstance(v, float) else v for k, v in cold.items()
        },
        "web": web,
        "naive": {
            "chunks": naive.n_chunks,
            "build_s": round(naive_build_s, 1),
            "answer": over_runs(runs, "naive_s"),
        },
        "ratios_vs_naive_answer": {
            f"{key}_{q}": round(web[key][f"{q}_ms"] / naive_answer[f"{q}_ms"], 2)
            for key in ("first_token", "full_answer")
            for q in ("p50", "p95")
        },
        "target": "first token p95 < 1000 ms",
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    out = write_json(
        result, args.out / f"web-latency-{args.embedder}{'-' + args.tag if args.tag else ''}.json"
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
