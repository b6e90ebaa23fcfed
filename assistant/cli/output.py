"""How every command prints data: control characters shown escaped, no emoji codes or markup
read out of file names and passages."""

from __future__ import annotations

from rich.console import Console


def console(*, stderr: bool = False, **kw) -> Console:
    """A console with emoji codes off: ":x:" in a passage is text, not ❌. Data goes in as
    ``Text`` or with ``markup=False``, so brackets in a file name are never read as markup."""
    return Console(stderr=stderr, emoji=False, **kw)


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control characters (ANSI escapes included) shown as ``\\x1b`` etc."""
    return "".join(
        ch if ch.isprintable() or (keep_newlines and ch in "\n\t") else ascii(ch)[1:-1]
        for ch in text
    )
