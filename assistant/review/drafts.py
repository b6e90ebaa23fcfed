"""Reading a draft to review: a file through the project's loaders, or standard input."""

from __future__ import annotations

import sys
from pathlib import Path

from core.errors import ConfigError

FORMATS = ("html", "md", "json", "docx")


def read_draft(path: str) -> str:
    """The draft's text: ``-`` reads stdin; .txt/.md/.docx through the project's loaders."""
    if path == "-":
        return sys.stdin.read()
    from index.loaders import load_file

    suffix = Path(path).suffix.lower()
    if suffix not in (".txt", ".md", ".docx"):
        raise ConfigError(f"{path}: a draft must be .txt, .md or .docx (or - for stdin)")
    return load_file(Path(path)).text
