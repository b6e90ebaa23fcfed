"""``assistant docs list/edit`` as a user runs them."""

from __future__ import annotations

import json
import shutil

from tests.helpers import run_cli

SEED = "003_1639e3c3017186e5"


def test_edit_then_list_and_search_by_the_corrected_unit(tmp_path, shared):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("corpus/seeds/000_424aa9fef5469438.txt", "badinputs/gbk_report.txt"):
        shutil.copy(shared / name, folder)
    shutil.copy(shared / "corpus" / "seeds" / f"{SEED}.txt", folder)
    data = tmp_path / "data"
    assert run_cli("ingest", str(folder), data_dir=data).returncode == 0
    edited = run_cli(
        "docs", "edit", SEED, "--org", "盐城市城管局", "--date", "2024-12-20", data_dir=data
    )
    assert edited.returncode == 0, edited.stderr
    assert "单位 盐城市城管局" in edited.stdout and "年份 2024" in edited.stdout
    rows = json.loads(run_cli("docs", "list", "--format", "json", data_dir=data).stdout)
    by_file = {r["file"]: r for r in rows}
    mine = by_file[f"{SEED}.txt"]
    assert (mine["org"], mine["date"], mine["year"]) == ("盐城市城管局", "2024-12-20", 2024)
    assert sorted(mine["edited"]) == ["date", "org"] and mine["versions"] == []
    seed, copy = by_file["000_424aa9fef5469438.txt"], by_file["gbk_report.txt"]
    assert seed["versions"] == [copy["doc_id"]] and copy["versions"] == [seed["doc_id"]]
    found = run_cli(
        "search", "城市好管家", "--org", "盐城市城管局", "--format", "json", data_dir=data
    )
    hits = json.loads(found.stdout)["hits"]
    assert hits and {h["source_id"] for h in hits} == {SEED}
    bad = run_cli("docs", "edit", SEED, "--genre", "小说", data_dir=data)
    assert (
        bad.returncode == 1 and "文种 '小说' 无效" in bad.stderr and "Traceback" not in bad.stderr
    )
