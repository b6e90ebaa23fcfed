"""The `assistant` command as a user runs it (a real subprocess, hash embedder)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from tests.helpers import REPO
from tests.helpers import run_cli as run


def test_ingest_list_search_delete(tmp_path, shared):
    data = tmp_path / "data"
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(shared / "corpus" / "seeds" / "003_1639e3c3017186e5.txt", folder)
    shutil.copy(shared / "badinputs" / "corrupt.pdf", folder)

    first = run("ingest", str(folder), data_dir=data)
    assert first.returncode == 1  # one file failed
    assert "corrupt.pdf" in first.stdout and "PDF 文件已损坏" in first.stdout
    assert "已入库 1" in first.stdout and "失败 1" in first.stdout
    assert "Traceback" not in first.stderr

    listed = run("docs", "list", data_dir=data)
    assert listed.returncode == 0 and "盐城市城市管理局" in listed.stdout

    found = run("search", "城市好管家党建品牌", "-k", "1", "--pipeline", "bm25", data_dir=data)
    assert found.returncode == 0 and "城市好管家" in found.stdout

    gone = run("docs", "delete", "003_1639e3c3017186e5", data_dir=data)
    assert gone.returncode == 0 and "已删除 1" in gone.stdout
    missing = run("docs", "delete", "003_1639e3c3017186e5", data_dir=data)
    assert (
        missing.returncode == 1
        and "no document" in missing.stderr
        and "Traceback" not in missing.stderr
    )


def test_search_without_index_is_one_clear_line(tmp_path):
    res = run("search", "党建", data_dir=tmp_path / "empty")
    assert res.returncode == 1
    assert "assistant ingest" in res.stderr and "Traceback" not in res.stderr
    assert len([ln for ln in res.stderr.splitlines() if ln.strip()]) == 1


def test_overlong_question_is_one_clear_line(tmp_path):
    res = run("ask", "党建" * 1001, data_dir=tmp_path / "empty")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert [ln for ln in res.stderr.splitlines() if ln.strip()] == [
        "错误: 问题过长（2002 字，上限 2000 字），请精简后再问"
    ]


def test_docs_list_and_delete_load_no_embedding_model(tmp_path, seed_reader):
    """Listing and deleting read the catalog only: with the default e5 embedder configured
    (the index was built with the hash one), neither builds nor imports a model runtime."""
    data = tmp_path / "data"
    shutil.copytree(seed_reader.settings.data_dir, data)
    probe = (
        "import sys\n"
        "from assistant.cli import main\n"
        "sys.argv = ['assistant', *sys.argv[1:]]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "else:\n"
        "    code = 0\n"
        "heavy = [m for m in ('onnxruntime', 'torch', 'transformers', 'chromadb') if m in sys.modules]\n"
        "print('HEAVY', heavy, 'CODE', code)\n"
    )
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "COLUMNS": "200", "PYTHONPATH": str(REPO)}
    env.pop("ASSISTANT_EMBEDDER", None)  # the default: e5

    def cli(*args: str) -> str:
        res = subprocess.run(
            [sys.executable, "-c", probe, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert "Traceback" not in res.stderr, res.stderr[-2000:]
        return res.stdout

    listed = cli("docs", "list")
    assert "市住建局" in listed
    assert "HEAVY [] CODE 0" in listed
    deleted = cli("docs", "delete", "003_1639e3c3017186e5")
    assert "已删除 1" in deleted
    # the vectors are removed too, so chromadb (and only it) is loaded for a delete
    assert "HEAVY ['chromadb'] CODE 0" in deleted
    assert "盐城市城市管理局" not in cli("docs", "list")


def test_ingest_report_names_every_failed_file_whole_in_a_narrow_pipe(tmp_path, shared):
    """Through a pipe at 80 columns (CI logs), each failed file is named in full."""
    res = run(
        "ingest", str(shared / "corpus" / "seeds"), str(shared / "badinputs"),
        data_dir=tmp_path / "data", COLUMNS="80",
    )  # fmt: skip
    assert res.returncode == 1  # some files failed
    failing = ["binary_as_txt.txt", "corrupt.pdf", "legacy_word.doc", "malformed_xml.docx",
               "text_named.docx", "truncated.docx"]  # fmt: skip
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("失败: ")]
    assert sorted(ln.split(": ")[1] for ln in lines) == sorted(f"badinputs/{f}" for f in failing)
    assert "…" not in "".join(lines)
    for line in lines:  # each reason in Chinese: CJK words, no English sentence
        reason = line.split(": ", 2)[2]
        assert re.search(r"[\u4e00-\u9fff]{2}", reason) and not re.search(r"[a-z]{5}", reason), line
