"""The int8 graph is built for the CPU it runs on: 8-bit weights with VNNI, 7-bit without,
and the build stamp records the choice so a model folder moved to another CPU is rebuilt."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.models import cpu, onnx_export


@pytest.mark.parametrize(
    ("flags", "bits"),
    [
        ({"avx2", "fma"}, 7),  # AMD Zen 3, older Intel: vpmaddubsw saturates with 8 bits
        ({"avx2", "avx512f", "avx512bw"}, 7),  # AVX-512 without VNNI
        ({"avx2", "avx512f", "avx512_vnni"}, 8),
        ({"avx2", "avx_vnni"}, 8),  # AVX-VNNI (Alder Lake and later)
        ({"amx_int8", "avx512_vnni"}, 8),
        (set(), 7),
    ],
)
def test_weight_bits_follow_the_cpu_flags(flags, bits):
    assert cpu.int8_weight_bits(flags) == bits


def test_this_machine_s_flags_are_read():
    flags = cpu.cpu_flags()
    if Path("/proc/cpuinfo").exists():
        assert "fpu" in flags or "sse2" in flags  # every x86_64 CPU lists these
    assert cpu.int8_weight_bits() == (8 if cpu.VNNI_FLAGS & flags else 7)


def _pretend(monkeypatch, flags: set[str]) -> None:
    monkeypatch.setattr(cpu, "cpu_flags", lambda: frozenset(flags))


def test_build_quantises_with_the_cpu_s_weight_bits(monkeypatch, tmp_path):
    from index.models import smoothquant

    calls = []
    monkeypatch.setattr(smoothquant, "load_stats", lambda: {})
    monkeypatch.setattr(smoothquant, "smooth", lambda src, dest, stats: dest.write_bytes(b"s"))
    monkeypatch.setattr(
        onnx_export, "quantize_int8", lambda src, dest, **kw: calls.append(kw) or dest.touch()
    )
    (tmp_path / onnx_export.FILES["fused"]).write_bytes(b"fused")
    for flags, reduce_range in (({"avx2"}, True), ({"avx2", "avx512_vnni"}, False)):
        _pretend(monkeypatch, flags)
        dest = tmp_path / f"out-{reduce_range}.onnx"
        onnx_export._build("int8-smooth", dest, tmp_path, tmp_path, tmp_path)
        assert calls[-1] == {"reduce_range": reduce_range}


def test_the_stamp_records_the_choice(monkeypatch, tmp_path):
    _pretend(monkeypatch, {"avx2"})
    avx2 = onnx_export._stamp(tmp_path)
    _pretend(monkeypatch, {"avx2", "avx512_vnni"})
    vnni = onnx_export._stamp(tmp_path)
    assert (avx2["int8_weight_bits"], vnni["int8_weight_bits"]) == (7, 8)
    assert avx2 != vnni  # so ensure_onnx starts the folder over on the other CPU
