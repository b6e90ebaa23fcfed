"""A real ingest process killed with SIGKILL mid-run, then re-run, equals a clean build."""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.settings import Settings
from index.embedders.hash import HashEmbedder

pytestmark = pytest.mark.integration

N_ARTICLES = 300


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory, shared) -> Path:
    """300 real news articles from ../shared (as .txt files) plus the five seeds."""
    folder = tmp_path_factory.mktemp("big")
    with gzip.open(
        shared / "evaldata" / "scale" / "crud_news_68k.jsonl.gz", "rt", encoding="utf-8"
    ) as fh:
        for i, line in enumerate(fh):
            if i >= N_ARTICLES:
                break
            rec = json.loads(line)
            (folder / f"news_{i:04d}.txt").write_text(
                f"{rec['title']}\n{rec['text']}", encoding="utf-8"
            )
    for seed in sorted((shared / "corpus" / "seeds").glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    return folder


def _ingest_cmd(folder: Path, data_dir: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "assistant.cli",
        "ingest",
        str(folder),
        "--embedder",
        "hash",
        "--data-dir",
        str(data_dir),
    ]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    return env


def test_sigkill_at_random_points_then_rerun_equals_clean_build(
    big_corpus, tmp_path, index_snapshot
):
    clean_dir = tmp_path / "clean"
    done = subprocess.run(
        _ingest_cmd(big_corpus, clean_dir), env=_env(), capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    embedder = HashEmbedder()
    clean = index_snapshot(Settings(data_dir=clean_dir, embedder="hash"), embedder)
    assert len(clean["docs"]) > N_ARTICLES * 0.8  # exact duplicates collapse into one document
    assert clean["unfinished"] == []

    # Time a full run once to choose kill points inside it.
    t0 = time.monotonic()
    subprocess.run(
        _ingest_cmd(big_corpus, tmp_path / "timing"), env=_env(), capture_output=True, timeout=600
    )
    full = time.monotonic() - t0

    rng = random.Random(20261124)
    data_dir = tmp_path / "killed"
    kills = 0
    for _ in range(4):
        proc = subprocess.Popen(
            _ingest_cmd(big_corpus, data_dir),
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.15, 0.9) * full)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
    assert kills >= 2, "the runs finished before they could be killed; the corpus is too small"

    rerun = subprocess.run(
        _ingest_cmd(big_corpus, data_dir), env=_env(), capture_output=True, text=True, timeout=600
    )
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    after = index_snapshot(Settings(data_dir=data_dir, embedder="hash"), embedder)
    assert after == clean
