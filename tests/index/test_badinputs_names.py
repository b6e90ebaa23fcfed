"""Hostile and Chinese file names, uploaded and ingested (shared/badinputs/EXPECTED.md):
``../../etc/passwd.txt`` and ``..\\evil.docx`` are stored under safe names inside the data
dir, and ``中文 文件名（含空格）.txt`` is shown as is in the citations of an answer."""

from __future__ import annotations

from pathlib import Path

from assistant.generation.service import generate
from assistant.retrieval import build_retriever
from assistant.retrieval.reader import IndexReader
from assistant.web.uploads import save_uploads
from core.settings import Settings
from index.embedders.hash import HashEmbedder
from index.pipeline import ingest_paths

CHINESE_NAME = "中文 文件名（含空格）.txt"


def _docx(path: Path, text: str) -> Path:
    import docx

    document = docx.Document()
    for para in text.split("\n"):
        document.add_paragraph(para)
    document.save(str(path))
    return path


def test_uploaded_names_are_safe_indexed_and_cited_as_is(tmp_path, shared):
    seeds = sorted((shared / "corpus" / "seeds").glob("*.txt"))
    src = tmp_path / "browser"
    src.mkdir()
    (src / "a").write_text(seeds[1].read_text(encoding="utf-8"), encoding="utf-8")
    _docx(src / "b", seeds[2].read_text(encoding="utf-8"))
    (src / "c").write_bytes((shared / "badinputs" / CHINESE_NAME).read_bytes())
    settings = Settings(data_dir=tmp_path / "data", embedder="hash")
    names = ["../../etc/passwd.txt", "..\\evil.docx", CHINESE_NAME]

    saved, rejected = save_uploads([src / "a", src / "b", src / "c"], settings, names=names)
    assert rejected == []
    embedder = HashEmbedder()
    report = ingest_paths(saved, settings, prune=False, embedder=embedder)

    outcomes = {Path(o.key).name: o.status for o in report.outcomes}
    assert outcomes == {"passwd.txt": "indexed", "evil.docx": "indexed", CHINESE_NAME: "indexed"}
    uploads = settings.uploads_dir.resolve()
    assert all(Path(o.key).resolve().parent == uploads for o in report.outcomes)
    # Nothing was written outside the data dir and the browser's temp folder.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["browser", "data"]
    assert not (tmp_path / "etc").exists() and not (tmp_path.parent / "etc" / "passwd.txt").exists()

    reader = IndexReader(settings, embedder)
    try:
        docs = {Path(d.source_path).name: d for d in reader.documents()}
        assert set(docs) == {"passwd.txt", "evil.docx", CHINESE_NAME}
        # A question built from the Chinese-named report: its citation shows the name as is.
        text = reader.document_text(docs[CHINESE_NAME].doc_id)
        question = text.strip().splitlines()[0][:30]
        retriever = build_retriever("bm25", settings, reader=reader)
        events = list(
            generate(question, mode="answer", retriever=retriever, chat=None, settings=settings)
        )
    finally:
        reader.close()
    result = events[-1].result
    cited = {Path(c.hit.source_path).name for c in result.sources if c.n in result.cited}
    assert CHINESE_NAME in cited, (question, cited)
