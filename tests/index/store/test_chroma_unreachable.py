"""``chroma_url`` pointing at a port nobody listens on: one clear error wherever the index is
opened (library: ``StoreError``; CLI: one line, exit status 1), and the local catalog and
keyword index are left exactly as they were.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.retrieval.reader import IndexReader
from core.errors import StoreError
from core.settings import Settings
from index.embedders.hash import HashEmbedder
from index.pipeline import ingest_paths
from index.store import CATALOG_FILE, delete_documents, open_store

REPO = Path(__file__).resolve().parents[3]


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture(scope="module")
def local(tmp_path_factory, shared):
    """An embedded index of the five seeds, and the folder it came from."""
    folder = tmp_path_factory.mktemp("seeds")
    for f in (shared / "corpus" / "seeds").glob("*.txt"):
        shutil.copy(f, folder / f.name)
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), embedder="hash")
    ingest_paths([folder], settings, embedder=HashEmbedder())
    return settings, folder


def _fingerprint(index_dir: Path) -> dict:
    """The catalog's rows and the bytes of every other file under the index folder."""
    db = sqlite3.connect(f"file:{index_dir / CATALOG_FILE}?mode=ro", uri=True)
    try:
        rows = {
            t: sorted(db.execute(f"SELECT * FROM {t}").fetchall())
            for t in ("documents", "sources", "chunks", "meta")
        }
    finally:
        db.close()
    files = {
        str(p.relative_to(index_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(index_dir.rglob("*"))
        if p.is_file() and not p.name.startswith((CATALOG_FILE, "write.lock"))
    }
    return {"rows": rows, "files": files}


def _cli(*args: str, data_dir: Path, chroma_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data_dir),
        "ASSISTANT_EMBEDDER": "hash",
        "ASSISTANT_CHROMA_URL": chroma_url,
        "PYTHONPATH": str(REPO),
    }
    env.pop("COLUMNS", None)  # as in a log or CI: no terminal width
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_library_raises_store_error_everywhere_and_changes_nothing(local, index_snapshot):
    settings, folder = local
    embedder = HashEmbedder()
    before = _fingerprint(settings.index_dir)
    snap = index_snapshot(settings, embedder)
    url = _dead_url()
    dead = settings.model_copy(update={"chroma_url": url})

    attempts = {
        "open (read)": lambda: open_store(dead, embedder, create=False),
        "open (write)": lambda: open_store(dead, embedder, create=True),
        "reader": lambda: IndexReader(dead, embedder),
        "ingest": lambda: ingest_paths([folder], dead, embedder=embedder),
        "rebuild": lambda: ingest_paths([folder], dead, embedder=embedder, rebuild=True),
        "delete": lambda: delete_documents([snap["docs"][0][0]], dead),
    }
    for action, attempt in attempts.items():
        with pytest.raises(StoreError) as info:
            attempt()
        message = str(info.value)
        assert url in message and "unreachable" in message and "\n" not in message, action

    assert _fingerprint(settings.index_dir) == before
    assert index_snapshot(settings, embedder) == snap  # still complete with the embedded store


def test_fresh_data_dir_gets_no_half_made_index(tmp_path, shared):
    settings = Settings(data_dir=tmp_path / "fresh", embedder="hash", chroma_url=_dead_url())
    with pytest.raises(StoreError, match="unreachable"):
        ingest_paths([shared / "corpus" / "seeds"], settings, embedder=HashEmbedder())
    assert not (settings.index_dir / CATALOG_FILE).exists()


def test_cli_prints_one_line_and_exits_1(local, tmp_path):
    settings, folder = local
    data = tmp_path / "data"
    shutil.copytree(settings.data_dir, data)
    index_dir = Settings(data_dir=data).index_dir
    before = _fingerprint(index_dir)
    url = _dead_url()
    listed = _cli("docs", "list", data_dir=data, chroma_url=url)
    # listing reads only the catalog: it works while the vector server is down
    assert listed.returncode == 0 and "市住建局" in listed.stdout, listed.stderr[-2000:]
    for args in (
        ("ingest", str(folder)),
        ("search", "在职党员"),
        ("ask", "市住建局有多少在职党员？"),
    ):
        res = _cli(*args, data_dir=data, chroma_url=url)
        # stderr also carries ingest's progress bar; the error itself is one whole line.
        lines = [ln for ln in res.stderr.splitlines() if ln.strip() and "入库 ━" not in ln]
        assert res.returncode == 1, (args, res.stdout[-500:], res.stderr[-2000:])
        assert len(lines) == 1 and "Traceback" not in res.stderr, (args, res.stderr[-2000:])
        assert lines[0].startswith("错误") and url in lines[0] and "unreachable" in lines[0], args
    assert _fingerprint(index_dir) == before
