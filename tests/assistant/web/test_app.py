"""The app's handlers with a fake generator, and the library tab over a real (hash) index."""

from __future__ import annotations

import re
import shutil
import warnings

import docx
import gradio as gr
import pytest

from assistant.generation.types import AnswerResult, Citation, Event
from assistant.retrieval.base import Hit
from assistant.web import library
from assistant.web.app import build_app
from assistant.web.app_context import AppContext
from assistant.web.chat import filters_from, stream_answer
from core.errors import ConfigError, StoreError
from core.settings import Settings
from index.embedders.hash import HashEmbedder
from index.pipeline import ingest_paths
from index.store import CATALOG_FILE

SOURCES = [
    Citation(
        1,
        Hit(
            "c1", "d1", "市住建局现有在职党员485名。", 1.0, "调研报告", "一、基本情况", "/u/甲.txt"
        ),
    ),
    Citation(
        2, Hit("c2", "d2", "<script>window.pwned=1</script>党员", 0.5, "另一篇", "", "/u/乙.txt")
    ),
]


def fake_generate(script):
    """A generate function that records its call and replays ``script``."""
    calls = []

    def generate(question, *, mode, retriever, chat, settings, filters=None, k=6):
        calls.append({"question": question, "mode": mode, "chat": chat, "filters": filters, "k": k})
        yield from script

    generate.calls = calls
    return generate


def _result(text="在职党员485名[1]。", cited=(1,), extractive=True, notices=()):
    return AnswerResult("answer", text, SOURCES, list(cited), extractive, list(notices), [], [])


@pytest.fixture
def settings(tmp_path):
    s = Settings(data_dir=tmp_path / "data", embedder="hash")
    s.index_dir.mkdir(parents=True)
    (s.index_dir / CATALOG_FILE).touch()  # stream_answer only checks that an index exists
    return s


def test_stream_shows_deltas_then_checked_result(settings):
    gen = fake_generate(
        [
            Event("sources", sources=SOURCES),
            Event("delta", text="在职党员"),
            Event("delta", text="485名[1][9]。"),
            Event("done", result=_result()),
        ]
    )
    ctx = AppContext(settings, generate_fn=gen, retriever=object())
    views = list(stream_answer(ctx, " 有多少在职党员？ ", "总结", "全部", "2021", "调研报告"))
    assert gen.calls == [
        {
            "question": "有多少在职党员？",
            "mode": "summary",
            "chat": None,
            "filters": {"year": 2021, "genre": "调研报告"},
            "k": 6,
        }
    ]
    answers = [v.answer for v in views]
    assert answers[:4] == ["", "", "在职党员", "在职党员485名[1][9]。"]
    final = views[-1]
    # The checked answer is coloured in place: the sentence and its [1] in one span.
    assert '<span class="ans-sentence ans-supported" title="有依据' in final.answer
    assert ">在职党员485名[1]。</span>" in final.answer
    assert "抽取式模式（未使用大模型）" in final.label
    assert 'id="source-1"' in final.sources and 'id="source-2"' not in final.sources  # cited only
    assert "<mark>在职</mark>" in final.sources
    doc = docx.Document(final.docx)
    assert doc.paragraphs[0].text == "有多少在职党员？"
    assert "[1] 调研报告 · 一、基本情况 · 甲.txt" in [p.text for p in doc.paragraphs]
    md = open(final.md, encoding="utf-8").read()
    assert md.startswith("# 有多少在职党员？") and "在职党员485名[1]。" in md


def test_sources_event_is_escaped_before_the_answer(settings):
    gen = fake_generate([Event("sources", sources=SOURCES)])
    ctx = AppContext(settings, generate_fn=gen, retriever=object())
    view = list(stream_answer(ctx, "党员", "问答"))[-1]
    assert "<script" not in view.sources and "&lt;script&gt;window.pwned=1" in view.sources


def test_notice_after_deltas_discards_the_failed_text(settings):
    gen = fake_generate(
        [
            Event("delta", text="模型说了一半"),
            Event("notice", text="大模型调用失败，已改用抽取式回答。"),
            Event("delta", text="抽取"),
            Event(
                "done", result=_result("抽取[1]", notices=["大模型调用失败，已改用抽取式回答。"])
            ),
        ]
    )
    ctx = AppContext(settings, generate_fn=gen, retriever=object())
    with warnings.catch_warnings(record=True) as toasts:
        warnings.simplefilter("always")
        views = list(stream_answer(ctx, "问题", "问答"))
    # The checked text is wrapped in its sentence's span (``web.colour``): compared as read.
    read = [re.sub(r"<[^>]+>", "", v.answer) for v in views[:5]]
    assert read == ["", "模型说了一半", "", "抽取", "抽取[1]"]
    # Shown once, in the answer's notices: no toast on top of it.
    assert views[-1].notices == ["大模型调用失败，已改用抽取式回答。"]
    assert [str(t.message) for t in toasts if "大模型" in str(t.message)] == []


def test_library_errors_become_gr_error_without_traceback(settings):
    def failing(*args, **kwargs):
        raise StoreError("向量库无法连接：http://127.0.0.1:9")
        yield  # pragma: no cover

    ctx = AppContext(settings, generate_fn=failing, retriever=object())
    with pytest.raises(gr.Error, match="向量库无法连接"):
        list(stream_answer(ctx, "问题", "问答"))


def test_empty_question_and_empty_library_yield_nothing(tmp_path):
    gen = fake_generate([Event("done", result=_result())])
    ctx = AppContext(
        Settings(data_dir=tmp_path, embedder="hash"), generate_fn=gen, retriever=object()
    )
    with pytest.warns(UserWarning, match="请先输入问题"):
        assert list(stream_answer(ctx, "   ", "问答")) == []
    with pytest.warns(UserWarning, match="文档库还是空的"):  # no index yet: no call
        assert list(stream_answer(ctx, "问题", "问答")) == []
    assert gen.calls == []


def test_overlong_question_is_one_error_toast_and_no_generation(settings):
    gen = fake_generate([Event("done", result=_result())])
    capped = settings.model_copy(update={"max_question_chars": 50})
    ctx = AppContext(capped, generate_fn=gen, retriever=object())
    with pytest.raises(gr.Error) as info:
        list(stream_answer(ctx, "党" * 51, "问答"))
    assert info.value.message == "问题过长（51 字，上限 50 字），请精简后再问"
    assert gen.calls == []
    assert list(stream_answer(ctx, "党" * 50, "问答"))[-1].result is not None


def test_question_box_carries_the_length_cap():
    settings = Settings(embedder="hash", max_question_chars=321)
    app = build_app(settings, generate_fn=fake_generate([]))
    (box,) = [
        c for c in app.get_config_file()["components"] if c["props"].get("elem_id") == "question"
    ]
    assert box["props"]["max_length"] == 321


def test_filters_from_dropdowns():
    assert filters_from("全部", "全部", None) is None
    assert filters_from("市住建局", "2021", "全部") == {"org": "市住建局", "year": 2021}


def test_build_app_has_both_tabs():
    app = build_app(Settings(embedder="hash"), generate_fn=fake_generate([]))
    config = app.get_config_file()
    labels = {c["props"].get("label") for c in config["components"]}
    assert {"对话", "文档库", "模式", "单位", "年份", "文种"} <= labels
    assert app.title == "文稿起草助手"


@pytest.fixture
def library_ctx(tmp_path, seeds_dir, shared):
    settings = Settings(data_dir=tmp_path / "data", embedder="hash")
    ctx = AppContext(settings, embedder=HashEmbedder(), generate_fn=fake_generate([]))
    src = tmp_path / "src"
    src.mkdir()
    names = []
    for f in sorted(seeds_dir.glob("*.txt"))[:2]:
        shutil.copy(f, src / f.name)
        names.append(src / f.name)
    shutil.copy(shared / "badinputs" / "legacy_word.doc", src / "old.doc")
    shutil.copy(shared / "badinputs" / "corrupt.pdf", src / "corrupt.pdf")
    return ctx, names + [src / "old.doc", src / "corrupt.pdf"]


def test_upload_ingest_list_delete(library_ctx):
    ctx, files = library_ctx
    assert library.documents(ctx) == []
    seen = []
    rows = library.ingest_uploads(ctx, files, lambda d, t, c: seen.append((d, t, c)))
    by_file = {r[1]: r for r in rows}
    assert (
        by_file["old.doc"][0] == "失败"
        and by_file["old.doc"][2] == "旧版 .doc 格式不支持，请另存为 .docx"
    )
    assert by_file["corrupt.pdf"][0] == "失败"
    assert [by_file[f.name][0] for f in files[:2]] == ["已入库", "已入库"]
    assert seen and seen[-1][:2] == (3, 3) and seen[-1][2] > 0

    docs = library.documents(ctx)
    assert len(docs) == 2
    rows = library.document_rows(docs)
    col = {h: i for i, h in enumerate(library.DOC_HEADERS)}
    assert sorted(r[col["文件"]] for r in rows) == sorted(f.name for f in files[:2])
    assert all(r[col["标题"]] and int(r[col["段数"]]) > 0 for r in rows)
    choices = library.filter_choices(docs)
    assert set(choices) == {"org", "year", "genre"} and choices["genre"]

    uploaded = ctx.settings.uploads_dir / files[0].name
    doomed = next(d for d in docs if d.source_path.endswith(files[0].name))
    assert uploaded.exists()
    assert library.delete(ctx, [doomed.doc_id]) == [files[0].name]
    assert [d.doc_id for d in library.documents(ctx)] == [d.doc_id for d in docs if d is not doomed]
    assert not uploaded.exists()


def test_uploads_are_searchable_after_ingest(library_ctx):
    """The retriever the app opens sees a newly ingested report."""
    ctx, files = library_ctx
    library.ingest_uploads(ctx, files[:1], None)
    with ctx.lease() as retriever:
        hits = retriever.retrieve("在职党员485名", k=3)
    assert hits and hits[0].source_path.endswith(files[0].name)
    ingest_paths([files[1]], ctx.settings, embedder=ctx.embedder(), prune=False)
    ctx.index_changed()
    with ctx.lease() as retriever:
        assert retriever.retrieve("党员", k=5)


def test_edited_cells_are_stored_and_shown(library_ctx):
    ctx, files = library_ctx
    library.ingest_uploads(ctx, files[:2], None)
    rows = library.document_rows(library.documents(ctx))
    col = {h: i for i, h in enumerate(library.DOC_HEADERS)}
    changed = [list(r) for r in rows]
    changed[0][col["单位"]] = "测试单位党委"
    changed[0][col["日期"]] = "2022-05-06"
    changed[0][col["段数"]] = "999"  # a static column: never written
    assert library.edit_cells(ctx, changed) == [f"已修改《{rows[0][col['标题']]}》：单位、日期"]
    (after,) = [r for r in library.document_rows(library.documents(ctx)) if r[0] == rows[0][0]]
    assert (after[col["单位"]], after[col["日期"]], after[col["年份"]]) == (
        "测试单位党委",
        "2022-05-06",
        "2022",
    )
    assert after[col["段数"]] == rows[0][col["段数"]]
    assert library.edit_cells(ctx, changed) == []  # nothing new to save
    bad = [list(r) for r in changed]
    bad[0][col["文种"]] = "小说"
    with pytest.raises(ConfigError, match="文种 '小说' 无效"):
        library.edit_cells(ctx, bad)
