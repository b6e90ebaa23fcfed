"""A real ``chroma run`` server on loopback: same answers as the embedded store, clear failures.

The seeds are ingested with the real e5 embedder twice — into the embedded store and through
the server — and every question of ``evals/sets/seeds_qa.jsonl`` must get the same top-k
chunks from both. The embedded index is then copied to the server with
``assistant index migrate --to-chroma`` (no re-embedding) and must answer the same again.
Killing the server mid-query gives a StoreError (a one-line CLI error); restarting it gives
the same results, and the local catalog and keyword index are untouched.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from core.errors import StoreError
from core.settings import Settings

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]
CHROMA = Path(sys.executable).parent / "chroma"
QUESTIONS = [
    json.loads(line)["question"]
    for line in (REPO / "evals" / "sets" / "seeds_qa.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]
K = 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChromaServer:
    """``chroma run`` on 127.0.0.1 with its own data path; ``kill()`` and ``start()`` again."""

    def __init__(self, path: Path):
        self.path = path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self, wait: float = 60.0) -> None:
        import httpx

        self.proc = subprocess.Popen(
            [
                str(CHROMA),
                "run",
                "--path",
                str(self.path),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"chroma run did not answer on {self.url} within {wait} s")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)
        self.proc = None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = ChromaServer(tmp_path_factory.mktemp("chroma-server"))
    srv.start()
    yield srv
    srv.kill()


class QueryCache:
    """The e5 embedder, each question embedded once for all the stores compared here."""

    def __init__(self, inner):
        self.inner = inner
        self.model_id, self.dimension = inner.model_id, inner.dimension
        self.cache: dict[str, np.ndarray] = {}

    def embed(self, texts, *, query: bool = False) -> np.ndarray:
        if not query:
            return self.inner.embed(texts)
        missing = [t for t in texts if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.inner.embed(missing, query=True), strict=True))
        return np.stack([self.cache[t] for t in texts])


@pytest.fixture(scope="module")
def embedder(_model_dir):
    from index.embedders import make_embedder

    return QueryCache(make_embedder(Settings(embedder="e5", model_dir=_model_dir)))


def _ingest(settings: Settings, embedder, seeds_dir: Path) -> None:
    from index.pipeline import ingest_paths

    report = ingest_paths([seeds_dir], settings, embedder=embedder, prune=False)
    assert not report.failed
    assert sum(o.status == "indexed" for o in report.outcomes) == 5


@pytest.fixture(scope="module")
def embedded(tmp_path_factory, embedder, seeds_dir, _model_dir) -> Settings:
    """The seeds in the embedded store (no server)."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("embedded"), embedder="e5", model_dir=_model_dir
    )
    _ingest(settings, embedder, seeds_dir)
    return settings


@pytest.fixture(scope="module")
def served(tmp_path_factory, embedder, seeds_dir, server, _model_dir) -> Settings:
    """The seeds ingested through the server (collection ``served``)."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("served"),
        embedder="e5",
        model_dir=_model_dir,
        chroma_url=server.url,
        collection="served",
    )
    _ingest(settings, embedder, seeds_dir)
    return settings


def top_k(settings: Settings, embedder, pipeline: str) -> list[list[str]]:
    """Chunk ids of the top K hits for every seed question."""
    from assistant.retrieval import build_retriever
    from assistant.retrieval.reader import IndexReader

    reader = IndexReader(settings, embedder)
    try:
        retriever = build_retriever(pipeline, settings, reader=reader)
        return [[h.chunk_id for h in retriever.retrieve(q, k=K)] for q in QUESTIONS]
    finally:
        reader.close()


def migrate_cli(settings: Settings, url: str) -> subprocess.CompletedProcess:
    """The real ``assistant index migrate`` command, as a user runs it."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "index",
            "migrate",
            "--to-chroma",
            url,
            "--data-dir",
            str(settings.data_dir),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "200"},
    )


def test_server_gives_the_embedded_top_k_for_every_seed_question(embedded, served, embedder):
    assert len(QUESTIONS) >= 60
    for pipeline in ("dense", "hybrid"):
        local, remote = top_k(embedded, embedder, pipeline), top_k(served, embedder, pipeline)
        assert all(len(ids) == K for ids in local)
        assert remote == local, pipeline


def test_vectors_on_the_server_are_the_ingested_ones(embedded, served, embedder, index_snapshot):
    local, remote = index_snapshot(embedded, embedder), index_snapshot(served, embedder)
    assert remote == local  # same docs, chunk ids in catalog, Chroma and keyword index
    from index.store import open_store

    a, b = open_store(embedded, embedder, create=False), open_store(served, embedder, create=False)
    try:
        ids = sorted(a.vectors.ids())
        va, vb = a.vectors.vectors(ids), b.vectors.vectors(ids)
        worst = min(float(np.dot(va[i], vb[i])) for i in ids)
        assert worst > 0.9999  # the same model on the same text; only float noise differs
    finally:
        a.close()
        b.close()


def test_migrate_copies_the_embedded_index_without_reembedding(embedded, server, embedder):
    """`assistant index migrate --to-chroma` then the server answers as the embedded store did."""
    from index.store import open_store

    result = migrate_cli(embedded, server.url)
    assert result.returncode == 0, result.stderr
    local = open_store(embedded, embedder, create=False)
    n = local.vectors.count()
    assert n > 50 and f"已复制 {n} 个向量" in result.stdout

    migrated = embedded.model_copy(update={"chroma_url": server.url})
    remote = open_store(migrated, embedder, create=False)
    try:
        ids = sorted(local.vectors.ids())
        assert sorted(remote.vectors.ids()) == ids
        va, vb = local.vectors.vectors(ids), remote.vectors.vectors(ids)
        # copied as stored; the HTTP transport may round the last bit of a float32
        assert max(float(np.abs(va[i] - vb[i]).max()) for i in ids) < 1e-6
        got = remote.vectors.collection.get(ids=ids[:3], include=["documents", "metadatas"])
        want = local.vectors.collection.get(ids=ids[:3], include=["documents", "metadatas"])
        assert got["documents"] == want["documents"] and got["metadatas"] == want["metadatas"]
    finally:
        local.close()
        remote.close()
    assert top_k(migrated, embedder, "dense") == top_k(embedded, embedder, "dense")

    # a second run without --replace resumes (upserts) and still verifies
    again = migrate_cli(embedded, server.url)
    assert again.returncode == 0, again.stderr


def test_migrate_refuses_a_server_collection_of_another_model(
    tmp_path, server, embedder, seeds_dir
):
    """A hash-embedded index cannot be copied over the e5 collection unless --replace is given."""
    from core.errors import ModelMismatchError
    from index.embedders.hash import HashEmbedder
    from index.migrate import migrate_to_chroma
    from index.pipeline import ingest_paths

    settings = Settings(data_dir=tmp_path / "hash", embedder="hash", collection="served")
    ingest_paths([seeds_dir], settings, embedder=HashEmbedder())
    with pytest.raises(ModelMismatchError, match="re-index"):
        migrate_to_chroma(settings, server.url)


def test_server_killed_mid_query_is_a_clear_error_and_restart_recovers(
    served, server, embedder, index_snapshot
):
    from assistant.retrieval import build_retriever
    from assistant.retrieval.reader import IndexReader

    before = top_k(served, embedder, "hybrid")
    snapshot = index_snapshot(served, embedder)
    reader = IndexReader(served, embedder)
    retriever = build_retriever("dense", served, reader=reader)
    outcome: dict[str, object] = {"answered": 0}

    def ask_until_it_fails() -> None:
        try:
            for i in range(100_000):
                retriever.retrieve(QUESTIONS[i % len(QUESTIONS)], k=K)
                outcome["answered"] = i + 1
        except Exception as exc:  # the test inspects whatever was raised
            outcome["error"] = exc

    asker = threading.Thread(target=ask_until_it_fails)
    asker.start()
    while outcome["answered"] < 20 and asker.is_alive():
        time.sleep(0.01)
    server.kill()  # SIGKILL while queries are in flight
    asker.join(timeout=60)
    assert not asker.is_alive()
    reader.close()
    error = outcome.get("error")
    assert isinstance(error, StoreError), repr(error)
    message = str(error)
    assert message.startswith(f"Chroma server {server.url} failed during ") and "\n" not in message

    # the CLI says it in one line and exits 1 (no traceback)
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(served.data_dir),
        "ASSISTANT_EMBEDDER": "e5",
        "ASSISTANT_CHROMA_URL": server.url,
        "ASSISTANT_COLLECTION": "served",
        "ASSISTANT_MODEL_DIR": str(served.models_dir),
    }
    cli = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "search", QUESTIONS[0], "-k", "3"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert cli.returncode == 1
    lines = [ln for ln in cli.stderr.splitlines() if ln.strip()]
    assert lines[-1].startswith("错误: Chroma server") and "Traceback" not in cli.stderr

    # restart on the same path: same answers; catalog, Chroma rows and keyword index intact
    server.start()
    assert index_snapshot(served, embedder) == snapshot
    assert top_k(served, embedder, "hybrid") == before
