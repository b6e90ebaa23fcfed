"""What the terminal shows of data is data: control characters escaped, no Rich markup or
emoji codes read out of file names or passages, every failing file named in a pipe."""

from __future__ import annotations

import json

from tests.helpers import run_cli

REPORT = "一、基本情况\n今年开展调研5次，完成率:x:不足[bold]九成[/bold]。\n二、下一步\n继续深化调查研究。"


def test_odd_names_and_passages_print_as_text(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    ansi = "报告\x1b[31m红\x1b[0m.txt"
    (folder / ansi).write_text(REPORT, encoding="utf-8")
    (folder / "[bold]方括号.txt").write_text(REPORT.replace("5次", "6次"), encoding="utf-8")
    data = tmp_path / "data"
    ingest = run_cli("ingest", str(folder), data_dir=data)
    assert ingest.returncode == 0, ingest.stderr
    for out in (ingest.stdout, run_cli("docs", "list", data_dir=data).stdout):
        assert "\x1b" not in out
    assert "\\x1b[31m红\\x1b[0m" in ingest.stdout and "[bold]方括号" in ingest.stdout
    search = run_cli("search", "调研 完成率", data_dir=data)
    assert search.returncode == 0, search.stderr
    assert "\x1b" not in search.stdout and "❌" not in search.stdout
    assert "完成率:x:不足[bold]九成[/bold]" in search.stdout


def test_the_ingest_report_as_json_names_every_file(tmp_path, shared):
    data = tmp_path / "data"
    seeds, bad = shared / "corpus" / "seeds", shared / "badinputs"
    js = run_cli("ingest", str(seeds), str(bad), "--format", "json", data_dir=data)
    report = json.loads(js.stdout)
    assert report["counts"]["failed"] == 6 and report["counts"]["indexed"] >= 5
    rows = {f["file"]: f for f in report["files"]}
    assert rows["badinputs/legacy_word.doc"]["reason"] == "旧版 .doc 格式不支持，请另存为 .docx"
    dup = rows["badinputs/gbk_report.txt"]
    assert dup["status"] == "duplicate" and dup["same_as"] == "badinputs/gb18030_report.txt"
