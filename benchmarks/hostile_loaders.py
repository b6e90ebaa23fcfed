"""Hostile files through the loaders: time and peak memory of each, in a fresh process.

    .venv/bin/python benchmarks/hostile_loaders.py [--out benchmarks/results] [--no-ingest]

The files are those of ``tests/hostile/make_hostile.py`` (damaged, encrypted and lying
.docx, nested and 20,000-page PDFs, 20,000 ``<p>``, 100,000 nested ``<div>``) plus saved
web pages of 1, 10 and 40 MB and a 1,000,000-deep nesting. Each is loaded by
``load_file`` in its own Python process, so its peak RSS (``wait4``) is its own; the bar
is under 1 GB each. Then the 40 MB page is ingested end to end by ``assistant ingest``
(hash embedder: loading, cleaning, chunking, keyword index, Chroma), the bar being under
a minute. Results: ``benchmarks/results/hostile-loaders.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import machine, write_json  # noqa: E402
from tests.hostile import make_hostile as mh  # noqa: E402

# Loads argv[1] and prints one JSON line: outcome, reason or lines/characters, seconds.
_LOAD = """
import json, sys, time
from core.errors import LoadError
from index.loaders import load_file
start = time.perf_counter()
try:
    text = load_file(sys.argv[1]).text
    row = {"outcome": "loaded", "lines": text.count("\\n") + 1, "chars": len(text)}
except LoadError as exc:
    row = {"outcome": "refused", "reason": exc.reason}
row["seconds"] = round(time.perf_counter() - start, 3)
print(json.dumps(row, ensure_ascii=False))
"""


def _measured(argv: list[str], env: dict[str, str]) -> tuple[str, int, float, int]:
    """(stdout, exit status, wall seconds, peak RSS in MiB) of one child process."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode("utf-8", errors="replace")
    return text, child.returncode, round(wall, 2), usage.ru_maxrss // 1024


def make_files(folder: Path) -> list[Path]:
    """Every probe, the 1/10/40 MB pages and a million nested divs, written into ``folder``."""
    paths = [make(folder) for make in mh.PROBES.values()]
    paths += [mh.make_big_html(folder, mb) for mb in (1, 10, 40)]
    paths.append(mh.make_nested_html(folder, 1_000_000))
    return paths


def make_files_apart(folder: Path, env: dict[str, str]) -> list[Path]:
    """``make_files`` in a child process: a child forked from a parent that had just built a
    40 MB page would start with the parent's memory counted in its peak RSS."""
    code = (
        "import sys; from pathlib import Path; from benchmarks.hostile_loaders import make_files; "
        "print('\\n'.join(map(str, make_files(Path(sys.argv[1])))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(folder)], env=env, check=True, capture_output=True
    )
    return [Path(line) for line in out.stdout.decode().splitlines() if line]


def load_each(paths: list[Path], env: dict[str, str]) -> list[dict]:
    rows = []
    for path in paths:
        out, rc, wall, rss = _measured([sys.executable, "-c", _LOAD, str(path)], env)
        row = {"file": path.name, "bytes": path.stat().st_size, "rc": rc}
        try:
            row.update(json.loads(out.strip().splitlines()[-1]))
        except (json.JSONDecodeError, IndexError):
            row["outcome"] = "crashed"
            row["output"] = out[-500:]
        row.update(process_seconds=wall, peak_rss_mib=rss)
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    return rows


def ingest_page(page: Path, work: Path, env: dict[str, str]) -> dict:
    folder = work / "page"
    folder.mkdir()
    os.link(page, folder / page.name)
    argv = [sys.executable, "-m", "assistant.cli", "ingest", str(folder)]
    argv += ["--embedder", "hash", "--data-dir", str(work / "data")]
    out, rc, wall, rss = _measured(argv, {**env, "COLUMNS": "200"})
    row = {"file": page.name, "rc": rc, "seconds": wall, "peak_rss_mib": rss}
    row["report"] = [ln for ln in out.splitlines() if ln.strip()][-4:]
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    ap.add_argument("--no-ingest", action="store_true", help="time the loaders only")
    args = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files = work / "files"
        files.mkdir()
        rows = load_each(make_files_apart(files, env), env)
        ingest = None if args.no_ingest else ingest_page(files / "page_40mb.html", work, env)
    result = {
        "benchmark": "hostile_loaders",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "loads": rows,
        "ingest_40mb_page": ingest,
    }
    print(write_json(result, args.out / "hostile-loaders.json"))


if __name__ == "__main__":
    main()
