import shutil

import pytest

from core.errors import LoadError
from evals.corpus import corpus_hash, read_corpus


def test_folder_corpus_ids_are_file_stems(tiny_corpus):
    (tiny_corpus / ".hidden.txt").write_text("x", encoding="utf-8")
    (tiny_corpus / "report.docx").write_bytes(b"PK\x03\x04")
    docs = read_corpus(tiny_corpus)
    assert [d.eval_id for d in docs] == ["d1", "d2", "d3", "report"]
    assert docs[0].text.startswith("全市粮食")
    assert docs[3].text is None  # not plain text: only the project's loaders read it


def test_folder_hash_depends_on_content_not_location(tiny_corpus, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(tiny_corpus, copy)
    assert corpus_hash(copy) == corpus_hash(tiny_corpus)
    (copy / "d3.txt").write_text("改过的内容", encoding="utf-8")
    assert corpus_hash(copy) != corpus_hash(tiny_corpus)
    (copy / "d3.txt").rename(copy / "d4.txt")
    assert corpus_hash(copy) != corpus_hash(tiny_corpus)


def test_jsonl_corpus(tmp_path, write_jsonl):
    path = write_jsonl(
        tmp_path / "c.jsonl",
        [{"id": "g1", "title": "", "text": "甲"}, {"id": 7, "text": "乙", "url": "u"}],
    )
    docs = read_corpus(path)
    assert [(d.eval_id, d.text) for d in docs] == [("g1", "甲"), ("7", "乙")]
    assert len(corpus_hash(path)) == 64


def test_duplicate_ids_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.txt").write_text("1", encoding="utf-8")
    (tmp_path / "b" / "x.md").write_text("2", encoding="utf-8")
    with pytest.raises(LoadError, match="share the eval doc id 'x'"):
        read_corpus(tmp_path)


def test_missing_or_malformed_corpus(tmp_path):
    with pytest.raises(LoadError, match="folder or a .jsonl"):
        read_corpus(tmp_path / "nope")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a"}\n', encoding="utf-8")
    with pytest.raises(LoadError, match="line 1"):
        read_corpus(bad)
