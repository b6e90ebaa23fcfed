"""Ingesting ../shared/badinputs into an index that already holds the seeds, as EXPECTED.md says."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.retrieval import build_retriever
from assistant.retrieval.reader import IndexReader
from core.settings import Settings
from index.embedders.hash import HashEmbedder
from index.pipeline import ingest_paths

EXPECTED_FAILED = {
    "binary_as_txt.txt": "不是文本文件",
    "truncated.docx": "Word 文件已损坏或不是 Word 文件",
    "text_named.docx": "Word 文件已损坏或不是 Word 文件",
    "malformed_xml.docx": "Word 文件已损坏或不是 Word 文件",
    "corrupt.pdf": "PDF 文件已损坏",
    "legacy_word.doc": "旧版 .doc 格式不支持，请另存为 .docx",
}
EXPECTED_SKIPPED = {"empty.txt": "没有文字内容", "whitespace_only.txt": "没有文字内容"}


@pytest.fixture(scope="module")
def indexed(tmp_path_factory, shared):
    seeds = tmp_path_factory.mktemp("seeds")
    for f in (shared / "corpus" / "seeds").glob("*.txt"):
        shutil.copy(f, seeds / f.name)
    bad = tmp_path_factory.mktemp("bad")
    for f in (shared / "badinputs").iterdir():
        if f.is_file() and f.name not in ("EXPECTED.md", "make_badinputs.py"):
            shutil.copy(f, bad / f.name)
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), embedder="hash")
    embedder = HashEmbedder()
    ingest_paths([seeds], settings, embedder=embedder)
    report = ingest_paths([bad], settings, embedder=embedder)
    return settings, embedder, report, seeds, bad


@pytest.fixture
def reader(indexed):
    settings, embedder, _, _, _ = indexed
    r = IndexReader(settings, embedder)
    yield r
    r.close()


def _doc(reader, source_id: str):
    return next(d for d in reader.documents() if d.source_id == source_id)


def _by_name(report) -> dict[str, object]:
    return {Path(o.key).name: o for o in report.outcomes}


def test_every_file_has_the_expected_outcome(indexed):
    _, _, report, _, _ = indexed
    outcomes = _by_name(report)
    for name, reason in EXPECTED_FAILED.items():
        assert (outcomes[name].status, outcomes[name].reason) == ("failed", reason), name
    for name, reason in EXPECTED_SKIPPED.items():
        assert (outcomes[name].status, outcomes[name].reason) == ("skipped", reason), name
    dup = outcomes["duplicate_of_seed_000.txt"]
    assert dup.status == "duplicate" and "000_424aa9fef5469438.txt" in dup.reason
    # The same text saved as GB18030, GBK, UTF-16 and UTF-8-BOM decodes identically: one
    # document, the other three reported as its duplicates.
    same = [
        "gb18030_report.txt",
        "gb2312_page.html",
        "gbk_report.txt",
        "utf16_bom.txt",
        "utf8_bom.txt",
    ]
    encodings = {n: outcomes[n] for n in same if n != "gb2312_page.html"}
    assert encodings["gb18030_report.txt"].status == "indexed"
    for n in ("gbk_report.txt", "utf16_bom.txt", "utf8_bom.txt"):
        assert encodings[n].status == "duplicate" and "gb18030_report.txt" in encodings[n].reason, n
    indexed_names = {n for n, o in outcomes.items() if o.status == "indexed"}
    assert indexed_names == {
        "gb18030_report.txt",
        "big5_traditional.txt",
        "invalid_utf8_bytes.txt",
        "no_punctuation_long_line.txt",
        "fullwidth_and_zero_width.txt",
        "prompt_injection.txt",
        "script_injection.html",
        "gb2312_page.html",
        "中文 文件名（含空格）.txt",
    }
    assert outcomes["invalid_utf8_bytes.txt"].warnings, "bad bytes must be reported as a warning"
    # Every reason is one line.
    assert all("\n" not in o.reason for o in report.outcomes)


def test_seeds_not_lost_or_duplicated_and_rerun_changes_nothing(indexed, index_snapshot):
    settings, embedder, _, seeds, bad = indexed
    before = index_snapshot(settings, embedder)
    assert before["catalog_chunks"] == before["chroma_chunks"] == before["keyword_chunks"]
    assert sum(1 for d in before["docs"] if d[1].startswith("00")) == 5  # the seeds, once each
    again = ingest_paths([seeds, bad], settings, embedder=embedder)
    assert again.counts()["indexed"] == 0 and again.counts()["removed"] == 0
    assert index_snapshot(settings, embedder) == before


def test_searchable_after_normalisation(reader):
    from core.normalize import normalize

    bm25 = build_retriever("bm25", reader.settings, reader=reader)
    big5 = reader.document_text(_doc(reader, "big5_traditional").doc_id)
    probe = normalize(big5)[40:52]  # a Simplified query built from the Traditional text
    # big5_traditional is a Traditional copy of seed 004: a version of it, so the passage is
    # shown once, from whichever of the two ranks first
    big5_doc = _doc(reader, "big5_traditional").doc_id
    group = reader.version_groups()[big5_doc]
    versions = {d for d, g in reader.version_groups().items() if g == group}
    found = [h for h in bm25.retrieve(probe, k=3) if h.doc_id in versions]
    assert len(found) >= 1 and len({normalize(h.text) for h in found}) == len(found)
    for q in ("485", "４８５"):
        ids = [h.metadata["source_id"] for h in bm25.retrieve(q, k=10)]
        assert "fullwidth_and_zero_width" in ids, q
    chunks = reader.chunks_of(_doc(reader, "fullwidth_and_zero_width").doc_id)
    assert "\u200b" not in "".join(c.text for c in chunks)


def test_long_unpunctuated_line_chunked_within_budget(reader):
    from index.chunking import count_tokens

    chunks = reader.chunks_of(_doc(reader, "no_punctuation_long_line").doc_id)
    assert len(chunks) > 10
    assert max(count_tokens(c.text) for c in chunks) <= reader.settings.chunk_tokens


def test_script_page_keeps_text_drops_code(reader):
    text = reader.document_text(_doc(reader, "script_injection").doc_id)
    assert len(text) > 50
    for needle in ("<script", "onerror", "javascript:", "alert("):
        assert needle not in text
