"""`assistant index check` / `index repair` and a damaged index as a user meets it (subprocess)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.helpers import run_cli as run


def _hits(data_dir: Path) -> list[list[str]]:
    """Top hits of a hybrid and a keyword search (hybrid: the first only, since lower dense
    ranks come from Chroma's approximate HNSW graph, which two clean builds may order apart)."""
    out = []
    for pipeline, k in (("hybrid", 1), ("bm25", 3)):
        found = run("search", "党建品牌", "-k", str(k), "--pipeline", pipeline, "--format", "json",
                    data_dir=data_dir)  # fmt: skip
        assert found.returncode == 0, found.stderr
        out.append([h["chunk_id"] for h in json.loads(found.stdout)["hits"]])
    return out


def test_lost_chroma_folder_is_named_repaired_and_checked(tmp_path, seeds_dir):
    data = tmp_path / "data"
    assert run("ingest", str(seeds_dir), data_dir=data).returncode == 0
    ok = run("index", "check", data_dir=data)
    assert ok.returncode == 0 and "索引完好" in ok.stdout
    before = _hits(data)

    shutil.rmtree(data / "index" / "chroma")
    bad = run("index", "check", data_dir=data)
    assert bad.returncode == 1
    lines = bad.stderr.strip().splitlines()
    assert len(lines) == 1 and "向量库 Chroma" in lines[0] and "assistant index repair" in lines[0]
    search = run("search", "党建品牌", data_dir=data)
    assert search.returncode == 1 and "Traceback" not in search.stderr
    assert "向量库 Chroma" in search.stderr and "assistant index repair" in search.stderr

    fixed = run("index", "repair", data_dir=data)
    assert fixed.returncode == 0 and "补回" in fixed.stdout
    assert run("index", "check", data_dir=data).returncode == 0
    assert _hits(data) == before


def test_truncated_catalog_is_one_line_and_rebuild_restores_it(tmp_path, seeds_dir):
    data = tmp_path / "data"
    assert run("ingest", str(seeds_dir), data_dir=data).returncode == 0
    before = _hits(data)
    catalog = data / "index" / "catalog.sqlite3"
    catalog.write_bytes(catalog.read_bytes()[: catalog.stat().st_size // 2])

    for args in (("docs", "list"), ("ingest", str(seeds_dir)), ("index", "repair")):
        got = run(*args, data_dir=data)
        assert got.returncode == 1 and "Traceback" not in got.stderr, args
        assert "目录库" in got.stderr and "assistant ingest --rebuild" in got.stderr, args
    assert run("index", "check", data_dir=data).returncode == 1

    rebuilt = run("ingest", "--rebuild", str(seeds_dir), data_dir=data)
    assert rebuilt.returncode == 0 and "已入库 5" in rebuilt.stdout
    assert run("index", "check", data_dir=data).returncode == 0
    assert _hits(data) == before
