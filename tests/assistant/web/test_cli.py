"""``serve`` and ``user-add`` mounted on a Typer app."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from assistant import auth
from assistant.cli.web import register
from core.errors import ConfigError


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_user_add_prompts_and_stores_a_hash(tmp_path):
    users = tmp_path / "users.txt"
    result = CliRunner().invoke(
        _app(), ["user-add", "zhangsan", "--users-file", str(users)], input="秘密口令\n秘密口令\n"
    )
    assert result.exit_code == 0, result.output
    assert "已保存用户 zhangsan" in result.output
    stored = auth.load_users(users)["zhangsan"]
    assert auth.verify(stored, "秘密口令")
    assert "秘密口令" not in users.read_text() and "秘密口令" not in result.output


def test_user_add_defaults_to_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "d"))
    result = CliRunner().invoke(_app(), ["user-add", "li", "--password", "pw"])
    assert result.exit_code == 0, result.output
    assert "li" in auth.load_users(tmp_path / "d" / "users.txt")


def test_serve_refuses_public_host_without_users():
    result = CliRunner().invoke(_app(), ["serve", "--host", "0.0.0.0", "--port", "7999"])
    assert result.exit_code != 0
    assert isinstance(result.exception, ConfigError)
    assert "refusing to listen on 0.0.0.0" in str(result.exception)
