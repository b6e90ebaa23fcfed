"""The llama.cpp that `make install-llama` compiles runs on the machines we are lent.

Sapphire Rapids VMs announce Intel AMX, yet the first `ldtilecfg` of ggml's AMX kernels faults
there (the test process died with a segfault in its first decode: CI, stop 29). The Makefile
compiles llama.cpp for the building CPU with AMX switched off; this checks the build it made.
"""

from __future__ import annotations

import pytest

llama_cpp = pytest.importorskip("llama_cpp")


def test_the_compiled_llama_cpp_leaves_amx_out():
    info = llama_cpp.llama_print_system_info().decode()
    assert "AVX2 = 1" in info or "NEON = 1" in info, info  # a real CPU build, not a stub
    assert "AMX_INT8 = 1" not in info, (
        f"llama.cpp was compiled with AMX (make install-llama): {info}"
    )
