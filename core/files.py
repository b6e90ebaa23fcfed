"""Small helpers on files that both the write path and the read path use."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB pieces."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def path_key(path: Path | str) -> str:
    """A path as stored text. A name that is not valid UTF-8 (its bytes decoded by Python into
    lone surrogates) keeps each undecodable byte as ``\\xNN``, so it can be stored in SQLite and
    printed, and two such files never share a key."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", errors="backslashreplace")
    return text
