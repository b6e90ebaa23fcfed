"""AppContext: an upload swaps the shared index reader without closing it under a running answer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.web.app_context import AppContext
from core.settings import Settings
from index.embedders.hash import HashEmbedder
from index.pipeline import ingest_paths


@pytest.fixture
def ctx(tmp_path, seeds_dir):
    src = tmp_path / "src"
    src.mkdir()
    first, second = sorted(seeds_dir.glob("*.txt"))[:2]
    shutil.copy(first, src / first.name)
    settings = Settings(data_dir=tmp_path / "data", embedder="hash")
    embedder = HashEmbedder()
    ingest_paths([src], settings, embedder=embedder)
    context = AppContext(settings, embedder=embedder)  # the real generate, extractive
    context.second = second
    return context


def _reader_is_open(reader) -> bool:
    import sqlite3

    try:
        reader.documents()
    except sqlite3.ProgrammingError:  # closed database
        return False
    return True


def _peek(ctx):
    """The reader answers are using now (a lease, so it is not handed out for keeps)."""
    with ctx.lease_index() as (_retriever, reader):
        return reader


def test_index_change_mid_answer_keeps_the_running_answers_reader(ctx, tmp_path):
    # An outline retrieves again for every section, so it keeps using the reader after its
    # first event.
    stream = ctx.generate("在职党员参与城市建设", mode="outline", filters=None)
    first = next(stream)
    assert first.kind in {"notice", "sources"}
    old = _peek(ctx)
    ingest_paths([ctx.second], ctx.settings, embedder=ctx.embedder(), prune=False)
    ctx.index_changed()  # what the upload handler does while other sessions are answering
    rest = list(stream)  # with the old code: "Cannot operate on a closed database"
    assert rest[-1].kind == "done" and rest[-1].result.text
    assert not _reader_is_open(old), "the old reader is closed once its last answer finished"
    new = _peek(ctx)
    assert new is not old and _reader_is_open(new)
    titles = {d.title for d in new.documents()}
    assert len(titles) == 2


def test_two_overlapping_answers_share_one_reader_until_both_end(ctx):
    a = ctx.generate("党员示范岗", mode="answer", filters=None)
    b = ctx.generate("党建品牌", mode="outline", filters=None)
    next(a), next(b)
    reader = _peek(ctx)
    ctx.index_changed()
    list(a)
    assert _reader_is_open(reader), "b still uses it"
    assert list(b)[-1].kind == "done"
    assert not _reader_is_open(reader)


def test_injected_retriever_is_kept_across_index_changes(tmp_path):
    class Fake:
        def retrieve(self, query, k=5, filters=None):
            return []

    fake = Fake()
    ctx = AppContext(Settings(data_dir=tmp_path, embedder="hash"), retriever=fake)
    ctx.index_changed()
    with ctx.lease_index() as (retriever, reader):
        assert retriever is fake and reader is None


def _cli_ingest(folder, data_dir):
    """`assistant ingest FOLDER --no-prune` in its own process, as a drafter runs it."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data_dir),
        "ASSISTANT_EMBEDDER": "hash",
        "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
    }
    res = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", "--no-prune", str(folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stdout + res.stderr


def test_an_ingest_by_the_cli_is_answered_from_without_a_restart(tmp_path, seeds_dir):
    """With the app running, `assistant ingest` in another process adds two reports: the next
    question that matches one is answered from it (it used to fail with Chroma's "Error
    finding id": the app's Chroma client held the index as it was when it opened)."""
    seeds = sorted(seeds_dir.glob("*.txt"))
    first, later = tmp_path / "first", tmp_path / "later"
    for folder, files in ((first, seeds[:3]), (later, seeds[3:])):
        folder.mkdir()
        for f in files:
            shutil.copy(f, folder / f.name)
    new_seed = "003_1639e3c3017186e5.txt"  # 市城管局 “城市好管家” 党建品牌
    assert (later / new_seed).exists()
    data = tmp_path / "data"
    _cli_ingest(first, data)
    ctx = AppContext(Settings(data_dir=data, embedder="hash"), embedder=HashEmbedder())

    def ask(question):
        events = list(ctx.generate(question, mode="answer", filters=None))
        assert events[-1].kind == "done"
        return events[-1].result

    assert ask("机关党建与业务融合").sources  # the app is up and has answered
    before = _peek(ctx)
    _cli_ingest(later, data)
    result = ask("市城管局“城市好管家”党建品牌是怎么打造的")
    files = {Path(c.hit.source_path).name for c in result.sources}
    assert new_seed in files and "城市好管家" in result.text
    assert not _reader_is_open(before), "the outdated reader is closed once unused"
    assert len(_peek(ctx).documents()) == 5
