"""A model folder built by an older recipe is started over, the benchmarks' graphs included."""

from __future__ import annotations

from index.models import e5_convert, onnx_export


def test_a_stale_folder_is_started_over_bench_graphs_too(monkeypatch, tmp_path):
    converted = tmp_path / "converted"
    converted.mkdir()
    (converted / "tokenizer.json").write_text("{}")
    monkeypatch.setattr(e5_convert, "ensure_converted", lambda models_dir: converted)
    monkeypatch.setattr(
        onnx_export, "_build", lambda variant, dest, *rest: dest.write_bytes(b"new")
    )
    folder = tmp_path / onnx_export.FOLDER_NAME
    folder.mkdir()
    (folder / "export.json").write_text('{"export_version": 1}')
    for name in ("model-int8-smooth.onnx", "model-fused.onnx", "bench-int8-per-tensor.onnx"):
        (folder / name).write_bytes(b"old")
    building = folder / ".model-int8.building-x.onnx"  # another process's build in flight
    building.write_bytes(b"half")

    path = onnx_export.ensure_onnx(tmp_path, "int8-smooth")

    assert path.read_bytes() == b"new"
    assert not (folder / "model-fused.onnx").exists()
    assert not (folder / "bench-int8-per-tensor.onnx").exists()  # made from the old fused graph
    assert building.read_bytes() == b"half"
    stamp = onnx_export._read_json(folder / "export.json")
    assert stamp["export_version"] == onnx_export.EXPORT_VERSION
