"""Big and hostile files against a real ``assistant ingest`` process: the size limit on both
sides, and peak memory (the child's ``ru_maxrss``) for a 50 MB text file and for
``malformed_xml.docx`` (shared/badinputs/EXPECTED.md).

The limit (``max_file_mb``, default 50 MiB) is inclusive: a file of exactly the limit is
read, one byte more is refused from its size alone, with a one-line reason naming the file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import Settings
from index.embedders.hash import HashEmbedder
from index.ingest_report import IngestReport
from index.pipeline import ingest_paths
from index.sources import file_items

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
MIB = 2**20
# Runs argv[1:] and prints the child's peak resident set size (KiB) as the last line.
_PEAK_RSS = (
    "import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
    "print(); print('PEAK', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)"
)


def _text_of_size(path: Path, size: int, seed_text: str) -> Path:
    """A UTF-8 report of exactly ``size`` bytes: the seed text repeated, padded with newlines."""
    unit = seed_text.encode("utf-8")
    with path.open("wb") as fh:
        written = 0
        while written + len(unit) <= size:
            fh.write(unit)
            written += len(unit)
        fh.write(b"\n" * (size - written))
    assert path.stat().st_size == size
    return path


def _ingest_measured(folder: Path, data_dir: Path) -> tuple[str, int, int]:
    """(output, exit status, peak RSS in MiB) of ``assistant ingest folder`` in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "300"}
    cmd = [sys.executable, "-m", "assistant.cli", "ingest", str(folder)]
    cmd += ["--embedder", "hash", "--data-dir", str(data_dir)]
    res = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS, *cmd],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,  # a hang fails the test instead of the suite
    )
    last = res.stdout.strip().splitlines()[-1].split()
    assert last[0] == "PEAK", res.stdout[-2000:] + res.stderr[-2000:]
    return res.stdout + res.stderr, int(last[2]), int(last[1]) // 1024


@pytest.fixture(scope="module")
def seed_text(shared) -> str:
    return (shared / "corpus" / "seeds" / "000_424aa9fef5469438.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def baseline_mib(tmp_path_factory, seed_text) -> int:
    """Peak RSS of ingesting one ordinary report: what every ingest costs anyway."""
    folder = tmp_path_factory.mktemp("one")
    (folder / "report.txt").write_text(seed_text, encoding="utf-8")
    out, rc, peak = _ingest_measured(folder, tmp_path_factory.mktemp("data"))
    assert rc == 0, out[-2000:]
    print(f"baseline ingest peak RSS: {peak} MiB")
    return peak


def test_50mb_text_over_the_limit_is_refused_unread(tmp_path, seed_text, baseline_mib):
    folder = tmp_path / "big"
    folder.mkdir()
    name = "五十兆的报告.txt"
    _text_of_size(folder / name, 50 * MIB + 1, seed_text)
    (folder / "report.txt").write_text(seed_text, encoding="utf-8")
    out, rc, peak = _ingest_measured(folder, tmp_path / "data")
    print(f"50 MiB + 1 byte .txt: peak RSS {peak} MiB (baseline {baseline_mib} MiB)")
    assert rc == 1  # a file failed
    row = next(line for line in out.splitlines() if name in line)
    assert "文件过大（50.1 MB，上限 50 MB）" in row
    assert "report.txt" in out  # the rest of the folder is still indexed
    # Reading it would cost at least its size again (bytes, then str); refused from its size.
    assert peak < baseline_mib + 25, (peak, baseline_mib)


def test_the_limit_is_inclusive_at_the_default_50_mb(tmp_path):
    """The gate before any file is read: exactly 50 MiB passes, one byte more is refused."""
    settings = Settings(data_dir=tmp_path / "data", embedder="hash")
    assert settings.max_file_mb == 50
    at, over = tmp_path / "at.txt", tmp_path / "over.txt"
    for path, size in ((at, 50 * MIB), (over, 50 * MIB + 1)):
        with path.open("wb") as fh:  # sparse: only the size is looked at here
            fh.truncate(size)
    report = IngestReport()
    items, _ = file_items([at, over], settings, report)
    assert [Path(i.key).name for i in items] == ["at.txt"]
    (refused,) = report.outcomes
    assert (Path(refused.key).name, refused.status) == ("over.txt", "failed")
    assert refused.reason == "文件过大（50.1 MB，上限 50 MB），请拆分后入库"


def test_both_sides_of_a_small_limit_end_to_end(tmp_path, seed_text):
    """With a 0.25 MB limit a file of exactly 256 KiB is indexed, 256 KiB + 1 byte is not."""
    folder = tmp_path / "reports"
    folder.mkdir()
    _text_of_size(folder / "at_limit.txt", 256 * 1024, seed_text)
    # Another text, so the two files are not duplicates of each other.
    other = seed_text.replace("党", "团")
    _text_of_size(folder / "over_limit.txt", 256 * 1024 + 1, other)
    settings = Settings(data_dir=tmp_path / "data", embedder="hash", max_file_mb=0.25)
    report = ingest_paths([folder], settings, embedder=HashEmbedder())
    outcomes = {Path(o.key).name: o for o in report.outcomes}
    assert outcomes["at_limit.txt"].status == "indexed" and outcomes["at_limit.txt"].n_chunks > 10
    over = outcomes["over_limit.txt"]
    assert (
        over.status == "failed" and over.reason == "文件过大（0.3 MB，上限 0.25 MB），请拆分后入库"
    )
    assert "\n" not in over.reason and str(folder / "over_limit.txt") == over.key


def test_malformed_xml_docx_fails_fast_with_bounded_memory(tmp_path, shared, baseline_mib):
    folder = tmp_path / "docx"
    folder.mkdir()
    shutil.copy(shared / "badinputs" / "malformed_xml.docx", folder)
    out, rc, peak = _ingest_measured(folder, tmp_path / "data")
    print(f"malformed_xml.docx: peak RSS {peak} MiB (baseline {baseline_mib} MiB)")
    assert rc == 1
    row = next(line for line in out.splitlines() if "malformed_xml.docx" in line)
    assert "Word 文件已损坏或不是 Word 文件" in row
    assert peak < baseline_mib + 100, (peak, baseline_mib)


def test_50mb_text_at_the_limit_is_read_then_refused_as_too_long(tmp_path, seed_text, baseline_mib):
    """Exactly 50 MiB passes the size gate, but ~17 million characters are far more than a report:
    refused after decoding and before cleaning, so memory stays near the file's own size."""
    folder = tmp_path / "big"
    folder.mkdir()
    name = "五十兆整的报告.txt"
    _text_of_size(folder / name, 50 * MIB, seed_text)
    (folder / "report.txt").write_text(seed_text, encoding="utf-8")
    out, rc, peak = _ingest_measured(folder, tmp_path / "data")
    print(f"exactly 50 MiB .txt: peak RSS {peak} MiB (baseline {baseline_mib} MiB)")
    assert rc == 1
    row = next(line for line in out.splitlines() if name in line)
    assert "文字过长" in row and "上限 2,000,000 字" in row
    assert "已入库" in out or "indexed" in out  # report.txt still went in
    # The bytes and the decoded text (~50 + ~35 MiB) and a little more; never the 1 GB+ that
    # cleaning and chunking 17 million characters would take.
    assert peak < baseline_mib + 300, (peak, baseline_mib)
