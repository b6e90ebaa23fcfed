"""Server replies quoted in error messages: one line, bounded, with the API key blanked out."""

from __future__ import annotations


def error_snippet(text: str, secret: str | None, limit: int = 200) -> str:
    """``text`` folded to one line, ``secret`` replaced by ``***``, cut to ``limit`` characters."""
    text = " ".join(text.split())
    if secret:  # some servers echo the request; the key must never reach a log
        text = text.replace(secret, "***")
    return text[:limit]
