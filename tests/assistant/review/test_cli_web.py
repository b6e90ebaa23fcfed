"""The ``review`` command and the 审核 tab's handlers, over the hash-embedder seed index."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli import review as review_cli
from assistant.web import review_tab as web
from core.errors import ConfigError

DRAFT = "市住建局现有在职党员458名。\n下一步，我们将继续推进“党建加”品牌建设。\n"


@pytest.fixture()
def app(seed_reader, monkeypatch):
    from assistant.retrieval import build_retriever

    real = build_retriever("bm25", seed_reader.settings, reader=seed_reader)

    class NoClose:  # the CLI closes its reader; the session index must stay open
        def __init__(self, settings, embedder=None):
            pass

        def __getattr__(self, name):
            return getattr(seed_reader, name)

        def close(self):
            pass

    monkeypatch.setattr("assistant.retrieval.reader.IndexReader", NoClose)
    monkeypatch.setattr("assistant.retrieval.build_retriever", lambda *a, **kw: real)
    app = typer.Typer()
    app.command()(lambda: None)
    review_cli.register(app)
    return app


def test_review_command_json_from_stdin(app):
    result = CliRunner().invoke(app, ["review", "-", "--format", "json"], input=DRAFT)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [v["label"] for v in data["verdicts"]] == ["contradicted", "not_claim"]
    assert [(i["found"], i["expected"]) for i in data["term_issues"]] == [("党建加", "党建+")]


def test_review_command_docx_from_a_docx_file(app, tmp_path):
    import docx

    src = tmp_path / "draft.docx"
    d = docx.Document()
    d.add_paragraph("市住建局现有在职党员458名。")
    d.save(str(src))
    out = tmp_path / "reviewed.docx"
    result = CliRunner().invoke(app, ["review", str(src), "--format", "docx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(list(docx.Document(str(out)).comments)) == 1


def test_review_command_rejects_other_files(tmp_path):
    (tmp_path / "x.pdf").write_text("x")
    with pytest.raises(ConfigError, match="must be .txt"):
        review_cli.read_draft(str(tmp_path / "x.pdf"))


def test_web_handlers_colour_sentences_and_show_sources(retriever):
    class Ctx:
        @contextmanager
        def lease_index(self):
            yield retriever, None  # an injected retriever: no reader, no mined terms

    totals, draft, choices, result = web.run_review(
        Ctx(), "<b>市住建局现有在职党员458名。</b>", None
    )
    assert "与来源不符 1" in totals
    assert "rv-contradicted" in draft and "&lt;b&gt;" in draft and "<b>市" not in draft
    assert len(choices) == 1
    detail = web.detail_html(result, choices[0])
    assert "<mark>458名</mark>" in detail and "<mark>485名</mark>" in detail
    with pytest.raises(ConfigError):
        web.run_review(Ctx(), "  ", None)


def test_web_tab_builds_inside_blocks(retriever):
    import gradio as gr

    class Ctx:
        @contextmanager
        def lease_index(self):
            yield retriever, None

    with gr.Blocks() as demo, gr.Tabs():
        web.build_review_tab(Ctx())
    assert any(getattr(b, "elem_id", None) == "review-run" for b in demo.blocks.values())


def test_review_exports_write_a_commented_docx_and_an_html_page():
    from assistant.review.checker import ReviewReport, Verdict
    from assistant.web.review_tab import write_review_exports

    report = ReviewReport(
        "现有党员458名。", [Verdict("现有党员458名。", 0, 8, "unsupported", reason="未找到")]
    )
    docx_path, html_path = write_review_exports(report)
    assert docx_path.endswith("审核结果.docx") and html_path.endswith("审核结果.html")
    import docx

    assert "现有党员458名。" in [p.text for p in docx.Document(docx_path).paragraphs]
    assert "颜色说明" in open(html_path, encoding="utf-8").read()
