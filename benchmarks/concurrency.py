"""Web app latency with 20 simultaneous chat sessions, idle and while an upload is ingested.

    flock /tmp/bench.lock .venv/bin/python benchmarks/concurrency.py [--sessions 20]

The app runs on 127.0.0.1 as ``serve()`` queues it (``QUEUE_CONCURRENCY`` answers at once),
extractive mode, with the default e5 embedder over the seed reports. Each session is its own
``gradio_client.Client``; latency is submit → final result of one 问答 question. Rounds:

1. idle: every session asks at once, no upload (the first, warm-up round is not counted);
2. during upload: the sample corpus (``examples/corpus``, 6 files) is uploaded through the
   app's 文档库 endpoint and, once it is being ingested, every session asks at once.

The p50/p95/max of each round, the errors, and whether the upload was still running when
the last answer came back go to ``benchmarks/results/concurrency-e5.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from assistant.web.app import build_app  # noqa: E402
from assistant.web.serve import QUEUE_CONCURRENCY  # noqa: E402
from benchmarks.common import machine, write_json  # noqa: E402
from core.settings import Settings  # noqa: E402
from index.pipeline import ingest_paths  # noqa: E402

SEEDS = REPO.parent / "shared" / "corpus" / "seeds"
UPLOADS = REPO / "examples" / "corpus"
QUESTIONS = [
    "市住建局有多少在职党员？",
    "城管局的党建品牌叫什么？",
    "老旧小区改造中党员发挥了哪些作用？",
    "机关党建与业务融合有哪些做法？",
    "党员示范岗是怎样设立的？",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _round(clients) -> dict:
    """Every client asks one question at once; per-session latency or error."""

    def one(i_client):
        i, client = i_client
        start = time.perf_counter()
        try:
            out = client.predict(
                QUESTIONS[i % len(QUESTIONS)], "问答", "全部", "全部", "全部", api_name="/ask"
            )
        except Exception as exc:  # counted and reported, never hidden
            return {"error": repr(exc)[:200], "s": time.perf_counter() - start}
        return {"s": time.perf_counter() - start, "cited": "[" in out[0], "end": time.time()}

    with ThreadPoolExecutor(len(clients)) as pool:
        runs = list(pool.map(one, enumerate(clients)))
    ok = [r["s"] for r in runs if "error" not in r]
    return {
        "sessions": len(runs),
        "errors": [r["error"] for r in runs if "error" in r],
        "answers_with_citations": sum(1 for r in runs if r.get("cited")),
        "p50_s": round(statistics.median(ok), 3) if ok else None,
        "p95_s": round(_percentile(ok, 0.95), 3) if ok else None,
        "max_s": round(max(ok), 3) if ok else None,
        "last_end": max((r.get("end", 0) for r in runs), default=0),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument(
        "--out", type=Path, default=REPO / "benchmarks" / "results" / "concurrency-e5.json"
    )
    args = ap.parse_args()
    from gradio_client import Client, handle_file

    with tempfile.TemporaryDirectory() as tmp:
        # Default embedder (e5), extractive; the converted model is reused from the usual
        # place (ASSISTANT_MODEL_DIR or the user's data dir), not rebuilt in the temp dir.
        models = Settings().model_dir or Settings().data_dir / "models"
        settings = Settings(data_dir=Path(tmp) / "data", model_dir=models)
        corpus = Path(tmp) / "seeds"
        shutil.copytree(SEEDS, corpus)
        t = time.perf_counter()
        ingest_paths([corpus], settings)
        index_s = time.perf_counter() - t
        app = build_app(settings)
        app.queue(default_concurrency_limit=QUEUE_CONCURRENCY)
        port = _free_port()
        app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
        url = f"http://127.0.0.1:{port}/"
        try:
            clients = [
                Client(url, verbose=False, download_files=False) for _ in range(args.sessions)
            ]
            _round(clients)  # warm-up: model loaded, reader opened
            idle = _round(clients)
            uploader = Client(url, verbose=False, download_files=False)
            files = [handle_file(str(p)) for p in sorted(UPLOADS.iterdir())]
            t = time.perf_counter()
            job = uploader.submit(files, api_name="/ingest")
            # Wait until the upload's files reached the app (ingest is then under way).
            while not (settings.uploads_dir.exists() and any(settings.uploads_dir.iterdir())):
                time.sleep(0.05)
            during = _round(clients)
            (outcome, *_) = job.result(timeout=900)
            upload_end = time.time()
            upload_s = time.perf_counter() - t
            for c in [*clients, uploader]:
                c.close()
        finally:
            app.close()
    during["upload_still_running_at_last_answer"] = during.pop("last_end") < upload_end
    idle.pop("last_end")
    result = {
        "benchmark": "concurrency",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),  # its load average is the one at the end
        "embedder": settings.embedder,
        "mode": "extractive",
        "queue_concurrency": QUEUE_CONCURRENCY,
        "seed_index_s": round(index_s, 2),
        "upload": {
            "files": len(files),
            "rows": [r[:2] for r in outcome["data"]],
            "wall_s": round(upload_s, 2),
        },
        "idle": idle,
        "during_upload": during,
    }
    write_json(result, args.out)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
