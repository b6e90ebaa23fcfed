"""Shared by the real-browser tests: the app over the seed reports on a free loopback port, and a
headless Debian Chromium page that records any script that runs.

Needs Debian's ``chromium`` (``apt-get install -y chromium fonts-wqy-zenhei``) and the
``playwright`` package; never ``playwright install`` (it downloads a browser).
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
SHARED = Path(__file__).resolve().parents[3].parent / "shared"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Records any script that runs: alerts go to window.__alerts instead of a dialog.
ALERT_HOOK = "window.__alerts = []; window.alert = (m) => window.__alerts.push(String(m));"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def seed_app(tmp_path_factory) -> Iterator[Callable[..., str]]:
    """``seed_app(extra=fn, chat=model)``: the app on 127.0.0.1 over the seeds (plus what
    ``fn(folder)`` writes), hash embedder (BM25 carries retrieval), extractive unless a chat
    model is given; returns its URL."""
    from assistant.web.app import build_app, launch_style
    from core.settings import Settings
    from index.embedders.hash import HashEmbedder
    from index.pipeline import ingest_paths

    apps = []

    def start(extra: Callable[[Path], None] | None = None, chat: object = None) -> str:
        corpus = tmp_path_factory.mktemp("corpus")
        for f in (SHARED / "corpus" / "seeds").glob("*.txt"):
            shutil.copy(f, corpus / f.name)
        if extra is not None:
            extra(corpus)
        settings = Settings(data_dir=tmp_path_factory.mktemp("data"), embedder="hash")
        embedder = HashEmbedder()
        assert not ingest_paths([corpus], settings, embedder=embedder).failed
        app = build_app(settings, embedder=embedder, chat=chat)  # the real generate
        app.queue()
        port = _free_port()
        app.launch(
            server_name="127.0.0.1",
            server_port=port,
            prevent_thread_lock=True,
            quiet=True,
            **launch_style(),
        )
        apps.append(app)
        return f"http://127.0.0.1:{port}/"

    yield start
    for app in apps:
        app.close()


@pytest.fixture(scope="module")
def open_page() -> Callable[..., object]:
    """``with open_page(url, height=1000) as page:`` a Chromium page on ``url``; ``page.dialogs``
    lists any dialog that opened. Waits allow 120 s (2 busy cores): waits, not timings."""
    sync_api = pytest.importorskip("playwright.sync_api")

    @contextmanager
    def opened(url: str, height: int = 1000):
        ARTIFACTS.mkdir(exist_ok=True)
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": height}, locale="zh-CN")
                page.dialogs = []
                page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
                page.add_init_script(ALERT_HOOK)
                page.set_default_timeout(120_000)
                sync_api.expect.set_options(timeout=120_000)
                page.goto(url)
                yield page
            finally:
                browser.close()

    return opened
