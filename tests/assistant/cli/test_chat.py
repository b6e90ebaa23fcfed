"""`assistant chat` over a real seed index (hash embedder, no model): questions from stdin until
EOF, follow-ups printed as 理解为, --continue resuming the stored conversation, filters that
exclude the asked unit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli.chat import register
from assistant.conversation.store import LOCAL_USER, ConversationStore
from core.settings import Settings
from index.embedders.hash import HashEmbedder
from index.pipeline import ingest_paths

SEED = "000_424aa9fef5469438.txt"  # 市住建局: 基层党组织48个, 在职党员485名


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    seeds = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "seeds"
    folder = tmp_path_factory.mktemp("chat_seeds")
    shutil.copy(seeds / SEED, folder / SEED)
    data = tmp_path_factory.mktemp("chat_index")
    ingest_paths([folder], Settings(data_dir=data, embedder="hash"), embedder=HashEmbedder())
    return data


@pytest.fixture
def data_dir(index_dir, tmp_path):
    """A private copy: each test starts with no conversations."""
    data = tmp_path / "data"
    shutil.copytree(index_dir, data)
    return data


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command()
    def other() -> None:  # a second command keeps `chat` a subcommand
        """Nothing."""

    return app


def chat(app, data_dir, stdin, *args):
    common = ["--data-dir", str(data_dir), "--embedder", "hash", "--pipeline", "bm25", "-k", "3"]
    return CliRunner().invoke(app, ["chat", *args, *common], input=stdin, catch_exceptions=False)


def test_questions_until_eof_with_follow_ups_understood(app, data_dir):
    result = chat(app, data_dir, "西安市住建局有多少个基层党组织？\n\n那在职党员有多少名？\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "48个" in out and "485名" in out
    assert out.count("理解为：") == 1 and "理解为：西安市住建局在职党员有多少名？" in out
    assert out.count("资料来源") == 2 and SEED in out
    (conv,) = ConversationStore(path=data_dir / "conversations.sqlite3").list(LOCAL_USER)
    stored = ConversationStore(path=data_dir / "conversations.sqlite3").get(LOCAL_USER, conv.id)
    assert [t.question for t in stored.turns] == [
        "西安市住建局有多少个基层党组织？",
        "那在职党员有多少名？",
    ]
    assert stored.turns[1].understood == "西安市住建局在职党员有多少名？"
    assert stored.turns[1].sources  # each turn keeps its own sources


def test_continue_resumes_the_last_conversation(app, data_dir):
    assert chat(app, data_dir, "西安市住建局有多少个基层党组织？\n").exit_code == 0
    result = chat(app, data_dir, "那在职党员有多少名？\n", "--continue")
    assert result.exit_code == 0, result.output
    assert "继续对话：西安市住建局有多少个基层党组织？（已有 1 轮）" in result.stderr
    assert "理解为：西安市住建局在职党员有多少名？" in result.stdout
    store = ConversationStore(path=data_dir / "conversations.sqlite3")
    (conv,) = store.list(LOCAL_USER)
    assert len(store.get(LOCAL_USER, conv.id).turns) == 2
    fresh = chat(app, data_dir, "那在职党员有多少名？\n")  # without --continue: a new one
    assert "理解为" not in fresh.stdout and len(store.list(LOCAL_USER)) == 2


def test_continue_with_nothing_to_continue_starts_afresh(app, data_dir):
    result = chat(app, data_dir, "西安市住建局有多少个基层党组织？\n", "-c")
    assert result.exit_code == 0 and "还没有可以继续的对话" in result.stderr


def test_a_filter_that_excludes_the_asked_unit_is_said(app, data_dir):
    result = chat(app, data_dir, "滨海新区有多少个基层党组织？\n", "--org", "西安市住建局")
    assert result.exit_code == 0, result.output
    assert "“滨海新区”" in result.stderr and "单位" in result.stderr
    assert "资料来源" not in result.stdout


def test_mode_is_checked_and_used(app, data_dir):
    bad = CliRunner().invoke(app, ["chat", "--mode", "poem", "--data-dir", str(data_dir)])
    assert bad.exit_code != 0 and "--mode" in bad.output
    result = chat(app, data_dir, "西安市住建局党员作用发挥\n", "--mode", "summary")
    assert result.exit_code == 0, result.output
    store = ConversationStore(path=data_dir / "conversations.sqlite3")
    (conv,) = store.list(LOCAL_USER)
    assert store.get(LOCAL_USER, conv.id).turns[0].mode == "summary"


def test_an_overlong_line_is_refused_and_the_chat_goes_on(app, data_dir, monkeypatch):
    monkeypatch.setenv("ASSISTANT_MAX_QUESTION_CHARS", "40")
    result = chat(app, data_dir, "党" * 41 + "\n西安市住建局有多少个基层党组织？\n")
    assert result.exit_code == 0, result.output
    assert "问题过长" in result.stderr and "48个" in result.stdout
