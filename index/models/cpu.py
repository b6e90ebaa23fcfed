"""What the CPU the model is built on can do, for choices made at build time.

onnxruntime's int8 matmul on CPUs without VNNI multiplies u8×s8 pairs with ``vpmaddubsw``,
whose 16-bit sums saturate with full 8-bit weights, so the graph is built with 7-bit weights
there (``reduce_range``). VNNI's ``vpdpbusd`` (AVX-512 VNNI, AVX-VNNI, AMX) accumulates in 32
bits and does not saturate: there the full 8 bits are kept, which is more precise.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

VNNI_FLAGS = frozenset({"avx512_vnni", "avx_vnni", "amx_int8"})


@cache
def cpu_flags() -> frozenset[str]:
    """The flags of this machine's CPU (``/proc/cpuinfo``; empty where there is none)."""
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    for line in lines:
        if line.startswith("flags"):
            return frozenset(line.split(":", 1)[1].split())
    return frozenset()


def int8_weight_bits(flags: Iterable[str] | None = None) -> int:
    """8 on a CPU with VNNI, else 7 (see the module docstring)."""
    return 8 if VNNI_FLAGS & set(cpu_flags() if flags is None else flags) else 7
