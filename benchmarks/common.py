"""What every benchmark records beside its numbers: the machine, and the JSON result file."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

# CPU features int8 and fp32 speed depend on (int8 matmuls: VNNI does in one instruction
# what AVX2 needs three for; sessions have run on machines with and without AVX-512)
SIMD_FLAGS = (
    "avx2",
    "fma",
    "avx512f",
    "avx512bw",
    "avx512_vnni",
    "avx_vnni",
    "avx512_bf16",
    "amx_int8",
)


def machine() -> dict[str, Any]:
    """CPU model and SIMD flags, cores, Python, OpenMP wait policy, load average right now."""
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    flags = next((ln.split(":", 1)[1].split() for ln in lines if ln.startswith("flags")), [])

    def field(name: str) -> str:
        return next(
            (ln.split(":", 1)[1].strip() for ln in lines if ln.split(":")[0].strip() == name), ""
        )

    siblings = Path("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list")
    return {
        "processor": platform.processor() or platform.machine(),
        "cpu_model": field("model name"),
        # Family 25 is Zen 3/4, 26 Zen 5: the same "AMD EPYC" name hides both.
        "cpu_family": field("cpu family"),
        "cpu_model_number": field("model"),
        "cpu_flags": [f for f in SIMD_FLAGS if f in flags],
        # "0" when cpu0 has no hyperthread sibling; "0-1" when the two vCPUs share one core.
        "cpu0_thread_siblings": siblings.read_text().strip() if siblings.exists() else "",
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
