"""Uploaded reports: safe file names, type and size limits, saved under ``settings.uploads_dir``."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from core.settings import Settings
from index.loaders.reasons import LEGACY_DOC

UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
PICKER_SUFFIXES = (*UPLOAD_SUFFIXES, ".doc")  # .doc is refused with 「请另存为 .docx」
MAX_NAME_CHARS = 120
# Path separators, characters Windows forbids, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def safe_name(name: str) -> str:
    """The last component of ``name``, stripped of separators, ``..`` and unsafe characters.

    Chinese characters, spaces and full-width brackets are kept: the name is shown as is in
    citations. ``../../etc/passwd.txt`` → ``passwd.txt``; ``..\\evil.docx`` → ``evil.docx``.
    """
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name))[-1]
    base = _UNSAFE.sub("_", base)
    base = " ".join(base.split()).strip(" .")
    stem, suffix = os.path.splitext(base)
    stem = stem.strip(" .") or "upload"
    suffix = suffix.lower() if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", suffix) else ""
    return stem[: MAX_NAME_CHARS - len(suffix)] + suffix


@dataclass
class Rejected:
    """An uploaded file refused before indexing, with a reason a drafter understands."""

    name: str
    reason: str


def save_uploads(
    files: list[str | Path], settings: Settings, names: list[str] | None = None
) -> tuple[list[Path], list[Rejected]]:
    """Copy uploaded temp files into ``settings.uploads_dir`` under safe names.

    ``names`` are the names the browser gave (default: the temp files' own names). A file
    with the same safe name replaces the earlier upload, so a re-uploaded report becomes a
    new version of the same document.
    """
    root = settings.uploads_dir
    root.mkdir(parents=True, exist_ok=True)
    root_real = root.resolve()
    limit = settings.max_file_mb * 1024 * 1024
    saved: list[Path] = []
    rejected: list[Rejected] = []
    for i, src in enumerate(files):
        src = Path(src)
        shown = names[i] if names else src.name
        name = safe_name(shown)
        if Path(name).suffix == ".doc":  # offered by the picker so that it can say why
            rejected.append(Rejected(shown, LEGACY_DOC))
            continue
        if Path(name).suffix not in UPLOAD_SUFFIXES:
            rejected.append(
                Rejected(shown, f"不支持的文件类型；可上传 {' '.join(UPLOAD_SUFFIXES)}")
            )
            continue
        size = src.stat().st_size
        if size > limit:
            rejected.append(Rejected(shown, f"文件超过 {settings.max_file_mb:g} MB 上限"))
            continue
        dest = (root / name).resolve()
        if dest.parent != root_real:  # safe_name makes this impossible; refuse rather than trust it
            rejected.append(Rejected(shown, "文件名不安全"))
            continue
        fd, tmp = tempfile.mkstemp(dir=root, prefix=".upload-")
        os.close(fd)
        try:
            shutil.copyfile(src, tmp)
            os.replace(tmp, dest)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        saved.append(dest)
    return saved, rejected
