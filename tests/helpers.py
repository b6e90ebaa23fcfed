"""Small helpers shared by test folders (import as ``from tests.helpers import …``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def read_jsonl(path: Path) -> list[dict]:
    """The JSON objects of a JSONL file, failing the test with the line number of a bad line."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise AssertionError(f"{path.name}:{number} is not JSON: {exc}") from exc
    return rows


REPO = Path(__file__).resolve().parents[1]


def run_cli(*args: str, data_dir: Path, **env_extra: str) -> subprocess.CompletedProcess:
    """``python -m assistant.cli ARGS`` as a user runs it: a real subprocess, the hash
    embedder, a wide terminal unless the test says otherwise."""
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data_dir),
        "ASSISTANT_EMBEDDER": "hash",
        "COLUMNS": "200",
        "PYTHONPATH": str(REPO),
        **env_extra,
    }
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
