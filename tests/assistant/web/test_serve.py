"""serve(): loopback by default, public addresses only behind a login that really checks."""

from __future__ import annotations

import socket

import httpx
import pytest

from assistant import auth
from assistant.web.serve import is_loopback, launch_options, serve
from core.errors import ConfigError
from core.settings import Settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=tmp_path / "data", embedder="hash")


@pytest.mark.parametrize(
    "host, loopback",
    [
        ("127.0.0.1", True),
        ("127.5.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::"])
def test_refuses_public_address_without_users(settings, host):
    with pytest.raises(ConfigError, match=f"refusing to listen on {host}: without a login"):
        launch_options(settings, host=host)
    with pytest.raises(ConfigError, match="refusing to listen"):
        serve(settings, host=host, block=False)


def test_public_address_allowed_with_users_file_or_env(settings, tmp_path, monkeypatch):
    users = tmp_path / "users.txt"
    auth.add_user(users, "wang", "pw")
    options = launch_options(settings, host="0.0.0.0", users_file=users)
    assert options["server_name"] == "0.0.0.0"
    assert options["auth"]("wang", "pw") and not options["auth"]("wang", "bad")
    monkeypatch.setenv(auth.USERS_ENV, f"li:{auth.hash_password('pw2')}")
    from_env = type(settings)(data_dir=settings.data_dir)  # ASSISTANT_USERS read by Settings
    assert launch_options(from_env, host="0.0.0.0")["auth"]("li", "pw2")


def test_loopback_needs_no_login(settings):
    options = launch_options(settings)
    assert options["server_name"] == "127.0.0.1" and "auth" not in options


def test_serves_on_loopback(settings):
    port = _free_port()
    app = serve(settings, port=port, block=False)
    try:
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=30)
        assert page.status_code == 200
        assert "文稿起草助手" in page.text
    finally:
        app.close()


def test_embedding_model_is_loaded_before_the_first_question(settings):
    import time

    port = _free_port()
    app = serve(settings, port=port, block=False)
    try:
        ctx = app.assistant_context
        deadline = time.monotonic() + 60  # a wait for the warm-up thread, not a timing check
        while ctx._embedder is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ctx._embedder is not None  # nobody asked anything: the warm-up loaded it
    finally:
        app.close()


def test_login_is_enforced(settings):
    auth.add_user(settings.data_dir / "users.txt", "wang", "正确密码")
    port = _free_port()
    app = serve(settings, port=port, block=False)
    try:
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/config", timeout=30).status_code == 401
        bad = httpx.post(f"{base}/login", data={"username": "wang", "password": "错"}, timeout=30)
        assert bad.status_code == 400
        with httpx.Client(base_url=base, timeout=30) as client:
            good = client.post("/login", data={"username": "wang", "password": "正确密码"})
            assert good.status_code == 200
            assert client.get("/config").status_code == 200
    finally:
        app.close()


def test_sigterm_stops_serve_and_removes_the_export_folders(tmp_path, seeds_dir):
    """`assistant serve` in its own process: an answer writes its downloads; an `assistant
    ingest` in another process adds a report and the running server answers from it; SIGTERM
    (what systemd and docker stop send) closes the server and the downloads' folder goes."""
    import os
    import shutil
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from gradio_client import Client

    from index.embedders.hash import HashEmbedder
    from index.pipeline import ingest_paths

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seeds_dir / "003_1639e3c3017186e5.txt", folder)
    data = tmp_path / "data"
    ingest_paths([folder], Settings(data_dir=data, embedder="hash"), embedder=HashEmbedder())
    temp = tmp_path / "tmp"  # the server's temp dir: its export folders land here
    temp.mkdir()
    repo = Path(__file__).resolve().parents[3]
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data),
        "ASSISTANT_EMBEDDER": "hash",
        "TMPDIR": str(temp),
        "PYTHONPATH": str(repo),
    }
    env.pop("GRADIO_TEMP_DIR", None)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 120  # a wait for the server to start, not a timing check
        while True:
            assert proc.poll() is None, proc.stdout.read()
            try:
                if httpx.get(url, timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)
        client = Client(url, verbose=False, download_files=False, analytics_enabled=False)
        outputs = client.predict(
            "城市好管家党建品牌是怎么打造的",
            "问答",
            "全部",
            "全部",
            "全部",
            True,
            "不套用",
            "",
            api_name="/ask",
        )
        assert "城市好管家" in outputs[0]
        later = tmp_path / "later"  # the CLI writes into the index the server has open
        later.mkdir()
        shutil.copy(seeds_dir / "000_424aa9fef5469438.txt", later)
        cli = subprocess.run(
            [sys.executable, "-m", "assistant.cli", "ingest", str(later)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert cli.returncode == 0, cli.stdout + cli.stderr
        fresh = client.predict(
            "市住建局有多少在职党员",
            "问答",
            "全部",
            "全部",
            "全部",
            True,
            "不套用",
            "",
            api_name="/ask",
        )
        assert "485" in fresh[0], fresh[0]  # no restart, no "Error finding id"
        (exports,) = temp.glob("assistant-exports-*")
        written = sorted({p.suffix for p in exports.rglob("*") if p.is_file()})
        assert written == [".docx", ".md"]
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0, out
        assert not exports.exists(), f"left behind: {sorted(exports.rglob('*'))}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
