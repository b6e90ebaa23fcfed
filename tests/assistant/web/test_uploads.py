"""Uploaded file names are sanitised and land inside the uploads folder."""

from __future__ import annotations

import pytest

from assistant.web.uploads import safe_name, save_uploads
from core.settings import Settings


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\evil.docx", "evil.docx"),
        ("C:\\Users\\a\\报告.PDF", "报告.pdf"),
        ("中文 文件名（含空格）.txt", "中文 文件名（含空格）.txt"),
        ("..", "upload"),
        (".hidden.md", "hidden.md"),
        ('a<b>:c"|?*\x00.txt', "a_b__c_____.txt"),
        ("x" * 300 + ".docx", "x" * 115 + ".docx"),
    ],
)
def test_safe_name(name, expected):
    assert safe_name(name) == expected


def test_hostile_names_land_inside_uploads_dir(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", embedder="hash")
    src = tmp_path / "src"
    src.mkdir()
    files = []
    for i in range(2):
        f = src / f"f{i}"
        f.write_text(f"内容{i}")
        files.append(f)
    saved, rejected = save_uploads(files, settings, names=["../../etc/passwd.txt", "..\\evil.docx"])
    assert rejected == []
    assert [p.name for p in saved] == ["passwd.txt", "evil.docx"]
    root = settings.uploads_dir.resolve()
    assert all(p.parent == root for p in saved)
    assert sorted(p.name for p in root.iterdir()) == ["evil.docx", "passwd.txt"]
    assert (root / "passwd.txt").read_text() == "内容0"
    assert not (tmp_path / "etc").exists()


def test_type_and_size_limits(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", embedder="hash", max_file_mb=0.001)
    small, big, exe = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.exe"
    small.write_text("短")
    big.write_bytes(b"x" * 2000)
    exe.write_bytes(b"MZ")
    saved, rejected = save_uploads([small, big, exe, tmp_path / "a.txt"], settings)
    assert [p.name for p in saved] == ["a.txt", "a.txt"]  # same name: the later copy replaces
    assert [(r.name, r.reason) for r in rejected] == [
        ("b.txt", "文件超过 0.001 MB 上限"),
        ("c.exe", "不支持的文件类型；可上传 .txt .md .html .htm .docx .pdf"),
    ]
    assert [p.name for p in settings.uploads_dir.iterdir()] == ["a.txt"]
