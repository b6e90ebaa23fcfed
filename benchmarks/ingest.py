"""Ingest throughput: embedding-only vs end-to-end, on the seeds and on N scale articles.

    .venv/bin/python benchmarks/ingest.py [--articles 2000] [--embedder e5] [--out benchmarks/results]

End-to-end = `ingest_paths` on a folder of .txt files into a fresh data dir (loading,
cleaning, chunking, keyword tokenising, embedding, Chroma and catalog writes, BM25 build).
Embedding-only = the same chunks' embed texts through the same embedder, nothing else.
Tokens are counted with the model's own tokenizer (including the "passage: " prefix and
special tokens), the unit the embedder's speed is quoted in.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import machine, write_json  # noqa: E402
from core.settings import Settings  # noqa: E402
from index.embedders import make_embedder  # noqa: E402
from index.loaders import load_file  # noqa: E402
from index.pipeline import ingest_paths  # noqa: E402
from index.prepare import build_document, prepare  # noqa: E402

SHARED = REPO.parent / "shared"


def write_scale_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.open(
        SHARED / "evaldata" / "scale" / "crud_news_68k.jsonl.gz", "rt", encoding="utf-8"
    ) as fh:
        for i, line in enumerate(fh):
            if i >= n:
                break
            rec = json.loads(line)
            (folder / f"{rec['id']}.txt").write_text(
                f"{rec['title']}\n{rec['text']}", encoding="utf-8"
            )
    return folder


def embed_texts_of(folder: Path, settings: Settings) -> list[str]:
    """The exact texts ingest would embed for this folder (duplicates included once)."""
    texts, seen = [], set()
    for f in sorted(folder.iterdir()):
        loaded = load_file(f)
        doc = build_document(loaded.text, source_path=str(f), title_hint=loaded.title_hint)
        if doc is None or doc.doc_id in seen:
            continue
        seen.add(doc.doc_id)
        prep = prepare(
            doc,
            max_tokens=settings.chunk_tokens,
            overlap_sentences=settings.chunk_overlap_sentences,
        )
        texts.extend(c.embed_text for c in prep.chunks)
    return texts


def count_tokens(embedder, texts: list[str]) -> int:
    if hasattr(embedder, "token_ids"):
        return sum(len(ids) for ids in embedder.token_ids(texts))
    if hasattr(embedder, "token_count"):
        return sum(embedder.token_count(t) for t in texts)
    from index.chunking import count_tokens as tiktoken_count

    return sum(tiktoken_count(t) for t in texts)


def bench(name: str, folder: Path, embedder, embedder_name: str, workdir: Path) -> dict:
    settings = Settings(data_dir=workdir / f"data-{name}", embedder=embedder_name)
    texts = embed_texts_of(folder, settings)
    tokens = count_tokens(embedder, texts)
    embedder.embed(texts[:8])  # warm-up: model load, first-call allocations

    t0 = time.perf_counter()
    embedder.embed(texts)
    embed_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    report = ingest_paths([folder], settings, embedder=embedder)
    e2e_s = time.perf_counter() - t0
    assert report.chunks_embedded == len(texts), (report.chunks_embedded, len(texts))

    t0 = time.perf_counter()
    again = ingest_paths([folder], settings, embedder=embedder)
    rerun_s = time.perf_counter() - t0
    assert again.counts()["indexed"] == 0

    files = sum(1 for _ in folder.iterdir())
    return {
        "corpus": name,
        "files": files,
        "chunks": len(texts),
        "tokens": tokens,
        "embed_only_s": round(embed_s, 2),
        "embed_only_chunks_per_s": round(len(texts) / embed_s, 1),
        "embed_only_tokens_per_s": round(tokens / embed_s, 1),
        "end_to_end_s": round(e2e_s, 2),
        "end_to_end_chunks_per_s": round(len(texts) / e2e_s, 1),
        "end_to_end_tokens_per_s": round(tokens / e2e_s, 1),
        "ratio_e2e_over_embed": round(embed_s / e2e_s, 3),
        "unchanged_rerun_s": round(rerun_s, 2),
        "rerun_over_full": round(rerun_s / e2e_s, 4),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--embedder", default="e5")
    ap.add_argument("--skip-scale", action="store_true")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    args = ap.parse_args()

    # The embedder (and its converted model) lives in the normal data dir; indexes go to a temp dir.
    embedder = make_embedder(Settings(embedder=args.embedder))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows = [bench("seeds", SHARED / "corpus" / "seeds", embedder, args.embedder, work)]
        print(json.dumps(rows[-1], ensure_ascii=False))
        if not args.skip_scale:
            scale = write_scale_corpus(work / "scale", args.articles)
            rows.append(bench(f"scale-{args.articles}", scale, embedder, args.embedder, work))
            print(json.dumps(rows[-1], ensure_ascii=False))

    result = {
        "benchmark": "ingest",
        "embedder": args.embedder,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rows": rows,
    }
    out = write_json(result, args.out / f"ingest-{args.embedder}.json")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
