"""Ingest end to end with the deterministic hash embedder: incremental, duplicates, pruning, bad files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.settings import Settings
from index.embedders.hash import HashEmbedder
from index.pipeline import ingest_paths, ingest_records
from index.store import delete_documents, open_store


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", embedder="hash")


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture
def corpus(tmp_path, seeds_dir) -> Path:
    folder = tmp_path / "reports"
    shutil.copytree(seeds_dir, folder)
    return folder


def test_ingest_seeds_then_rerun_changes_nothing(index_snapshot, settings, embedder, corpus):
    first = ingest_paths([corpus], settings, embedder=embedder)
    assert first.counts()["indexed"] == 5 and not first.failed
    snap = index_snapshot(settings, embedder)
    assert snap["catalog_chunks"] == snap["chroma_chunks"] == snap["keyword_chunks"]
    assert len(snap["catalog_chunks"]) >= 20

    again = ingest_paths([corpus], settings, embedder=embedder)
    assert again.counts()["unchanged"] == 5
    assert again.counts()["indexed"] == 0 and again.chunks_embedded == 0
    assert index_snapshot(settings, embedder) == snap


def test_duplicate_under_another_name_stored_once(index_snapshot, settings, embedder, corpus):
    shutil.copy(corpus / "000_424aa9fef5469438.txt", corpus / "zz_copy.txt")
    report = ingest_paths([corpus], settings, embedder=embedder)
    dup = report.by_status("duplicate")
    assert [Path(o.key).name for o in dup] == ["zz_copy.txt"]
    assert "000_424aa9fef5469438.txt" in dup[0].reason
    snap = index_snapshot(settings, embedder)
    assert len(snap["docs"]) == 5
    assert len(snap["sources"]) == 6  # both names point at the one document


def test_traditional_copy_of_simplified_text_is_a_duplicate(settings, embedder, tmp_path):
    import opencc

    folder = tmp_path / "two"
    folder.mkdir()
    text = "一、基本情况\n市住建局现有基层党组织48个，在职党员485名。党员发挥先锋模范作用。\n"
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "b.txt").write_text(opencc.OpenCC("s2t").convert(text), encoding="utf-8")
    report = ingest_paths([folder], settings, embedder=embedder)
    assert report.counts()["indexed"] == 1 and report.counts()["duplicate"] == 1


def test_changed_file_replaces_old_version(index_snapshot, settings, embedder, corpus):
    ingest_paths([corpus], settings, embedder=embedder)
    before = index_snapshot(settings, embedder)
    target = corpus / "003_1639e3c3017186e5.txt"
    target.write_text(
        target.read_text(encoding="utf-8") + "\n新增一段：今年共开展主题党日活动12次。\n",
        encoding="utf-8",
    )
    report = ingest_paths([corpus], settings, embedder=embedder)
    indexed = report.by_status("indexed")
    assert len(indexed) == 1 and indexed[0].reason == "已替换旧版本"
    after = index_snapshot(settings, embedder)
    assert len(after["docs"]) == 5
    assert after["docs"] != before["docs"]
    assert after["catalog_chunks"] == after["chroma_chunks"] == after["keyword_chunks"]
    # The old version's chunks are gone from every store.
    old_doc = {d[1]: d[0] for d in before["docs"]}["003_1639e3c3017186e5"]
    assert all(old_doc != d[0] for d in after["docs"])


def test_file_removed_from_folder_is_pruned_unless_no_prune(
    index_snapshot, settings, embedder, corpus
):
    ingest_paths([corpus], settings, embedder=embedder)
    (corpus / "002_f873387b32afac7c.txt").unlink()
    kept = ingest_paths([corpus], settings, embedder=embedder, prune=False)
    assert kept.counts()["removed"] == 0
    assert len(index_snapshot(settings, embedder)["docs"]) == 5
    pruned = ingest_paths([corpus], settings, embedder=embedder)
    assert [Path(o.key).name for o in pruned.by_status("removed")] == ["002_f873387b32afac7c.txt"]
    snap = index_snapshot(settings, embedder)
    assert len(snap["docs"]) == 4
    assert snap["catalog_chunks"] == snap["chroma_chunks"] == snap["keyword_chunks"]


def test_rebuild_gives_the_same_index(index_snapshot, settings, embedder, corpus):
    ingest_paths([corpus], settings, embedder=embedder)
    snap = index_snapshot(settings, embedder)
    report = ingest_paths([corpus], settings, embedder=embedder, rebuild=True)
    assert report.counts()["indexed"] == 5
    assert index_snapshot(settings, embedder) == snap


def test_delete_by_source_id(index_snapshot, settings, embedder, corpus):
    ingest_paths([corpus], settings, embedder=embedder)
    deleted = delete_documents(["001_b611d7356770c749"], settings)
    assert len(deleted) == 1
    snap = index_snapshot(settings, embedder)
    assert len(snap["docs"]) == 4 and deleted[0] not in {d[0] for d in snap["docs"]}
    assert snap["catalog_chunks"] == snap["chroma_chunks"] == snap["keyword_chunks"]


def test_model_mismatch_names_the_reindex_command(settings, corpus):
    from core.errors import ModelMismatchError

    ingest_paths([corpus], settings, embedder=HashEmbedder(dimension=64))
    with pytest.raises(ModelMismatchError, match=r"assistant ingest --rebuild"):
        open_store(settings, HashEmbedder(dimension=32), create=False)


def test_records_corpus_uses_record_ids(settings, embedder):
    records = [
        {"id": "n1", "title": "城市管理", "text": "市城管局今年整治占道经营。共清理摊点120个。"},
        {"id": "n2", "title": "党建品牌", "text": "打造城市好管家党建品牌。建立三级责任清单。"},
    ]
    report = ingest_records(records, settings, source_name="demo", embedder=embedder)
    assert report.counts()["indexed"] == 2
    store = open_store(settings, embedder, create=False)
    try:
        assert sorted(d.source_id for d in store.catalog.documents()) == ["n1", "n2"]
    finally:
        store.close()
    again = ingest_records(records[:1], settings, source_name="demo", embedder=embedder)
    assert again.counts() == {**again.counts(), "unchanged": 1, "removed": 1}


def test_missing_path_and_unsupported_type_reported(settings, embedder, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a.txt").write_text("一、情况\n开展调研3次。", encoding="utf-8")
    (folder / "b.xlsx").write_bytes(b"PK\x03\x04")
    report = ingest_paths([folder, tmp_path / "nope"], settings, embedder=embedder)
    reasons = {Path(o.key).name: (o.status, o.reason) for o in report.outcomes}
    assert reasons["b.xlsx"] == ("skipped", "不支持的文件类型 .xlsx")
    assert reasons["nope"] == ("failed", "文件或文件夹不存在")
    assert reasons["a.txt"][0] == "indexed"


def test_changed_chunking_needs_a_rebuild(settings, embedder, corpus):
    from core.errors import ConfigError

    ingest_paths([corpus], settings, embedder=embedder)
    smaller = settings.model_copy(update={"chunk_tokens": 200})
    with pytest.raises(ConfigError, match=r"chunk_tokens=320.*chunk_tokens=200.*--rebuild"):
        ingest_paths([corpus], smaller, embedder=embedder)
    rebuilt = ingest_paths([corpus], smaller, embedder=embedder, rebuild=True)
    assert rebuilt.counts()["indexed"] == 5
    assert ingest_paths([corpus], smaller, embedder=embedder).counts()["unchanged"] == 5
