"""The packaged local models on this CPU: 问答 latency and a 4-section 提纲起草 draft.

For each model (a separate process each, so peak RSS is the model's own):
1. load it (size and sha256 checked, as in the product);
2. 问答: the first ``--questions`` dev questions of evals/sets/seeds_qa.jsonl through the product's
   path (hybrid retrieval → evidence sentences → model → verifier, strict): seconds to the
   first streamed piece and to the whole checked answer;
3. 提纲起草: one draft on the 调研报告 skeleton (4 sections), seconds per section and in all;
4. peak RSS of the process.

The seeds are indexed once into a temporary data dir with the default embedder.

    python benchmarks/local_llm.py --models qwen2.5-1.5b qwen2.5-0.5b
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import machine, write_json  # noqa: E402

SEEDS = REPO.parent / "shared" / "corpus" / "seeds"
TOPIC = "在职党员参与城市建设"


def _questions(n: int) -> list[str]:
    rows = [json.loads(x) for x in (REPO / "evals/sets/seeds_qa.jsonl").read_text().splitlines()]
    return [r["question"] for r in rows if r["split"] == "dev" and r["relevant_doc_ids"]][:n]


def worker(args: argparse.Namespace) -> None:
    from assistant.generation import generate, make_chat_model, verified
    from assistant.retrieval import build_retriever
    from core.settings import load_settings
    from prompts import skeleton

    settings = load_settings(data_dir=args.data_dir, local_model=args.model, generator="local")
    retriever = build_retriever("hybrid", settings)
    start = time.perf_counter()
    chat = make_chat_model(settings)
    chat._load()
    load_s = time.perf_counter() - start
    answers = []
    for q in _questions(args.questions):
        t0 = time.perf_counter()
        first = None
        for event in verified(
            generate(q, mode="answer", retriever=retriever, chat=chat, settings=settings),
            strict=True,
        ):
            if event.kind == "delta" and first is None:
                first = time.perf_counter() - t0
        answers.append({"question": q, "first_s": first, "total_s": time.perf_counter() - t0})
    t0 = time.perf_counter()
    sections, last = [], t0
    events = generate(
        TOPIC,
        mode="outline",
        retriever=retriever,
        chat=chat,
        settings=settings,
        skeleton=skeleton("调研报告"),
    )
    for event in verified(events, strict=True):
        if event.kind == "progress":
            now = time.perf_counter()
            sections.append({"progress": event.text, "since_previous_s": round(now - last, 2)})
            last = now
    outline_s = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "model": args.model,
                "label": chat.label,
                "load_s": round(load_s, 2),
                "answer_first_token_p50_s": round(
                    statistics.median(a["first_s"] for a in answers), 2
                ),
                "answer_total_p50_s": round(statistics.median(a["total_s"] for a in answers), 2),
                "answer_total_max_s": round(max(a["total_s"] for a in answers), 2),
                "outline_4_sections_s": round(outline_s, 1),
                "outline_sections": sections,
                "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "answers": answers,
            },
            ensure_ascii=False,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["qwen2.5-1.5b", "qwen2.5-0.5b"])
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks/results/local-llm.json")
    args = parser.parse_args()
    if args.model:
        return worker(args)
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data_dir or Path(tmp)
        if args.data_dir is None:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "assistant.cli",
                    "ingest",
                    str(SEEDS),
                    "--data-dir",
                    str(data),
                ],
                check=True,
                capture_output=True,
            )
        results = []
        for model in args.models:
            done = subprocess.run(
                [sys.executable, __file__, "--model", model, "--data-dir", str(data)]
                + ["--questions", str(args.questions)],
                check=True,
                capture_output=True,
                text=True,
            )
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    out = write_json({"machine": machine(), "threads": 2, "results": results}, args.out)
    for r in results:
        print(
            f"{r['label']}: first token p50 {r['answer_first_token_p50_s']} s, answer p50 "
            f"{r['answer_total_p50_s']} s, 4-section draft {r['outline_4_sections_s']} s, "
            f"peak RSS {r['peak_rss_mib']} MiB"
        )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
