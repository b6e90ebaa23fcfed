"""Web login: password hashing, the users file and the env fallback."""

from __future__ import annotations

import stat

import bcrypt
import pytest

from assistant import auth
from core.errors import ConfigError


def test_hash_verifies_only_its_password_and_is_salted():
    stored = auth.hash_password("正确的密码 1")
    assert stored.startswith("scrypt$")
    assert "正确的密码" not in stored
    assert auth.verify(stored, "正确的密码 1")
    assert not auth.verify(stored, "正确的密码 2")
    assert auth.hash_password("正确的密码 1") != stored  # fresh salt each time


@pytest.mark.parametrize(
    "stored", ["", "plain-text", "scrypt$x$8$1$AAAA$AAAA", "scrypt$16384$8$1$!!$AAAA", "md5$abc"]
)
def test_malformed_hash_never_matches(stored):
    assert auth.verify(stored, "anything") is False


def test_bcrypt_hashes_from_other_tools_are_accepted():
    stored = bcrypt.hashpw(b"secret", bcrypt.gensalt(rounds=4)).decode()
    assert auth.verify(stored, "secret")
    assert not auth.verify(stored, "Secret")


def test_add_user_writes_a_private_file_and_replaces_a_password(tmp_path):
    path = tmp_path / "conf" / "users.txt"
    auth.add_user(path, "zhangsan", "pw-one")
    auth.add_user(path, "lisi", "pw-two")
    auth.add_user(path, "zhangsan", "pw-three")
    users = auth.load_users(path)
    assert sorted(users) == ["lisi", "zhangsan"]
    assert auth.verify(users["zhangsan"], "pw-three") and not auth.verify(
        users["zhangsan"], "pw-one"
    )
    text = path.read_text()
    assert "pw-" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("name", ["", "a b", "a:b", "#x"])
def test_add_user_rejects_bad_names(tmp_path, name):
    with pytest.raises(ConfigError, match="invalid user name"):
        auth.add_user(tmp_path / "users.txt", name, "pw")


def test_load_users_skips_comments_and_names_bad_lines(tmp_path):
    path = tmp_path / "users.txt"
    path.write_text("# logins\n\nwang:scrypt$1$2$3$AA==$AA==\nbroken line\n")
    with pytest.raises(ConfigError, match=r"users.txt line 4: expected 'name:hash'"):
        auth.load_users(path)
    path.write_text("# logins\n\nwang:scrypt$1$2$3$AA==$AA==\n")
    assert auth.load_users(path) == {"wang": "scrypt$1$2$3$AA==$AA=="}
    with pytest.raises(ConfigError, match="does not exist"):
        auth.load_users(tmp_path / "missing.txt")


def test_users_from_env_and_checker(monkeypatch):
    from core.settings import load_settings

    a, b = auth.hash_password("pa"), auth.hash_password("pb")
    monkeypatch.setenv(auth.USERS_ENV, f"a:{a},b:{b}")
    users = auth.users_from_setting(load_settings().users)  # read by the one settings object
    check = auth.make_checker(users)
    assert check("a", "pa") and check("b", "pb")
    assert not check("a", "pb")
    assert not check("nobody", "pa")
    monkeypatch.delenv(auth.USERS_ENV)
    assert auth.users_from_setting(load_settings().users) == {}
