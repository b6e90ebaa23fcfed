"""How much one file may cost a loader, decided before the work: bytes on disk, characters
extracted, PDF pages. The defaults are the settings' defaults (one source of truth)."""

from __future__ import annotations

from dataclasses import dataclass

from core.settings import Settings

DEFAULT_MAX_BYTES = int(Settings.model_fields["max_file_mb"].default * 2**20)


def _default(name: str) -> int:
    return int(Settings.model_fields[name].default)


@dataclass(frozen=True)
class Limits:
    """Caps for loading one file; a loader stops as soon as one is passed."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_chars: int = _default("max_text_chars")
    max_pdf_pages: int = _default("max_pdf_pages")

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        """The caps the settings ask for."""
        return cls(
            max_bytes=int(settings.max_file_mb * 2**20),
            max_chars=settings.max_text_chars,
            max_pdf_pages=settings.max_pdf_pages,
        )
