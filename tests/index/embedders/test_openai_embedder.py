"""OpenAIEmbedder against a tiny local stub of /v1/embeddings."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from core.errors import EmbeddingError
from index.embedders.openai_compat import OpenAIEmbedder

KEY = "sk-test-do-not-leak"


def raw_vector(text: str) -> list[float]:
    """The stub's deterministic, deliberately unnormalised vector for ``text``."""
    return [float(len(text)), 1.0, 2.0]


class Stub:
    """State shared with the handler: statuses to answer first, requests seen, concurrency."""

    def __init__(self, fail_with: list[int], delay: float = 0.0, echo_key: bool = False):
        self.fail_with = list(fail_with)
        self.delay = delay
        self.echo_key = echo_key
        self.requests: list[dict] = []
        self.auth: list[str | None] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()


@pytest.fixture
def stub_server():
    servers = []

    def start(fail_with=(), delay=0.0, echo_key=False):
        stub = Stub(list(fail_with), delay, echo_key)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with stub.lock:
                    stub.requests.append(body)
                    stub.auth.append(self.headers.get("Authorization"))
                    status = stub.fail_with.pop(0) if stub.fail_with else 200
                    stub.in_flight += 1
                    stub.max_in_flight = max(stub.max_in_flight, stub.in_flight)
                time.sleep(stub.delay)
                if status == 200 and self.path == "/v1/embeddings":
                    # answer in reverse order: the client must sort by "index"
                    data = [
                        {"object": "embedding", "index": i, "embedding": raw_vector(t)}
                        for i, t in enumerate(body["input"])
                    ][::-1]
                    payload = json.dumps({"object": "list", "data": data}).encode()
                else:
                    status = status if status != 200 else 404
                    echoed = self.headers.get("Authorization", "") if stub.echo_key else ""
                    payload = json.dumps({"error": f"stub says no {echoed}"}).encode()
                with stub.lock:
                    stub.in_flight -= 1
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/v1", stub

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def client(base_url: str, **kw) -> OpenAIEmbedder:
    kw = {"api_key": KEY, "model": "stub-embed", "timeout": 5.0, "backoff": 0.01, **kw}
    return OpenAIEmbedder(base_url, **kw)


def test_retries_a_503_then_returns_normalised_vectors_in_order(stub_server):
    url, stub = stub_server(fail_with=[503])
    texts = ["a", "机关党建", "城市建设中党员先锋模范作用"]
    vectors = client(url, batch_size=8).embed(texts)

    expected = np.array([raw_vector(t) for t in texts], dtype=np.float32)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert np.allclose(vectors, expected, atol=1e-6)
    assert len(stub.requests) == 2  # the 503, then the retry
    assert stub.requests[-1] == {"model": "stub-embed", "input": texts, "encoding_format": "float"}
    assert stub.auth[-1] == f"Bearer {KEY}"


def test_batches_and_learns_the_dimension(stub_server):
    url, stub = stub_server()
    embedder = client(url, batch_size=2)
    vectors = embedder.embed([f"text {i}" for i in range(5)])
    assert vectors.shape == (5, 3)
    assert sorted(len(r["input"]) for r in stub.requests) == [1, 2, 2]
    assert embedder.dimension == 3


def test_concurrency_is_capped(stub_server):
    url, stub = stub_server(delay=0.05)
    client(url, batch_size=1, max_concurrency=2).embed([str(i) for i in range(8)])
    assert len(stub.requests) == 8
    assert 1 <= stub.max_in_flight <= 2


def test_gives_up_after_retries_naming_the_url_not_the_key(stub_server):
    url, stub = stub_server(fail_with=[500, 502, 503, 429])
    with pytest.raises(EmbeddingError) as info:
        client(url, retries=3).embed(["x"])
    message = str(info.value)
    assert message == (f"embedding request to {url}/embeddings failed after 4 attempts: HTTP 429")
    assert KEY not in message and "\n" not in message
    assert len(stub.requests) == 4


def test_client_error_is_not_retried_and_key_is_redacted(stub_server):
    url, stub = stub_server(fail_with=[401], echo_key=True)
    with pytest.raises(
        EmbeddingError, match=r"failed: HTTP 401 .*stub says no Bearer \*\*\*"
    ) as info:
        client(url).embed(["x"])
    assert KEY not in str(info.value)
    assert len(stub.requests) == 1


def test_connection_refused_is_a_clear_error():
    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    with pytest.raises(
        EmbeddingError, match=r"failed after 2 attempts: connection failed \(ConnectError\)"
    ):
        client(url, retries=1).embed(["x"])
