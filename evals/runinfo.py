"""``run.json``: the command, settings without secrets, model, commit, date and machine."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def git_commit(repo: Path | None = None) -> str | None:
    """``git rev-parse HEAD`` of the project, or None when git or the repository is missing."""
    root = repo or Path(__file__).resolve().parents[1]
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def cpu_model() -> str | None:
    """The CPU's model name from /proc/cpuinfo (``platform.processor()`` is often empty)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.lower().startswith("model name"):
            return line.split(":", 1)[1].strip()
    return None


def settings_snapshot(settings: Any) -> dict[str, Any]:
    """Settings as JSON with every secret field left out."""
    if settings is None:
        return {}
    from pydantic import SecretStr

    secret = {
        name
        for name, f in type(settings).model_fields.items()
        if "SecretStr" in str(f.annotation) or isinstance(getattr(settings, name), SecretStr)
    }
    return settings.model_dump(mode="json", exclude=secret)


def run_info(
    *,
    command: Sequence[str] | None = None,
    settings: Any = None,
    embedder_model_id: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``run.json`` record: how, when, where and with what this run was made."""
    return {
        "command": list(command if command is not None else sys.argv),
        "settings": settings_snapshot(settings),
        "embedder_model_id": embedder_model_id,
        "git_commit": git_commit(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "processor": platform.processor(),
            "cpu_model": cpu_model(),
            "nproc": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        **(extra or {}),
    }
