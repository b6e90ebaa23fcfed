"""The one settings object: environment < TOML file < flags, and one-line errors that name
the variable or the file."""

from __future__ import annotations

import pytest

from core.errors import ConfigError
from core.settings import load_settings


def test_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    s = load_settings()
    assert s.chunk_tokens == 320 and s.top_k == 6 and s.prefer_recent is True
    assert s.users is None and s.eval_data_dir is None and s.reference_date is None


def test_toml_in_the_data_dir_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text("chunk_tokens = 400\ntop_k = 4\n", encoding="utf-8")
    s = load_settings()
    assert (s.chunk_tokens, s.top_k) == (400, 4)


def test_environment_beats_toml_and_flags_beat_both(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text("chunk_tokens = 400\ntop_k = 4\n", encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_CHUNK_TOKENS", "480")
    s = load_settings()
    assert s.chunk_tokens == 480  # env over TOML
    assert s.top_k == 4  # TOML where env says nothing
    assert load_settings(chunk_tokens=200).chunk_tokens == 200  # flag over env
    assert load_settings(chunk_tokens=None).chunk_tokens == 480  # an unset flag changes nothing


def test_data_dir_flag_reads_that_dir_s_config(tmp_path, monkeypatch):
    default, other = tmp_path / "default", tmp_path / "other"
    default.mkdir()
    other.mkdir()
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(default))
    (default / "config.toml").write_text("top_k = 3\n", encoding="utf-8")
    (other / "config.toml").write_text("top_k = 9\n", encoding="utf-8")
    assert load_settings().top_k == 3
    s = load_settings(data_dir=other)
    assert s.data_dir == other and s.top_k == 9


def test_assistant_config_names_the_file(tmp_path, monkeypatch):
    cfg = tmp_path / "team.toml"
    cfg.write_text("top_k = 8\n", encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_CONFIG", str(cfg))
    assert load_settings(data_dir=tmp_path).top_k == 8
    monkeypatch.setenv("ASSISTANT_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match=r"ASSISTANT_CONFIG=.*missing\.toml：设置文件不存在"):
        load_settings()


def test_bad_value_names_the_variable_in_one_line(monkeypatch):
    monkeypatch.setenv("ASSISTANT_CHUNK_TOKENS", "abc")
    with pytest.raises(ConfigError, match=r"ASSISTANT_CHUNK_TOKENS 应为整数（收到 'abc'）") as e:
        load_settings()
    assert "\n" not in str(e.value)


def test_out_of_range_value_names_the_rule(monkeypatch):
    monkeypatch.setenv("ASSISTANT_TOP_K", "0")
    with pytest.raises(ConfigError, match=r"ASSISTANT_TOP_K 应不小于 1"):
        load_settings()


def test_typo_in_the_toml_file_is_an_error_naming_the_file_and_key(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text("chunk_tokenz = 400\n", encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"config\.toml：未知的设置项 chunk_tokenz（是否想写 chunk_tokens？）"
    ):
        load_settings()


def test_broken_toml_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text("top_k = = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config\.toml：不是有效的 TOML"):
        load_settings()


def test_users_and_eval_dir_come_from_the_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_USERS", "a:hash")
    monkeypatch.setenv("ASSISTANT_EVAL_DATA_DIR", str(tmp_path / "ev"))
    s = load_settings()
    assert s.users is not None and s.users.get_secret_value() == "a:hash"
    assert "hash" not in repr(s)  # a secret is never printed
    assert s.eval_data_dir == tmp_path / "ev"


def test_reference_date_is_a_date(monkeypatch):
    monkeypatch.setenv("ASSISTANT_REFERENCE_DATE", "2024-03-01")
    assert load_settings().reference_date.isoformat() == "2024-03-01"
    monkeypatch.setenv("ASSISTANT_REFERENCE_DATE", "去年")
    with pytest.raises(ConfigError, match="ASSISTANT_REFERENCE_DATE"):
        load_settings()


@pytest.mark.parametrize(
    ("var", "value", "says"),
    [
        ("ASSISTANT_MAX_FILE_MB", "nan", "应为有限的数字"),
        ("ASSISTANT_MAX_FILE_MB", "0", "应大于 0"),
        ("ASSISTANT_CHUNK_OVERLAP_SENTENCES", "-1", "应不小于 0"),
        ("ASSISTANT_PREPARE_TIMEOUT_S", "inf", "应为有限的数字"),
        ("ASSISTANT_STRICT", "maybe", "应为 true 或 false"),
        ("ASSISTANT_EMBEDDER", "foo", "可选值：'e5'"),
        ("ASSISTANT_CHUNK_TOKENS", "5", "chunk_tokens 应在 32 到 2000 之间"),
    ],
)
def test_every_bad_value_is_one_line_naming_the_variable_and_what_is_allowed(
    var, value, says, monkeypatch
):
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError) as e:
        load_settings()
    message = str(e.value)
    assert message.startswith(f"设置无效：{var} ") and says in message, message
    assert "\n" not in message and f"（收到 '{value}'）" in message


def test_a_data_dir_that_is_a_file_is_named(tmp_path, monkeypatch):
    afile = tmp_path / "data"
    afile.write_text("x", encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(afile))
    with pytest.raises(ConfigError, match=r"ASSISTANT_DATA_DIR .*是文件而不是文件夹"):
        load_settings()
