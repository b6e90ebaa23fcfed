"""Web security over real HTTP: login beyond loopback, upload limits and names, secrets.

Servers bind 127.0.0.1 or 0.0.0.0 on a free port and are reached through 127.0.0.1 (the
suite's socket guard allows loopback only).
"""

from __future__ import annotations

import json
import logging
import shutil
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from assistant import auth
from assistant.web import library
from assistant.web.serve import launch_options, serve
from core.errors import ConfigError
from core.settings import Settings

pytestmark = pytest.mark.integration

SECRET = "sk-websec-Zq8v4XJ2mNw9"
HOSTILE_UPLOAD = "../../etc/报告<img src=x onerror=alert(1)>.txt"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _events(client: httpx.Client, api: str, data: list) -> str:
    """Call ``/gradio_api/call/<api>`` the way any HTTP client can; the raw event stream."""
    started = client.post(f"/gradio_api/call/{api}", json={"data": data})
    assert started.status_code == 200, started.text
    return client.get(f"/gradio_api/call/{api}/{started.json()['event_id']}").text


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=tmp_path / "data", embedder="hash", max_file_mb=0.01)


# -- login ---------------------------------------------------------------------------------
def test_public_bind_without_users_refuses_to_start(settings, tmp_path):
    port = _free_port()
    with pytest.raises(ConfigError, match="refusing to listen on 0.0.0.0"):
        serve(settings, host="0.0.0.0", port=port, block=False)
    with socket.socket() as s:  # nothing was left listening
        assert s.connect_ex(("127.0.0.1", port)) != 0
    missing = Settings(data_dir=tmp_path / "d2", embedder="hash", users_file=tmp_path / "no.txt")
    with pytest.raises(ConfigError, match="users file .* does not exist"):
        launch_options(missing, host="0.0.0.0")


def test_public_bind_rejects_every_unauthenticated_request(settings, tmp_path):
    users = tmp_path / "users.txt"
    auth.add_user(users, "wang", "正确密码")
    assert "正确密码" not in users.read_text(encoding="utf-8")
    port = _free_port()
    app = serve(settings, host="0.0.0.0", port=port, users_file=users, block=False)
    base = f"http://127.0.0.1:{port}"
    try:
        anonymous = [
            httpx.get(f"{base}/config", timeout=30),
            httpx.get(f"{base}/gradio_api/info", timeout=30),
            httpx.post(f"{base}/gradio_api/upload", files={"files": ("a.txt", b"x")}, timeout=30),
            httpx.post(f"{base}/gradio_api/call/ask", json={"data": ["问题"]}, timeout=30),
            httpx.post(f"{base}/gradio_api/queue/join", json={}, timeout=30),
        ]
        assert [r.status_code for r in anonymous] == [401] * 5
        assert not settings.uploads_dir.exists() or not any(settings.uploads_dir.iterdir())
        wrong = httpx.post(f"{base}/login", data={"username": "wang", "password": "错"}, timeout=30)
        assert wrong.status_code == 400
        with httpx.Client(base_url=base, timeout=30) as client:
            assert (
                client.post("/login", data={"username": "wang", "password": "正确密码"}).status_code
                == 200
            )
            assert client.get("/gradio_api/info").status_code == 200
    finally:
        app.close()


# -- uploads -------------------------------------------------------------------------------
@pytest.fixture
def loopback_app(settings):
    port = _free_port()
    app = serve(settings, port=port, block=False)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        yield client
    app.close()


def test_oversize_upload_is_refused_before_it_is_stored(loopback_app, settings):
    big = "关于测试的报告\n".encode() + b"x" * 20_000  # limit 0.01 MB = 10,485 bytes
    r = loopback_app.post("/gradio_api/upload", files={"files": ("big.txt", big)})
    assert r.status_code == 413 and "File size exceeded maximum allowed size" in r.text
    assert not settings.uploads_dir.exists() or not any(settings.uploads_dir.iterdir())


def test_wrong_type_upload_is_refused_with_a_clear_message(loopback_app, settings):
    r = loopback_app.post("/gradio_api/upload", files={"files": ("tool.exe", b"MZ\x90\x00")})
    path = r.json()[0]
    stream = _events(
        loopback_app, "ingest", [[{"path": path, "meta": {"_type": "gradio.FileData"}}]]
    )
    assert "event: error" in stream and "Invalid file type" in stream and ".docx" in stream
    assert not settings.uploads_dir.exists() or not any(settings.uploads_dir.iterdir())


def test_handler_limits_have_chinese_messages(settings, tmp_path):
    """The same limits in the app's own upload code (a direct call, or another front end)."""
    big = tmp_path / "大报告.txt"
    big.write_bytes("关于测试的报告\n".encode() + b"x" * 20_000)
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    ctx = type("Ctx", (), {"settings": settings})()
    rows = library.ingest_uploads(ctx, [big, exe])
    assert rows == [
        ["失败", "大报告.txt", "文件超过 0.01 MB 上限"],
        ["失败", "tool.exe", "不支持的文件类型；可上传 .txt .md .html .htm .docx .pdf"],
    ]
    assert not any(settings.uploads_dir.iterdir())


def test_uploaded_file_name_is_sanitised(loopback_app, settings):
    body = "关于测试的报告\n一、基本情况\n本单位党员32名。\n".encode()
    r = loopback_app.post("/gradio_api/upload", files={"files": (HOSTILE_UPLOAD, body)})
    path = r.json()[0]
    file = {"path": path, "meta": {"_type": "gradio.FileData"}, "orig_name": HOSTILE_UPLOAD}
    stream = _events(loopback_app, "ingest", [[file]])
    cleared, outcome = json.loads(stream.split("event: complete\ndata:", 1)[1])[:2]
    assert cleared is None  # the upload list clears once the files are in
    assert [row[0] for row in outcome["data"]] == ["已入库"]
    stored = list(settings.uploads_dir.iterdir())
    assert len(stored) == 1
    name = stored[0].name
    assert stored[0].parent == settings.uploads_dir and name.endswith(".txt")
    assert not set('<>/\\"') & set(name) and ".." not in name
    assert not (settings.data_dir.parent / "etc").exists()


def test_ingest_cannot_read_files_outside_the_upload_area(loopback_app, settings, tmp_path):
    """A crafted call naming a server path (not an upload) is refused by the app server."""
    private = tmp_path / "private.txt"
    private.write_text("机密报告\n内部数据。\n", encoding="utf-8")
    stream = _events(
        loopback_app, "ingest", [[{"path": str(private), "meta": {"_type": "gradio.FileData"}}]]
    )
    assert "event: error" in stream and "event: complete" not in stream
    assert not settings.uploads_dir.exists() or not any(settings.uploads_dir.iterdir())


# -- secrets -------------------------------------------------------------------------------
class _EchoingLLM(BaseHTTPRequestHandler):
    """A misbehaving endpoint: refuses the key and echoes the Authorization header back."""

    seen: list[str] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        header = self.headers.get("Authorization", "")
        type(self).seen.append(header)
        body = json.dumps({"error": f"invalid key in header: {header}"}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_api_key_is_never_logged_or_shown(tmp_path, seeds_dir, caplog, capfd):
    from gradio_client import Client

    from assistant.web.app import build_app
    from index.embedders.hash import HashEmbedder
    from index.pipeline import ingest_paths

    llm = ThreadingHTTPServer(("127.0.0.1", 0), _EchoingLLM)
    threading.Thread(target=llm.serve_forever, daemon=True).start()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in sorted(seeds_dir.glob("*.txt"))[:2]:
        shutil.copy(f, corpus / f.name)
    settings = Settings(
        data_dir=tmp_path / "data",
        embedder="hash",
        llm_base_url=f"http://127.0.0.1:{llm.server_port}/v1",
        llm_model="any",
        llm_api_key=SECRET,
    )
    embedder = HashEmbedder()
    ingest_paths([corpus], settings, embedder=embedder)
    for text in (repr(settings), str(settings), settings.model_dump_json()):
        assert SECRET not in text

    caplog.set_level(logging.DEBUG)
    app = build_app(settings, embedder=embedder)  # the configured (real HTTP) chat model
    app.queue()
    port = _free_port()
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False, download_files=False)
        outputs = client.predict(
            "市住建局有多少在职党员？", "问答", "全部", "全部", "全部", api_name="/ask"
        )
        client.close()
    finally:
        app.close()
        llm.shutdown()
    assert _EchoingLLM.seen == [f"Bearer {SECRET}"]  # the key really went out
    answer, label, notices, sources = outputs[:4]
    assert "HTTP 401" in notices and "***" in notices  # the echoed key, blanked out
    assert "抽取式" in label
    shown = json.dumps(outputs, ensure_ascii=False)
    logged = "\n".join(r.getMessage() + repr(r.args) for r in caplog.records)
    out, err = capfd.readouterr()
    assert caplog.records, "logging was captured"
    for where, text in [("page", shown), ("logs", logged), ("stdout", out), ("stderr", err)]:
        assert SECRET not in text, where
        assert SECRET[:12] not in text, where
