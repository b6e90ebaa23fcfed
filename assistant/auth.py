"""Web login: users and salted password hashes, one ``name:hash`` a line.

Hashes are ``scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>`` (stdlib ``hashlib.scrypt``); bcrypt
hashes (``$2b$…``) written by other tools are accepted too. Passwords are never logged
or stored in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import tempfile
from pathlib import Path

from pydantic import SecretStr

from core.errors import ConfigError

USERS_ENV = "ASSISTANT_USERS"  # the ``users`` setting, named in messages
# 2**14 × 8 × 1 needs 16 MiB and ~50 ms here: slow enough for a guesser, fine for a login.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_NAME_RE = re.compile(r"[^\s:#][^\s:]*")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str) -> str:
    """A salted scrypt hash carrying its own parameters."""
    if not password:
        raise ConfigError("password must not be empty")
    salt = os.urandom(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify(stored: str, password: str) -> bool:
    """True when ``password`` matches ``stored``; a malformed hash never matches."""
    if stored.startswith(("$2a$", "$2b$", "$2y$")):
        import bcrypt

        try:
            return bcrypt.checkpw(password.encode("utf-8"), stored.encode("ascii"))
        except ValueError:
            return False
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return False
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        expected = base64.b64decode(parts[5], validate=True)
        digest = hashlib.scrypt(
            password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(expected), maxmem=2**27
        )
    except ValueError:  # bad numbers, bad base64, or scrypt parameters out of range
        return False
    return hmac.compare_digest(digest, expected)


def parse_users(text: str, origin: str) -> dict[str, str]:
    """``name:hash`` entries, one a line (``#`` comments and blank lines ignored)."""
    users: dict[str, str] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, stored = line.partition(":")
        if not sep or not _NAME_RE.fullmatch(name) or not stored:
            raise ConfigError(f"{origin} line {lineno}: expected 'name:hash'")
        users[name] = stored
    return users


def load_users(path: Path | str) -> dict[str, str]:
    """Users from a file of ``name:hash`` lines."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(
            f"users file {path} does not exist; create it with `assistant user-add`"
        ) from exc
    except (OSError, UnicodeError) as exc:
        raise ConfigError(f"users file {path} is unreadable: {exc}") from exc
    return parse_users(text, str(path))


def users_from_setting(users: SecretStr | None) -> dict[str, str]:
    """Users from the ``users`` setting (``ASSISTANT_USERS``): ``name:hash`` entries separated
    by newlines or commas."""
    raw = users.get_secret_value() if users is not None else ""
    return parse_users(raw.replace(",", "\n"), USERS_ENV)


def add_user(path: Path | str, name: str, password: str) -> None:
    """Add ``name`` to the users file (or replace its password); the file is kept private (0600)."""
    if not _NAME_RE.fullmatch(name):
        raise ConfigError(f"invalid user name {name!r}: no spaces or ':' allowed")
    path = Path(path)
    users = load_users(path) if path.exists() else {}
    users[name] = hash_password(password)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"{u}:{h}\n" for u, h in users.items())
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".users-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(body)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def make_checker(users: dict[str, str]):
    """The ``auth=`` callable Gradio calls with (username, password)."""

    def check(username: str, password: str) -> bool:
        stored = users.get(username)
        if stored is None:
            # Spend the same time as a real check so a guesser cannot tell names apart.
            verify(_DUMMY_HASH, password)
            return False
        return verify(stored, password)

    return check


_DUMMY_HASH = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(b'0' * 16)}${_b64(b'0' * 32)}"
