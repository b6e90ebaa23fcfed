"""llama.cpp settings for the local model on this CPU: prefill and generation speed per setting.

For each setting (threads, batch size, flash attention, KV-cache type), in a process of its own:
1. load the packaged model (size and sha256 checked);
2. for prompts of 300, 600 and 1,200 tokens (``--prompt-tokens``; our system prompt and the
   longest start of a seed report that fits, in our ChatML template): time to the first token
   with the cache cleared (prefill tokens/s), then 48 greedy tokens (generation tokens/s),
   medians of ``--rounds``;
3. prompt-cache reuse: the same system prompt with another question, cache kept — the first
   token then costs only the new suffix;
4. whether the greedy text equals the baseline setting's (a setting that changes answers is
   not a candidate for the default).

    python benchmarks/llama_settings.py --model qwen2.5-1.5b --rounds 3 [--prompt-tokens 300,600,1200]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import machine, write_json  # noqa: E402

SEED = REPO.parent / "shared" / "corpus" / "seeds" / "000_424aa9fef5469438.txt"
SETTINGS = {
    "default (2 threads, batch 512)": {"n_threads": 2, "n_batch": 512},
    "1 thread": {"n_threads": 1, "n_batch": 512},
    "batch 128": {"n_threads": 2, "n_batch": 128},
    "batch 256": {"n_threads": 2, "n_batch": 256},
    "prefill on 1 thread": {"n_threads": 2, "n_threads_batch": 1, "n_batch": 512},
    "flash attention": {"n_threads": 2, "n_batch": 512, "flash_attn": True},
    "flash attention + q8_0 KV": {
        "n_threads": 2,
        "n_batch": 512,
        "flash_attn": True,
        "type_k": 8,
        "type_v": 8,
    },
}


QUESTION = "问题：在职党员有多少名？"


def sized_messages(chat, system: str, text: str, target: int) -> list[dict]:
    """The system prompt and the longest start of ``text`` whose whole prompt is at most
    ``target`` tokens (found by bisection on characters)."""

    def messages(chars: int) -> list[dict]:
        return [{"role": "system", "content": system},
                {"role": "user", "content": f"资料：\n{text[:chars]}\n\n{QUESTION}"}]  # fmt: skip

    low, high = 0, len(text)
    if len(chat.tokens(messages(0))) > target:
        raise SystemExit(f"the system prompt alone is over {target} tokens")
    while low < high:
        mid = (low + high + 1) // 2
        if len(chat.tokens(messages(mid))) <= target:
            low = mid
        else:
            high = mid - 1
    return messages(low)


def worker(name: str, model: str, rounds: int, sizes: list[int]) -> dict:
    from assistant.generation.local import model_path, model_spec, verify_file
    from assistant.generation.local.llama import LlamaCppChatModel
    from core.settings import load_settings
    from prompts import render

    spec = model_spec(model)
    path = model_path(spec, load_settings().models_dir)
    verify_file(spec, path)
    from llama_cpp import Llama

    llm = Llama(model_path=str(path), n_ctx=4096, verbose=False, **SETTINGS[name])
    chat = LlamaCppChatModel(path)
    chat._llm = llm
    text = SEED.read_text(encoding="utf-8")
    system = render("system")
    out: dict = {"setting": name, "params": SETTINGS[name], "prompts": []}
    for size in sizes:
        messages = sized_messages(chat, system, text, size)
        tokens = chat.tokens(messages)
        firsts, gens, reply = [], [], ""
        for _ in range(rounds):
            llm.reset()
            llm._ctx.kv_cache_clear()
            t0 = time.perf_counter()
            pieces, first = [], None
            for chunk in llm.create_completion(tokens, max_tokens=48, temperature=0.0, stream=True):
                if first is None:
                    first = time.perf_counter() - t0
                pieces.append(chunk["choices"][0]["text"])
            total = time.perf_counter() - t0
            reply = "".join(pieces)
            firsts.append(first)
            n_gen = len(llm.tokenize(reply.encode(), add_bos=False, special=False))
            gens.append(max(n_gen - 1, 1) / max(total - first, 1e-6))
        # 3. the same system prompt, another question, the cache kept from the call above
        again = chat.tokens(
            [messages[0], {"role": "user", "content": messages[1]["content"] + "请简要回答。"}]
        )
        t0 = time.perf_counter()
        next(iter(llm.create_completion(again, max_tokens=1, temperature=0.0, stream=True)))
        reuse = time.perf_counter() - t0
        first_p50 = statistics.median(firsts)
        out["prompts"].append(
            {
                "prompt_tokens": len(tokens),
                "first_token_s": round(first_p50, 3),
                "prefill_tokens_per_s": round(len(tokens) / first_p50, 1),
                "generation_tokens_per_s": round(statistics.median(gens), 1),
                "first_token_with_cached_prefix_s": round(reuse, 3),
                "reply": reply,
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-1.5b")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--prompt-tokens", default="300,600,1200")
    parser.add_argument("--settings", default=";".join(SETTINGS), help="names, separated by ;")
    parser.add_argument("--setting", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks/results/llama-settings.json")
    args = parser.parse_args()
    sizes = [int(n) for n in args.prompt_tokens.split(",")]
    if args.setting:
        result = worker(args.setting, args.model, args.rounds, sizes)
        print(json.dumps(result, ensure_ascii=False))
        return
    names = args.settings.split(";")
    if unknown := set(names) - set(SETTINGS):
        parser.error(f"unknown settings {sorted(unknown)}; choose from {', '.join(SETTINGS)}")
    results = []
    for name in names:
        done = subprocess.run(
            [sys.executable, __file__, "--setting", name, "--model", args.model]
            + ["--rounds", str(args.rounds), "--prompt-tokens", args.prompt_tokens],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    base = [p["reply"] for p in results[0]["prompts"]]
    for r in results:
        r["same_replies_as_default"] = [p["reply"] for p in r["prompts"]] == base
        cells = ", ".join(
            f"{p['prompt_tokens']} tok: {p['prefill_tokens_per_s']} tok/s prefill, "
            f"{p['generation_tokens_per_s']} gen, cached-prefix first {p['first_token_with_cached_prefix_s']} s"
            for p in r["prompts"]
        )
        print(f"{r['setting']}: {cells}; same replies: {r['same_replies_as_default']}")
    out = write_json({"command": sys.argv, "date": datetime.now(UTC).isoformat(timespec="seconds"),
                      "machine": machine(), "model": args.model, "rounds": args.rounds,
                      "results": results}, args.out)  # fmt: skip
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
