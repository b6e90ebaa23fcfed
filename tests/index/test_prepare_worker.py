"""The prepare worker: a file that hangs, hoards memory, crashes or hits a bug is that file's
one-line failure, stopped by limits the code enforces; the rest of the batch is indexed."""

from __future__ import annotations

import pytest

from core.errors import LoadError
from core.settings import Settings
from index.embedders.hash import HashEmbedder
from index.pipeline import run_ingest
from index.prepare import Prepared
from index.prepare_worker import CRASHED, out_of_memory, prepared_items, timed_out
from index.sources import Item
from index.store import open_store
from tests.fakes import BuggyItem, CrashingItem, GreedyItem, HangingItem

TEXT = "一、基本情况\n今年全局开展调研{n}次，形成报告{n}篇。\n二、下一步打算\n继续深化调查研究。"


def record(n: int) -> Item:
    rec = {"id": f"r{n}", "title": f"报告{n}", "text": TEXT.format(n=n)}
    return Item(f"demo#r{n}", "jsonl:demo", f"r{n}", f"h{n}", record=rec)


def hostile(cls, name: str) -> Item:
    return cls(f"demo#{name}", "jsonl:demo", name, f"h-{name}", record={"id": name})


@pytest.fixture
def quick(tmp_path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", embedder="hash", prepare_timeout_s=1.5, prepare_memory_mb=512
    )


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder()


def test_each_misbehaving_file_is_its_own_failure_in_order(quick):
    items = [
        record(1),
        hostile(HangingItem, "hang"),
        record(2),
        hostile(GreedyItem, "greedy"),
        record(3),
        hostile(CrashingItem, "crash"),
        hostile(BuggyItem, "bug"),
        record(4),
    ]
    got = list(prepared_items(items, quick))
    assert [item.key for item, _ in got] == [i.key for i in items]  # every item, in order
    results = {item.source_id: result for item, result in got}
    for n in (1, 2, 3, 4):
        assert isinstance(results[f"r{n}"], Prepared), results[f"r{n}"]
        assert f"调研{n}次" in results[f"r{n}"].doc.text
    assert results["hang"].reason == timed_out(1.5)
    assert results["greedy"].reason == out_of_memory(512)
    assert results["crash"].reason == CRASHED
    assert isinstance(results["bug"], LoadError)
    assert (
        results["bug"].reason.startswith("内部错误（KeyError") and "请报告" in results["bug"].reason
    )


def test_the_watchdog_frees_the_lock_and_the_rest_is_indexed(quick, embedder):
    store = open_store(quick, embedder, create=True)
    try:
        with store.write_lock():
            report = run_ingest(
                [record(1), hostile(HangingItem, "hang"), record(2)], store, embedder, quick
            )
        counts = store.catalog.counts()
        assert store.vectors.count() == counts["chunks"] > 0
    finally:
        store.close()
    assert report.counts()["indexed"] == 2 and report.counts()["failed"] == 1
    (failed,) = report.failed
    assert failed.key == "demo#hang" and "prepare_timeout_s" in failed.reason


def test_no_items_starts_no_process(quick, monkeypatch):
    from index import prepare_worker

    monkeypatch.setattr(prepare_worker, "_Child", None)  # would fail if called
    assert list(prepared_items([], quick)) == []


def test_load_error_survives_the_process_boundary():
    import pickle

    err = pickle.loads(pickle.dumps(LoadError("a/b.docx", "Word 文件已损坏")))
    assert (err.path, err.reason) == ("a/b.docx", "Word 文件已损坏")
