"""Run the web app: loopback by default; any other address only behind a login."""

from __future__ import annotations

import ipaddress
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant import auth
from core.errors import AssistantError, ConfigError
from core.settings import Settings

log = logging.getLogger(__name__)
DEFAULT_USERS_FILE = "users.txt"  # in the data dir
QUEUE_CONCURRENCY = 4  # answers computed at once; more sessions wait in Gradio's queue


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP addresses (127.0.0.0/8, ::1)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve anywhere, so it is not loopback
        return False


def users_for(settings: Settings, users_file: Path | None) -> dict[str, str]:
    """Users from ``users_file`` (or the ``users_file`` setting), else ``<data_dir>/users.txt``, else ``ASSISTANT_USERS``."""
    users_file = users_file or settings.users_file
    if users_file is not None:
        return auth.load_users(users_file)
    default = settings.data_dir / DEFAULT_USERS_FILE
    if default.exists():
        return auth.load_users(default)
    return auth.users_from_setting(settings.users)


def launch_options(
    settings: Settings, host: str = "127.0.0.1", port: int = 7860, users_file: Path | None = None
) -> dict[str, Any]:
    """``launch()`` keyword arguments; raises ConfigError for a public address without users."""
    users = users_for(settings, users_file)
    if not is_loopback(host) and not users:
        raise ConfigError(
            f"refusing to listen on {host}: without a login anyone on the network could read the "
            "library. Add users first (`assistant user-add NAME`, or set ASSISTANT_USERS) or use "
            "--host 127.0.0.1"
        )
    options: dict[str, Any] = {
        "server_name": host,
        "server_port": port,
        "show_error": False,
        # Gradio refuses larger uploads before they are written out (HTTP 413); save_uploads
        # checks again with a Chinese message.
        "max_file_size": int(settings.max_file_mb * 1024 * 1024),
        "footer_links": ["settings"],
    }
    if users:
        options["auth"] = auth.make_checker(users)
        options["auth_message"] = "文稿起草助手：请登录"
    return options


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 7860,
    users_file: Path | None = None,
    *,
    block: bool = True,
):
    """Build and launch the app; with ``block=False`` return it running (tests close it).

    Blocking, it stops on Ctrl-C or SIGTERM (systemd, docker stop) alike: the server is
    closed and the answers' download folders are removed before the process exits."""
    from assistant.web.app import build_app, launch_style
    from assistant.web.chat import remove_exports

    options = launch_options(settings, host, port, users_file)
    app = build_app(settings)
    _warm_up(app.assistant_context)
    app.queue(default_concurrency_limit=QUEUE_CONCURRENCY)
    if not block:
        app.launch(prevent_thread_lock=True, quiet=True, **options, **launch_style())
        return app
    with _sigterm_as_interrupt():
        try:
            app.launch(**options, **launch_style())
        finally:
            remove_exports()
    return app


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt, which Gradio's blocking loop answers by closing the
    server; Python's default for SIGTERM ends the process at once, skipping every cleanup."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _warm_up(ctx) -> None:
    """Load the embedding model in the background while the server starts, so the first
    question does not wait for it (about 10 s on 2 cores). A failure is left for the first
    question to report."""
    import threading

    def load() -> None:
        try:
            ctx.embedder()
        except AssistantError as exc:  # reported again, with context, on first use
            log.warning("embedding model warm-up failed (%s); the first question will retry", exc)

    threading.Thread(target=load, name="embedder-warm-up", daemon=True).start()
