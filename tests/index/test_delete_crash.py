"""A real ``assistant docs delete`` killed with SIGKILL at seeded points, then re-run, equals a
clean build of the corpus without those documents.

The kill points are chosen by what the process has done, not by wall-clock time (the
machine may be loaded): before it marks anything, right after it marked every document
``deleting``, and after a random number of documents are gone. Between the kill and the
re-run a reader sees all requested documents or none (one transaction marks them all).
"""

from __future__ import annotations

import gzip
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.settings import Settings
from index.embedders.hash import HashEmbedder
from index.pipeline import ingest_paths
from index.store import CATALOG_FILE, open_store

pytestmark = pytest.mark.integration

N_ARTICLES = 120
N_DELETE = 40
SEED = 20261124


@pytest.fixture(scope="module")
def built(tmp_path_factory, shared):
    """The full index (``full``), the ids to delete, and a clean build without them (``clean``)."""
    folder = tmp_path_factory.mktemp("corpus")
    path = shared / "evaldata" / "scale" / "crud_news_68k.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= N_ARTICLES:
                break
            rec = json.loads(line)
            text = f"{rec['title']}\n{rec['text']}"
            (folder / f"news_{i:04d}.txt").write_text(text, encoding="utf-8")
    for seed in sorted((shared / "corpus" / "seeds").glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    embedder = HashEmbedder()
    full = Settings(data_dir=tmp_path_factory.mktemp("full"), embedder="hash")
    ingest_paths([folder], full, embedder=embedder)

    store = open_store(full, embedder, create=False)
    try:
        docs = store.catalog.documents()
        targets = random.Random(SEED).sample(docs, N_DELETE)
        # Half by internal id, half by file stem: both are what users type.
        ids = [d.doc_id if i % 2 else d.source_id for i, d in enumerate(targets)]
        gone = {Path(p) for d in targets for p in store.catalog.paths_of(d.doc_id)}
        target_ids = sorted(d.doc_id for d in targets)
    finally:
        store.close()

    # The clean reference: the same folder (same paths) without the deleted documents' files.
    moved = tmp_path_factory.mktemp("moved")
    for p in gone:
        shutil.move(p, moved / p.name)
    clean = Settings(data_dir=tmp_path_factory.mktemp("clean"), embedder="hash")
    ingest_paths([folder], clean, embedder=embedder)
    return full, clean, ids, target_ids, folder


def _delete_cmd(ids: list[str], data_dir: Path) -> list[str]:
    return [
        sys.executable, "-m", "assistant.cli", "docs", "delete", *ids,
        "--embedder", "hash", "--data-dir", str(data_dir),
    ]  # fmt: skip


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    env["COLUMNS"] = "300"  # rich wraps at 80 columns otherwise
    return env


def _statuses(catalog: Path, target_ids: list[str]) -> list[str]:
    """Status of each target document still in the catalog (read-only, never blocks the writer)."""
    db = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True, timeout=5)
    try:
        marks = ",".join("?" * len(target_ids))
        rows = db.execute(f"SELECT status FROM documents WHERE doc_id IN ({marks})", target_ids)
        return [r[0] for r in rows]
    except sqlite3.OperationalError:  # catalog busy or not yet opened: ask again
        return ["?"] * len(target_ids)
    finally:
        db.close()


def _kill_when(proc: subprocess.Popen, ready, catalog: Path, target_ids, extra: float) -> bool:
    """SIGKILL ``proc`` ``extra`` seconds after ``ready(statuses)``; False if it finished first."""
    while proc.poll() is None:
        if ready(_statuses(catalog, target_ids)):
            time.sleep(extra)
            if proc.poll() is not None:
                return False
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
            return True
        time.sleep(0.003)
    return False


def test_sigkill_during_delete_then_rerun_equals_clean_build(built, tmp_path, index_snapshot):
    full, clean_settings, ids, target_ids, folder = built
    embedder = HashEmbedder()
    clean = index_snapshot(clean_settings, embedder)
    original = index_snapshot(full, embedder)
    assert len(original["docs"]) - len(clean["docs"]) == N_DELETE
    assert clean["catalog_chunks"] == clean["chroma_chunks"] == clean["keyword_chunks"]

    rng = random.Random(SEED)
    n = len(target_ids)
    plans = [
        ("before marking", lambda s: True, rng.uniform(0.0, 0.5)),
        ("all marked, nothing removed", lambda s: s.count("deleting") == n, 0.0),
    ]
    for _ in range(2):
        left = rng.randint(1, n - 1)
        plans.append((f"{left} left", lambda s, left=left: len(s) <= left, rng.uniform(0, 0.02)))

    kills = 0
    for i, (label, ready, extra) in enumerate(plans):
        data = tmp_path / f"run{i}"
        shutil.copytree(full.data_dir, data)
        settings = Settings(data_dir=data, embedder="hash")
        catalog = settings.index_dir / CATALOG_FILE
        assert catalog.exists()
        proc = subprocess.Popen(
            _delete_cmd(ids, data), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        killed = _kill_when(proc, ready, catalog, target_ids, extra)
        kills += killed
        if not killed:
            assert proc.returncode == 0, proc.stderr.read()[-2000:]
        proc.stderr.close()

        # What a reader sees after the crash: every requested document or none of them.
        store = open_store(settings, embedder, create=False)
        try:
            visible = {d.doc_id for d in store.catalog.documents()} & set(target_ids)
        finally:
            store.close()
        assert len(visible) in (0, n), f"{label}: {len(visible)} of {n} still visible"

        rerun = subprocess.run(
            _delete_cmd(ids, data), env=_env(), capture_output=True, text=True, timeout=300
        )
        assert rerun.returncode == 0, f"{label}: {rerun.stderr[-2000:]}"
        assert f"已删除 {n} 篇文档" in rerun.stdout, rerun.stdout
        after = index_snapshot(settings, embedder)
        assert after == clean, label
        assert len(set(after["chroma_chunks"])) == len(after["chroma_chunks"])

    assert kills >= 3, "the deletes finished before they could be killed"

    # Once finished, the ids are really unknown: one line, exit status 1, index unchanged.
    again = subprocess.run(
        _delete_cmd(ids[:1], data), env=_env(), capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 1
    assert ids[0] in again.stderr and len(again.stderr.strip().splitlines()) == 1
    assert index_snapshot(settings, embedder) == clean
    # And ingesting the folder (without the deleted files) changes nothing either.
    report = ingest_paths([folder], settings, embedder=embedder)
    assert report.counts()["indexed"] == 0 and report.counts()["removed"] == 0
    assert index_snapshot(settings, embedder) == clean
