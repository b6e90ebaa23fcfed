"""OpenAIChatModel against a tiny local SSE stub; make_chat_model; FakeChatModel."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pydantic import SecretStr

from assistant.generation.chat import (
    OpenAIChatModel,
    make_chat_model,
)
from core.errors import ConfigError, LLMError, LLMTimeoutError
from core.settings import Settings
from tests.fakes import FakeChatModel

KEY = "sk-test-do-not-leak"
MESSAGES = [{"role": "system", "content": "系统"}, {"role": "user", "content": "问题"}]


def sse(*pieces: str) -> bytes:
    events = [{"choices": [{"index": 0, "delta": {"role": "assistant"}}]}]
    events += [{"choices": [{"index": 0, "delta": {"content": p}}]} for p in pieces]
    events.append({"choices": [], "usage": {"total_tokens": 3}})
    lines = [f"data: {json.dumps(e, ensure_ascii=False)}\n\n" for e in events] + [
        "data: [DONE]\n\n"
    ]
    return "".join(lines).encode()


@pytest.fixture
def stub():
    """start(behaviour) → base URL; behaviour(handler) writes the whole response."""
    servers = []
    seen: list[dict] = []

    def start(behaviour):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                seen.append(
                    {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
                )
                behaviour(self)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/v1"

    start.seen = seen
    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def reply(
    handler, status: int, payload: bytes, content_type="text/event-stream", pause: float = 0.0
):
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.end_headers()
    if pause:  # headers sent, then silence mid-stream
        second_end = payload.index(b"\n\n", payload.index(b"\n\n") + 2) + 2
        handler.wfile.write(payload[:second_end])  # the role event and the first piece
        handler.wfile.flush()
        time.sleep(pause)
        return
    handler.wfile.write(payload)


def test_streams_pieces_and_sends_model_and_key(stub):
    url = stub(lambda h: reply(h, 200, sse("市住建局", "在职党员", "485名[1]。")))
    model = OpenAIChatModel(url, KEY, "qwen2.5", timeout=5)
    assert list(model.stream(MESSAGES)) == ["市住建局", "在职党员", "485名[1]。"]
    (request,) = stub.seen
    assert request["path"] == "/v1/chat/completions" and request["auth"] == f"Bearer {KEY}"
    assert request["body"]["model"] == "qwen2.5" and request["body"]["stream"] is True
    assert request["body"]["messages"] == MESSAGES


def test_a_whole_json_answer_is_accepted_from_servers_that_ignore_stream(stub):
    answer = {
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "完整回答[1]。"}}]
    }
    url = stub(lambda h: reply(h, 200, json.dumps(answer).encode(), "application/json"))
    assert list(OpenAIChatModel(url, None, "m", timeout=5).stream(MESSAGES)) == ["完整回答[1]。"]


def test_server_slower_than_the_timeout_is_an_llm_timeout(stub):
    url = stub(lambda h: (time.sleep(3), reply(h, 200, sse("迟到"))))
    with pytest.raises(LLMTimeoutError, match="timed out") as info:
        list(OpenAIChatModel(url, KEY, "m", timeout=0.5).stream(MESSAGES))
    assert url in str(info.value) and KEY not in str(info.value)


def test_silence_mid_stream_is_an_llm_timeout_after_the_first_pieces(stub):
    url = stub(lambda h: reply(h, 200, sse("第一段", "第二段"), pause=3))
    pieces = []
    with pytest.raises(LLMTimeoutError):
        for piece in OpenAIChatModel(url, KEY, "m", timeout=0.5).stream(MESSAGES):
            pieces.append(piece)
    assert pieces == ["第一段"]


@pytest.mark.parametrize(
    "payload",
    [
        b"<html>502 Bad Gateway</html>",
        b"data: {not json\n\n",
        b"data: [1, 2]\n\n",
        b'data: {"error": {"message": "overloaded"}}\n\n',
    ],
)
def test_garbage_is_an_llm_error(stub, payload):
    url = stub(lambda h: reply(h, 200, payload))
    with pytest.raises(LLMError, match="LLM request to .*/v1/chat/completions failed"):
        list(OpenAIChatModel(url, KEY, "m", timeout=5).stream(MESSAGES))


def test_http_error_names_the_url_but_never_the_key(stub):
    def echo_key(h):
        reply(
            h,
            401,
            json.dumps({"error": f"bad key {h.headers['Authorization']}"}).encode(),
            "application/json",
        )

    url = stub(echo_key)
    with pytest.raises(LLMError) as info:
        list(OpenAIChatModel(url, KEY, "m", timeout=5).stream(MESSAGES))
    message = str(info.value)
    assert "HTTP 401" in message and url in message and KEY not in message and "\n" not in message


def test_unreachable_server_is_an_llm_error():
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(LLMError, match="connection failed"):
        list(OpenAIChatModel(f"http://127.0.0.1:{port}/v1", None, "m", timeout=2).stream(MESSAGES))


def test_make_chat_model_from_settings(tmp_path):
    assert make_chat_model(Settings()) is None
    model = make_chat_model(
        Settings(
            llm_base_url="http://127.0.0.1:9/v1/",
            llm_model="deepseek-chat",
            llm_api_key=SecretStr(KEY),
            llm_timeout=7,
        )
    )
    assert isinstance(model, OpenAIChatModel)
    assert model.url == "http://127.0.0.1:9/v1/chat/completions" and model.timeout == 7
    with pytest.raises(ConfigError, match="ASSISTANT_LLM_MODEL is required"):
        make_chat_model(Settings(llm_base_url="http://127.0.0.1:9/v1"))
    with pytest.raises(ConfigError, match="GGUF model file not found"):
        make_chat_model(Settings(llm_gguf_path=tmp_path / "missing.gguf"))


def test_fake_chat_model_records_and_replays():
    fake = FakeChatModel().enqueue(["甲", "乙"]).enqueue(["丙", LLMError("boom")])
    assert list(fake.stream(MESSAGES)) == ["甲", "乙"]
    stream = fake.stream([{"role": "user", "content": "再问"}])
    assert next(stream) == "丙"
    with pytest.raises(LLMError, match="boom"):
        next(stream)
    assert fake.messages == [MESSAGES, [{"role": "user", "content": "再问"}]]
    with pytest.raises(RuntimeError, match="no reply enqueued"):
        fake.stream(MESSAGES)


def test_keep_alives_do_not_outlast_the_total_deadline(stub):
    """A server that only ever sends SSE comments answers every read at once, so the per-read
    timeout never fires; the total deadline ends the call and closes the connection."""
    cut = threading.Event()

    def keep_alive_forever(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.end_headers()
        try:
            while True:
                handler.wfile.write(b": keep-alive\n\n")
                handler.wfile.flush()
                time.sleep(0.05)
        except OSError:  # broken pipe or reset: the client hung up
            cut.set()

    url = stub(keep_alive_forever)
    model = OpenAIChatModel(url, KEY, "m", timeout=30, total_timeout=0.5)
    with pytest.raises(LLMTimeoutError, match="ASSISTANT_LLM_TOTAL_TIMEOUT") as info:
        list(model.stream(MESSAGES))
    assert "0.5 秒" in str(info.value) and "\n" not in str(info.value)
    assert cut.wait(60), "the server is still sending keep-alives: the connection was left open"


def test_total_deadline_comes_from_the_setting():
    model = make_chat_model(
        Settings(llm_base_url="http://127.0.0.1:9/v1", llm_model="m", llm_total_timeout=42)
    )
    assert model.total_timeout == 42
    assert (
        make_chat_model(Settings(llm_base_url="http://127.0.0.1:9/v1", llm_model="m")).total_timeout
        == 300
    )
    from core.settings import load_settings

    with pytest.raises(ConfigError, match="ASSISTANT_LLM_TOTAL_TIMEOUT"):
        load_settings(llm_total_timeout=0)
