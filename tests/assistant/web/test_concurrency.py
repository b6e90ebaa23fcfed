"""20 simultaneous chat sessions over HTTP while an upload is ingested through the app.

The app runs on 127.0.0.1 exactly as ``serve()`` queues it, extractive, with the hash
embedder (the e5 model makes no difference to locking and would only slow the test; the
benchmark ``benchmarks/concurrency.py`` uses e5). Each session is its own
``gradio_client.Client``. The upload goes through the app's own 文档库 endpoint.

To make the dangerous moment certain rather than likely, the upload is paused right after
its vectors reached Chroma and before the catalog marks it finished: the document is then
half-written (vectors searchable, status ``pending``, keyword index not yet rebuilt).

1. paused: 20 sessions ask about the uploaded report — none may cite it, none may fail;
2. the pause is released while 20 more sessions draft outlines (the writer finishes, the
   reader is swapped under them);
3. after the upload: 20 sessions, and now they find the new report.

Every cited source of every answer must be a chunk, word for word, of a finished document in
the final catalog whose chunks are all there.
"""

from __future__ import annotations

import html
import re
import shutil
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.integration

SESSIONS = 20
UPLOAD_NAME = "绿洲计划推进情况.txt"
QUESTION = "绿洲计划第七工作组完成投资多少万元？"
_SOURCE_RE = re.compile(
    r'<div class="source" id="source-(\d+)"><div class="source-head">(.*?)</div>'
    r'<div class="source-text">(.*?)</div></div>',
    re.S,
)
_SPAN_RE = re.compile(r'<span class="source-(title|section|file)">(.*?)</span>', re.S)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _upload_text() -> str:
    numerals = "一二三四五六七八九十"
    lines = ["关于绿洲计划推进情况的报告", "一、总体进展"]
    for i in range(1, 41):
        name = numerals[(i - 1) % 10] if i <= 10 else str(i)
        lines.append(
            f"绿洲计划第{name}工作组负责第{i}片区的绿化提升，已完成投资{i * 37}万元，"
            f"新增绿地{i * 3}亩。该组按月报送进度，群众满意度{80 + i % 20}%。"
        )
    return "\n".join(lines) + "\n"


def parse_sources(sources_html: str) -> list[dict]:
    """The 来源 panel's entries: number, title, file and the passage as plain text."""
    out = []
    for n, head, text in _SOURCE_RE.findall(sources_html):
        spans = {k: html.unescape(v) for k, v in _SPAN_RE.findall(head)}
        plain = html.unescape(re.sub(r"</?mark>", "", text))
        out.append(
            {
                "n": int(n),
                "title": spans.get("title", ""),
                "file": spans.get("file", ""),
                "text": plain,
            }
        )
    return out


class _Pause:
    """Holds the first upsert of the uploaded report's vectors until released."""

    def __init__(self):
        self.entered = threading.Event()
        self.release = threading.Event()
        self.chunk_ids: list[str] = []

    def wrap(self, real):
        def upsert(store, ids, vectors, documents, metadatas):
            real(store, ids, vectors, documents, metadatas)
            if any("绿洲计划" in d for d in documents) and not self.entered.is_set():
                self.chunk_ids = list(ids)
                self.entered.set()
                assert self.release.wait(300), "test never released the paused upload"

        return upsert


@pytest.fixture
def app_url(tmp_path, seeds_dir, monkeypatch):
    from assistant.web.app import build_app
    from assistant.web.serve import QUEUE_CONCURRENCY
    from core.settings import Settings
    from index.embedders.hash import HashEmbedder
    from index.pipeline import ingest_paths
    from index.store.vectors import ChromaVectorStore

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in seeds_dir.glob("*.txt"):
        shutil.copy(f, corpus / f.name)
    settings = Settings(data_dir=tmp_path / "data", embedder="hash", chunk_tokens=64)
    embedder = HashEmbedder()
    assert not ingest_paths([corpus], settings, embedder=embedder).failed
    pause = _Pause()
    monkeypatch.setattr(ChromaVectorStore, "upsert", pause.wrap(ChromaVectorStore.upsert))
    upload = tmp_path / "browser" / UPLOAD_NAME
    upload.parent.mkdir()
    upload.write_text(_upload_text(), encoding="utf-8")

    app = build_app(settings, embedder=embedder)
    app.queue(default_concurrency_limit=QUEUE_CONCURRENCY)  # as serve() does
    port = _free_port()
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield {
        "url": f"http://127.0.0.1:{port}/",
        "settings": settings,
        "embedder": embedder,
        "pause": pause,
        "upload": upload,
    }
    pause.release.set()
    app.close()


def _ask_all(clients, question: str, mode: str = "问答") -> list[dict]:
    """One question per session, all submitted at once; outputs or the exception, per session."""
    jobs = [c.submit(question, mode, "全部", "全部", "全部", api_name="/ask") for c in clients]

    def wait(job):
        try:
            answer, _label, _notices, sources, _docx, _md = job.result(timeout=300)
        except Exception as exc:  # the assertion below names whatever went wrong
            return {"error": repr(exc)}
        return {"answer": answer, "sources": parse_sources(sources)}

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(wait, jobs))


def _assert_whole_documents(outputs: list[dict], settings, embedder) -> None:
    from assistant.export import file_name
    from index.store import open_store

    store = open_store(settings, embedder, create=False)
    try:
        catalog = store.catalog
        assert catalog.unfinished() == []
        chunks = {}
        for doc in catalog.documents():
            rows = catalog.chunks_of(doc.doc_id)
            assert len(rows) == doc.n_chunks, f"{doc.title}: not all chunks stored"
            for r in rows:
                chunks[(doc.title, file_name(doc.source_path), r.text)] = doc.doc_id
    finally:
        store.close()
    for out in outputs:
        assert "error" not in out, out.get("error")
        assert out["sources"], "every answer shows its sources"
        shown = {s["n"] for s in out["sources"]}
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", out["answer"])}
        assert cited <= shown, out["answer"]
        for s in out["sources"]:
            assert (s["title"], s["file"], s["text"]) in chunks, f"not a stored chunk: {s}"


def _cites_upload(out: dict) -> bool:
    return any(s["file"] == UPLOAD_NAME for s in out["sources"])


def test_twenty_sessions_during_an_upload(app_url):
    from gradio_client import Client, handle_file

    from index.store import open_store

    url, settings, embedder, pause = (app_url[k] for k in ("url", "settings", "embedder", "pause"))
    clients = [Client(url, verbose=False, download_files=False) for _ in range(SESSIONS)]
    uploader = Client(url, verbose=False, download_files=False)
    upload = uploader.submit([handle_file(str(app_url["upload"]))], api_name="/ingest")
    assert pause.entered.wait(120), "the upload never reached the vector store"

    # 1. the upload is half-written: its vectors are searchable, the catalog says pending
    store = open_store(settings, embedder, create=False)
    try:
        pending = store.catalog.unfinished()
        assert len(pending) == 1
        near = store.vectors.query(embedder.embed([QUESTION], query=True)[0], 5)
        assert any(cid in pause.chunk_ids for cid, _, _ in near), "dense search does reach it"
    finally:
        store.close()
    during = _ask_all(clients, QUESTION)
    assert not any(_cites_upload(o) for o in during if "error" not in o)

    # 2. the writer finishes while 20 sessions are answering; outlines retrieve once per
    # section, so they hold the reader longest
    racing = ThreadPoolExecutor(1).submit(_ask_all, clients, QUESTION, "提纲起草")
    pause.release.set()
    _cleared, outcome, *_ = upload.result(timeout=300)
    finishing = racing.result(timeout=300)
    assert [r[1] for r in outcome["data"]] == [UPLOAD_NAME]
    assert outcome["data"][0][0] == "已入库"

    # 3. after the upload every session finds the new report
    after = _ask_all(clients, QUESTION)
    assert all(_cites_upload(o) for o in after), [o.get("sources") for o in after]
    assert all(re.search(r"\[\d+\]", o["answer"]) for o in after)

    _assert_whole_documents(during + finishing + after, settings, embedder)
    assert (settings.uploads_dir / UPLOAD_NAME).exists()
    for c in [*clients, uploader]:
        c.close()
