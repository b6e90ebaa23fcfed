"""The configured LLM endpoint fails → a clear notice and the extractive answer, through the
users' path: ``make_chat_model(settings)`` + ``generate`` against real loopback sockets.

Covered: a refused connection (dead port), a server that accepts and never answers
(timeout), and garbage — an HTML error page, JSON of the wrong shape, stream events of the
wrong shape, a chunked stream cut mid-chunk and an event cut mid-line.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable

import pytest

from assistant.generation.chat import make_chat_model
from assistant.generation.service import NOTICE_TIMEOUT, generate
from core.settings import Settings

Behaviour = Callable[[socket.socket], None]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _read_request(conn: socket.socket) -> None:
    """Read one HTTP request (headers and a Content-Length body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        got = conn.recv(65536)
        if not got:
            return
        data += got
    head, body = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    while len(body) < length:
        got = conn.recv(65536)
        if not got:
            return
        body += got


class RawServer:
    """A loopback TCP server whose every connection is handled by ``behaviour(conn)``."""

    def __init__(self, behaviour: Behaviour):
        self.behaviour = behaviour
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.05)  # so the accept loop notices close() promptly
        self.open: list[socket.socket] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            self.open.append(conn)
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            if self.behaviour is _hang:
                self.stop.wait(30)  # accepted, never read, never answered
            else:
                self.behaviour(conn)
        except OSError:
            pass

    def close(self) -> None:
        self.stop.set()
        self.sock.close()
        for conn in self.open:
            conn.close()
        self.thread.join(timeout=5)


@pytest.fixture
def server():
    servers: list[RawServer] = []

    def start(behaviour: Behaviour) -> str:
        servers.append(RawServer(behaviour))
        return servers[-1].url

    yield start
    for s in servers:
        s.close()


def _event(content) -> bytes:
    return f"data: {json.dumps({'choices': [{'index': 0, 'delta': {'content': content}}]}, ensure_ascii=False)}\n\n".encode()


def _respond(status: str, body: bytes, content_type: str) -> Behaviour:
    def behaviour(conn: socket.socket) -> None:
        _read_request(conn)
        head = (
            f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        conn.sendall(head.encode() + body)
        conn.close()

    return behaviour


def _hang(conn: socket.socket) -> None:
    """Accept and never answer (not even read); RawServer keeps the connection open until close()."""


def _chunked_then_cut(conn: socket.socket) -> None:
    """A chunked SSE stream: one good piece, then a chunk that promises 4 KB and the socket closes."""
    _read_request(conn)
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    first = _event("不完整的回答")
    conn.sendall(f"{len(first):x}\r\n".encode() + first + b"\r\n")
    conn.sendall(b"1000\r\n" + _event("半截")[:20])
    conn.shutdown(socket.SHUT_RDWR)
    conn.close()


def _event_cut_mid_line(conn: socket.socket) -> None:
    """A close-delimited stream whose last event is cut in the middle of its JSON."""
    _read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n")
    conn.sendall(_event("前半句") + _event("后半句")[:25])
    conn.close()


GARBAGE = {
    "html error page": _respond(
        "200 OK", b"<html><body>502 Bad Gateway</body></html>", "text/html"
    ),
    "HTTP 503": _respond("503 Service Unavailable", b"<h1>overloaded</h1>", "text/html"),
    "json of the wrong shape": _respond(
        "200 OK", json.dumps({"output": {"text": "答案"}}).encode(), "application/json"
    ),
    "event without choices": _respond(
        "200 OK", b'data: {"id": "x", "object": "chunk"}\n\ndata: [DONE]\n\n', "text/event-stream"
    ),
    "content that is not text": _respond(
        "200 OK", _event(["市住建局"]) + b"data: [DONE]\n\n", "text/event-stream"
    ),
    "numeric content": _respond("200 OK", _event(485) + b"data: [DONE]\n\n", "text/event-stream"),
    "whole answer with numeric content": _respond(
        "200 OK",
        json.dumps({"choices": [{"message": {"role": "assistant", "content": 485}}]}).encode(),
        "application/json",
    ),
    "chunked stream cut mid-chunk": _chunked_then_cut,
    "event cut mid-line": _event_cut_mid_line,
}


def _answer(url: str, timeout: float, retriever, tmp_path):
    settings = Settings(
        data_dir=tmp_path, embedder="hash", llm_base_url=url, llm_model="m", llm_timeout=timeout
    )
    chat = make_chat_model(settings)
    events = list(
        generate(
            "市住建局有多少在职党员？",
            mode="answer",
            retriever=retriever,
            chat=chat,
            settings=settings,
        )
    )
    return events, events[-1].result


def _assert_extractive_with_notice(events, result, expected_notice: str | None = None):
    assert events[-1].kind == "done"
    notices = [e.text for e in events if e.kind == "notice"]
    assert len(notices) == 1 and result.notices == notices
    notice = notices[0]
    assert "抽取式" in notice and "\n" not in notice
    if expected_notice:
        assert notice == expected_notice
    assert result.extractive is True
    # The extractive answer: verbatim source sentences with their numbers.
    assert "485名" in result.text and result.cited and not result.removed_citations
    # Nothing the broken model sent survives in the answer.
    for junk in ("不完整", "前半句", "Bad Gateway", "overloaded", "答案"):
        assert junk not in result.text
    after_notice = events[[e.kind for e in events].index("notice") :]
    assert "".join(e.text for e in after_notice if e.kind == "delta").strip() == result.text


def test_refused_connection_falls_back(party_retriever, tmp_path):
    events, result = _answer(f"http://127.0.0.1:{_free_port()}/v1", 5, party_retriever, tmp_path)
    _assert_extractive_with_notice(events, result)
    assert "connection failed" in result.notices[0]


def test_endpoint_that_never_answers_times_out_and_falls_back(server, party_retriever, tmp_path):
    url = server(_hang)
    events, result = _answer(url, 0.5, party_retriever, tmp_path)
    _assert_extractive_with_notice(events, result, NOTICE_TIMEOUT)


@pytest.mark.parametrize("kind", list(GARBAGE))
def test_garbage_falls_back_with_a_clear_notice(kind, server, party_retriever, tmp_path):
    url = server(GARBAGE[kind])
    events, result = _answer(url, 5, party_retriever, tmp_path)
    _assert_extractive_with_notice(events, result)
    assert "大模型服务出错" in result.notices[0] and url in result.notices[0]
