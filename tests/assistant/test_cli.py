"""The `assistant` command as a user runs it (a real subprocess, hash embedder)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data_dir),
        "ASSISTANT_EMBEDDER": "hash",
        "COLUMNS": "200",
    }
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ingest_list_search_delete(tmp_path, shared):
    data = tmp_path / "data"
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(shared / "corpus" / "seeds" / "003_1639e3c3017186e5.txt", folder)
    shutil.copy(shared / "badinputs" / "corrupt.pdf", folder)

    first = run("ingest", str(folder), data_dir=data)
    assert first.returncode == 1  # one file failed
    assert "corrupt.pdf" in first.stdout and "damaged PDF" in first.stdout
    assert "已入库 1" in first.stdout and "失败 1" in first.stdout
    assert "Traceback" not in first.stderr

    listed = run("docs", "list", data_dir=data)
    assert listed.returncode == 0 and "盐城市城市管理局" in listed.stdout

    found = run("search", "城市好管家党建品牌", "-k", "1", "--pipeline", "bm25", data_dir=data)
    assert found.returncode == 0 and "城市好管家" in found.stdout

    gone = run("docs", "delete", "003_1639e3c3017186e5", data_dir=data)
    assert gone.returncode == 0 and "已删除 1" in gone.stdout
    missing = run("docs", "delete", "003_1639e3c3017186e5", data_dir=data)
    assert (
        missing.returncode == 1
        and "no document" in missing.stderr
        and "Traceback" not in missing.stderr
    )


def test_search_without_index_is_one_clear_line(tmp_path):
    res = run("search", "党建", data_dir=tmp_path / "empty")
    assert res.returncode == 1
    assert "assistant ingest" in res.stderr and "Traceback" not in res.stderr
    assert len([ln for ln in res.stderr.splitlines() if ln.strip()]) == 1
