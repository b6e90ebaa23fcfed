"""What can go wrong before a file is opened is that file's outcome, never the run's: odd names,
unreadable files, special files, symlinks out of the folder."""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path

import pytest

from core.files import path_key
from core.settings import Settings
from index.embedders.hash import HashEmbedder
from index.ingest_report import IngestReport
from index.pipeline import ingest_paths
from index.sources import BROKEN_LINK, OUTSIDE_LINK, SPECIAL_FILE, file_items
from index.store import open_store

REPORT = "一、基本情况\n今年开展调研{n}次。\n二、下一步\n继续深化调查研究{n}项。"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", embedder="hash")


@pytest.fixture
def folder(tmp_path) -> Path:
    f = tmp_path / "in"
    f.mkdir()
    (f / "good.txt").write_text(REPORT.format(n=1), encoding="utf-8")
    return f


def outcomes(report: IngestReport) -> dict[str, tuple[str, str]]:
    return {Path(o.key).name: (o.status, o.reason) for o in report.outcomes}


def test_a_symlink_out_of_the_folder_is_not_followed(settings, folder, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容：不应入库的文字。", encoding="utf-8")
    (folder / "link.txt").symlink_to(secret)
    (folder / "inside.txt").symlink_to(folder / "good.txt")  # stays inside: followed
    (folder / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    report = ingest_paths([folder], settings, embedder=HashEmbedder())
    got = outcomes(report)
    assert got["link.txt"] == ("skipped", OUTSIDE_LINK)
    assert got["dangling.txt"] == ("failed", BROKEN_LINK)
    assert got["good.txt"][0] == "indexed" and got["inside.txt"][0] == "duplicate"
    store = open_store(settings)
    try:
        texts = [store.catalog.document_text(d.doc_id) for d in store.catalog.documents()]
    finally:
        store.close()
    assert not any("机密" in t for t in texts)
    # A setting allows it, for a team whose archive is a folder of links.
    allowed = file_items([folder], settings.with_overrides(follow_symlinks=True), IngestReport())
    assert "link.txt" in {Path(i.key).name for i in allowed[0]}


def test_special_files_are_skipped_without_being_opened(settings, folder, tmp_path):
    os.mkfifo(folder / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock.md"))
    direct = tmp_path / "direct.txt"
    os.mkfifo(direct)  # passed by name: opening it to hash it would block forever
    try:
        report = ingest_paths([folder, direct], settings, embedder=HashEmbedder())
    finally:
        sock.close()
    got = outcomes(report)
    assert got["pipe.txt"] == got["sock.md"] == got["direct.txt"] == ("skipped", SPECIAL_FILE)
    assert got["good.txt"][0] == "indexed"


def test_a_name_that_is_not_utf8_is_stored_and_shown_losslessly(settings, folder):
    raw = os.fsencode(folder) + b"/\xb1\xa8\xb8\xe6.txt"  # 报告 in GBK: not UTF-8
    with open(raw, "wb") as fh:
        fh.write(REPORT.format(n=2).encode("utf-8"))
    (folder / "\\xb1.txt").write_text(REPORT.format(n=3), encoding="utf-8")  # the escape, typed
    report = ingest_paths([folder], settings, embedder=HashEmbedder())
    keys = {o.key for o in report.outcomes if o.status == "indexed"}
    odd = path_key(Path(os.fsdecode(raw)))
    assert odd.endswith("/\\xb1\\xa8\\xb8\\xe6.txt") and odd in keys
    assert len(keys) == 3  # good.txt, the GBK name and the typed look-alike: three documents
    again = ingest_paths([folder], settings, embedder=HashEmbedder())
    assert again.counts()["unchanged"] == 3  # the stored key is found again


def test_a_read_error_fails_that_file_only(settings, folder, monkeypatch):
    (folder / "bad.txt").write_text(REPORT.format(n=4), encoding="utf-8")
    from index import sources

    real = sources.file_sha256

    def failing(path):
        if Path(path).name == "bad.txt":
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(path))
        return real(path)

    monkeypatch.setattr(sources, "file_sha256", failing)
    got = outcomes(ingest_paths([folder], settings, embedder=HashEmbedder()))
    assert got["bad.txt"][0] == "failed" and "无法读取文件" in got["bad.txt"][1]
    assert "Input/output error" in got["bad.txt"][1]
    assert got["good.txt"][0] == "indexed"
