"""What every benchmark records beside its numbers: the machine, and the JSON result file."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any


def machine() -> dict[str, Any]:
    """CPU model, cores, Python, the OpenMP wait policy and the load average right now."""
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    return {
        "processor": platform.processor() or platform.machine(),
        "cpu_model": next(
            (ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), ""
        ),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "(unset)"),
        "loadavg": os.getloadavg(),
    }


def write_json(result: dict[str, Any], out: Path) -> Path:
    """Write ``result`` to ``out`` (folders made as needed), UTF-8, indented; returns ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return out
