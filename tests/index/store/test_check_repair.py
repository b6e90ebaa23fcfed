"""Each part of the index damaged in turn: the check names it, repair (or ``--rebuild``) brings
back exactly what a clean build answers, and the check passes again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.retrieval.reader import IndexReader
from core.errors import IndexDamagedError
from core.settings import Settings
from index.chunking import chunk_document
from index.embedders.hash import HashEmbedder
from index.pipeline import ingest_paths
from index.prepare import build_document
from index.store import CATALOG_FILE, open_store
from index.store.check import check_index
from index.store.repair import embed_inputs, repair_index

QUERIES = ["城市好管家党建品牌", "老旧小区改造", "基层党组织建设情况"]


def _half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _damage(kind: str, index_dir: Path) -> None:
    if kind == "catalog":
        _half(index_dir / CATALOG_FILE)
    elif kind == "chroma.sqlite3":
        _half(index_dir / "chroma" / "chroma.sqlite3")
    elif kind == "chroma folder":
        shutil.rmtree(index_dir / "chroma")
    elif kind == "bm25 folder":
        shutil.rmtree(index_dir / "keyword")
    elif kind == "npy truncated":
        _half(sorted((index_dir / "keyword").rglob("*.npy"))[0])
    elif kind == "npy overwritten":  # same length, other bytes: only the hashes see it
        npy = sorted((index_dir / "keyword").rglob("*.npy"))[0]
        data = bytearray(npy.read_bytes())
        data[-8:] = bytes(8) if data[-8:] != bytes(8) else b"\xff" * 8
        npy.write_bytes(bytes(data))


PART = {
    "catalog": "catalog",
    "chroma.sqlite3": "chroma",
    "chroma folder": "chroma",
    "bm25 folder": "bm25",
    "npy truncated": "bm25",
    "npy overwritten": "bm25",
}


def _answers(settings: Settings, embedder: HashEmbedder) -> dict:
    """Keyword results (ids and scores) and the best dense hit for a few queries, plus every
    stored vector (which fixes exact dense results; Chroma's HNSW graph is approximate and
    built in parallel, so its lower ranks may differ between two clean builds)."""
    reader = IndexReader(settings, embedder)
    try:
        out: dict = {}
        for q in QUERIES:
            vec = reader.embed_query(q)
            out[q] = (
                reader.nearest(vec, 1)[0][0],
                [(cid, round(s, 5)) for cid, s in reader.keyword_search(q, 5)],
            )
        ids = sorted(reader._store.catalog.done_chunk_ids())
        out["vectors"] = {cid: v.round(6).tolist() for cid, v in reader.vectors(ids).items()}
        return out
    finally:
        reader.close()


@pytest.fixture(scope="module")
def clean(tmp_path_factory, seeds_dir):
    """A clean build of the seeds, its answers and snapshot, and the folder it came from."""
    corpus = tmp_path_factory.mktemp("reports")
    for f in seeds_dir.glob("*.txt"):
        shutil.copy(f, corpus / f.name)
    settings = Settings(data_dir=tmp_path_factory.mktemp("clean"), embedder="hash")
    embedder = HashEmbedder()
    ingest_paths([corpus], settings, embedder=embedder)
    return settings, _answers(settings, embedder), corpus


@pytest.fixture
def damaged_copy(clean, tmp_path):
    settings, _, _ = clean
    copy = Settings(data_dir=tmp_path / "data", embedder="hash")
    shutil.copytree(settings.data_dir, copy.data_dir)
    return copy


def test_clean_index_passes_the_check(clean, index_snapshot):
    settings, _, _ = clean
    report = check_index(settings)
    assert report.ok and report.problems == []
    assert report.documents == 5 and report.chunks >= 20
    snap = index_snapshot(settings, HashEmbedder())
    assert snap["catalog_chunks"] == snap["chroma_chunks"] == snap["keyword_chunks"]


@pytest.mark.parametrize("kind", [k for k in PART if k != "catalog"])
def test_check_names_the_part_and_repair_restores_clean_answers(clean, damaged_copy, kind):
    settings, answers, _ = clean
    _damage(kind, damaged_copy.index_dir)

    report = check_index(damaged_copy)
    assert report.parts == [PART[kind]]
    assert "`assistant index repair`" in report.problems[0].message
    assert "\n" not in report.problems[0].message

    repaired = repair_index(damaged_copy, HashEmbedder())
    assert repaired.changed
    assert check_index(damaged_copy).ok
    assert _answers(damaged_copy, HashEmbedder()) == answers
    assert not repair_index(damaged_copy, HashEmbedder()).changed  # nothing left to do


def test_damaged_catalog_is_named_and_rebuild_restores_it(clean, damaged_copy):
    settings, answers, corpus = clean
    _damage("catalog", damaged_copy.index_dir)

    report = check_index(damaged_copy)
    assert report.parts == ["catalog"]
    assert "assistant ingest --rebuild" in report.problems[0].message
    with pytest.raises(IndexDamagedError, match=r"目录库.*assistant ingest --rebuild") as caught:
        repair_index(damaged_copy, HashEmbedder())
    assert caught.value.part == "catalog"
    with pytest.raises(IndexDamagedError, match=r"目录库"):
        open_store(damaged_copy)  # what `docs list` opens

    rebuilt = ingest_paths([corpus], damaged_copy, rebuild=True, embedder=HashEmbedder())
    assert rebuilt.counts()["indexed"] == 5
    assert check_index(damaged_copy).ok
    assert _answers(damaged_copy, HashEmbedder()) == answers


def test_rebuild_works_on_a_damaged_chroma_sqlite(clean, damaged_copy):
    settings, answers, corpus = clean
    _damage("chroma.sqlite3", damaged_copy.index_dir)
    rebuilt = ingest_paths([corpus], damaged_copy, rebuild=True, embedder=HashEmbedder())
    assert rebuilt.counts()["indexed"] == 5
    assert check_index(damaged_copy).ok
    assert _answers(damaged_copy, HashEmbedder()) == answers


@pytest.mark.parametrize(
    "kind", ["chroma folder", "chroma.sqlite3", "bm25 folder", "npy truncated"]
)
def test_opening_a_damaged_part_is_one_error_naming_it(damaged_copy, kind):
    _damage(kind, damaged_copy.index_dir)
    with pytest.raises(IndexDamagedError, match=r"assistant index repair") as caught:
        _answers(damaged_copy, HashEmbedder())
    assert caught.value.part == PART[kind]


def test_plain_ingest_after_losing_chroma_embeds_the_vectors_again(clean, damaged_copy):
    settings, answers, corpus = clean
    _damage("chroma folder", damaged_copy.index_dir)
    again = ingest_paths([corpus], damaged_copy, embedder=HashEmbedder())
    assert again.counts()["unchanged"] == 5
    assert "补回" in again.repaired  # the report says the run put vectors back
    assert check_index(damaged_copy).ok
    assert _answers(damaged_copy, HashEmbedder()) == answers


def test_quick_check_counts_vectors_at_open(damaged_copy):
    store = open_store(damaged_copy, HashEmbedder())
    try:
        some = sorted(store.vectors.ids())[:3]
        store.vectors.delete_ids(some)
    finally:
        store.close()
    with pytest.raises(IndexDamagedError, match=r"缺少 3 个段落的向量") as caught:
        open_store(damaged_copy, HashEmbedder())
    assert caught.value.part == "chroma"
    repaired = repair_index(damaged_copy, HashEmbedder())
    assert repaired.reembedded == 3 and repaired.removed_vectors == 0


def test_vectors_the_catalog_does_not_know_are_deleted(damaged_copy):
    store = open_store(damaged_copy, HashEmbedder())
    try:
        store.vectors.upsert(
            ["ghost"], HashEmbedder().embed(["幽灵"]), ["幽灵"], [{"doc_id": "dx"}]
        )
    finally:
        store.close()
    report = check_index(damaged_copy)
    assert report.parts == ["chroma"] and "多出 1 个" in report.problems[0].message
    assert repair_index(damaged_copy, HashEmbedder()).removed_vectors == 1
    assert check_index(damaged_copy).ok


def test_embed_inputs_match_what_chunking_gives_the_embedder(clean, seeds_dir):
    """Repair embeds stored chunks; their texts must be the ones ingest embedded."""
    settings, _, _ = clean
    store = open_store(settings)
    try:
        doc_row = store.catalog.documents()[0]
        rows = store.catalog.chunks_of(doc_row.doc_id)
        _, texts, _, metas = embed_inputs(store.catalog, [r.chunk_id for r in rows])
        text = store.catalog.document_text(doc_row.doc_id)
    finally:
        store.close()
    path = Path(doc_row.source_path)
    doc = build_document(path.read_text(encoding="utf-8"), source_path=str(path))
    assert doc is not None and doc.text == text
    chunks = chunk_document(doc, max_tokens=settings.chunk_tokens,
                            overlap_sentences=settings.chunk_overlap_sentences)  # fmt: skip
    assert texts == [c.embed_text for c in chunks]
    assert all(m["doc_id"] == doc_row.doc_id and m["source_id"] == doc_row.source_id for m in metas)
