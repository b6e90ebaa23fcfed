"""`ask` and `draft` on a typer app, over a real seed index (hash embedder) and a stub LLM."""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli.generate import register
from core.settings import Settings
from index.embedders.hash import HashEmbedder
from index.pipeline import ingest_paths

SEED = "003_1639e3c3017186e5.txt"  # 市城管局 “城市好管家” 党建品牌


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    from pathlib import Path

    seeds = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "seeds"
    folder = tmp_path_factory.mktemp("cli_seeds")
    shutil.copy(seeds / SEED, folder / SEED)
    data = tmp_path_factory.mktemp("cli_data")
    ingest_paths([folder], Settings(data_dir=data, embedder="hash"), embedder=HashEmbedder())
    return data


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def invoke(app, data_dir, *args):
    common = ["--data-dir", str(data_dir), "--embedder", "hash", "--pipeline", "bm25", "-k", "3"]
    return CliRunner().invoke(app, [*args, *common], catch_exceptions=False)


def test_register_adds_ask_and_draft(app):
    names = {c.name or c.callback.__name__ for c in app.registered_commands}
    assert names == {"ask", "draft"}


def test_ask_without_model_quotes_the_sources(app, data_dir):
    result = invoke(app, data_dir, "ask", "城市好管家党建品牌是怎么打造的")
    assert result.exit_code == 0, result.output
    assert "未配置大模型，以下为抽取式回答" in result.output
    assert "城市好管家" in result.stdout and "[1]" in result.stdout
    assert "资料来源" in result.stdout and SEED in result.stdout


def test_draft_outline_without_model(app, data_dir):
    result = invoke(app, data_dir, "draft", "城管系统党建品牌建设", "--mode", "outline")
    assert result.exit_code == 0, result.output
    assert "\n一、" in "\n" + result.stdout and SEED in result.stdout


def test_draft_rejects_an_unknown_mode(app, data_dir):
    result = CliRunner().invoke(
        app, ["draft", "党建", "--mode", "poem", "--data-dir", str(data_dir)]
    )
    assert result.exit_code != 0 and "summary, suggest or outline" in result.output


def test_ask_streams_from_an_llm_endpoint(app, data_dir):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for piece in ["市城管局打造“城市好管家”党建品牌", "[1][7]。"]:
                event = {"choices": [{"index": 0, "delta": {"content": piece}}]}
                self.wfile.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        result = invoke(
            app, data_dir, "ask", "城市好管家", "--llm-base-url", url, "--llm-model", "stub"
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0, result.output
    assert "市城管局打造“城市好管家”党建品牌[1][7]。" in result.stdout
    assert "已删除不存在的引用 [7]" in result.output and "抽取式" not in result.output


def test_ask_format_json_prints_text_generator_citations_and_sentences(app, data_dir):
    result = invoke(
        app,
        data_dir,
        "ask",
        "城市好管家党建品牌是怎么打造的",
        "--format",
        "json",
        "--generator",
        "extractive",
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["generator"] == "extractive" and out["verified"] is True
    assert "城市好管家" in out["text"]
    first = out["citations"][0]
    assert first["n"] == 1 and first["file"] == SEED and first["doc_id"] and first["title"]
    assert out["sentences"] and {"text", "label", "n"} <= out["sentences"][0].keys()
    cited = {c["n"] for c in out["citations"] if c["cited"]}
    assert {s["n"] for s in out["sentences"] if s["label"] == "supported"} <= cited | {None}


def test_draft_format_json(app, data_dir):
    result = invoke(
        app, data_dir, "draft", "城管系统党建品牌建设", "--mode", "summary", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["mode"] == "summary" and out["citations"] and out["generator"] == "extractive"


def test_generator_local_without_an_installed_model_says_how_to_install(app, data_dir):
    from core.errors import ConfigError

    with pytest.raises(ConfigError, match="assistant model install"):
        invoke(app, data_dir, "ask", "城市好管家", "--generator", "local")


def test_unknown_format_is_refused(app, data_dir):
    result = CliRunner().invoke(
        app,
        ["ask", "城市好管家", "--format", "xml", "--data-dir", str(data_dir), "--embedder", "hash"],
    )
    assert result.exit_code != 0 and "text or json" in result.output


def test_a_topic_over_the_length_cap_is_refused(app, data_dir, monkeypatch):
    from core.errors import InputError

    monkeypatch.setenv("ASSISTANT_MAX_QUESTION_CHARS", "20")
    with pytest.raises(InputError, match=r"^问题过长（21 字，上限 20 字），请精简后再问$"):
        invoke(app, data_dir, "draft", "党" * 21, "--mode", "summary")
    result = invoke(app, data_dir, "ask", "城市好管家党建品牌是怎么打造的")  # 15 characters
    assert result.exit_code == 0 and "城市好管家" in result.stdout


def test_ask_says_when_the_filter_excludes_the_asked_year(app, data_dir):
    from core.errors import InputError

    with pytest.raises(InputError, match="当前“年份”筛选为2020年"):
        invoke(app, data_dir, "ask", "2022年城市好管家党建品牌做了什么", "--year", "2020")
