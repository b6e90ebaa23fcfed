"""``assistant model install``: pinned wheels reassembled into one verified GGUF."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.generation.local import catalog
from assistant.generation.local.install import (
    install,
    installed_models,
    licence_path,
    model_path,
    verify_file,
)
from core.errors import LocalModelError

PARTS = [b"GGUF" + b"\x01" * 1000, b"\x02" * 777, b"\x03" * 5]


def _wheel(folder: Path, i: int, data: bytes) -> Path:
    """A minimal wheel of distribution ``fake-model-part<i>`` holding data/part0<i>.bin."""
    pkg = f"fake_model_part{i}"
    path = folder / f"{pkg}-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{pkg}/__init__.py", "")
        z.writestr(f"{pkg}/data/part{i:02d}.bin", data)
        z.writestr(
            f"{pkg}-0.1.0.dist-info/METADATA",
            f"Metadata-Version: 2.1\nName: fake-model-part{i}\nVersion: 0.1.0\n",
        )
        z.writestr(
            f"{pkg}-0.1.0.dist-info/WHEEL",
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        )
        z.writestr(f"{pkg}-0.1.0.dist-info/RECORD", "")
    return path


@pytest.fixture
def fake_spec(tmp_path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    paths = [_wheel(wheels, i, data) for i, data in enumerate(PARTS, start=1)]
    whole = b"".join(PARTS)
    spec = catalog.LocalModelSpec(
        name="fake-model",
        label="Fake-1B",
        filename="fake-model.gguf",
        size=len(whole),
        sha256=hashlib.sha256(whole).hexdigest(),
        package_prefix="fake-model-part",
        version="0.1.0",
        wheel_sha256=tuple(hashlib.sha256(p.read_bytes()).hexdigest() for p in paths),
        licence="Fake licence notice\n",
    )
    return spec, wheels


def test_install_reassembles_checks_and_records(fake_spec, tmp_path):
    spec, wheels = fake_spec
    steps = []
    path = install(spec, tmp_path / "models", wheel_dir=wheels, progress=lambda *a: steps.append(a))
    assert path == model_path(spec, tmp_path / "models")
    assert path.read_bytes() == b"".join(PARTS)
    assert licence_path(spec, tmp_path / "models").read_text() == "Fake licence notice\n"
    assert ("assemble", 3, 3) in steps
    assert not list(path.parent.glob("*.partial"))
    verify_file(spec, path)  # does not raise


def test_a_wheel_whose_hash_differs_from_the_pin_is_refused(fake_spec, tmp_path):
    spec, wheels = fake_spec
    bad = replace(spec, wheel_sha256=(spec.wheel_sha256[0], "0" * 64, spec.wheel_sha256[2]))
    with pytest.raises(LocalModelError, match="下载模型分卷失败"):
        install(bad, tmp_path / "models", wheel_dir=wheels)
    assert not model_path(spec, tmp_path / "models").exists()


def test_a_reassembled_file_that_differs_from_the_pin_is_discarded(fake_spec, tmp_path):
    spec, wheels = fake_spec
    bad = replace(spec, sha256="f" * 64)
    with pytest.raises(LocalModelError, match="不符，已丢弃"):
        install(bad, tmp_path / "models", wheel_dir=wheels)
    target = model_path(spec, tmp_path / "models")
    assert not target.exists() and not list(target.parent.glob("*"))[:0]


def test_a_tampered_file_is_refused_and_reinstalled(fake_spec, tmp_path):
    spec, wheels = fake_spec
    path = install(spec, tmp_path / "models", wheel_dir=wheels)
    path.write_bytes(b"GGUF" + b"\x09" * (spec.size - 4))  # same size, other bytes
    with pytest.raises(LocalModelError, match="sha256"):
        verify_file(spec, path)
    path.write_bytes(b"short")
    with pytest.raises(LocalModelError, match="文件大小"):
        verify_file(spec, path)
    install(spec, tmp_path / "models", wheel_dir=wheels)  # a damaged file is replaced
    verify_file(spec, path)


def test_installed_models_lists_what_is_there(tmp_path):
    assert installed_models(tmp_path) == []
    spec = catalog.QWEN_05B
    target = model_path(spec, tmp_path)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"x" * 10)
    [found] = installed_models(tmp_path)
    assert found.spec.name == "qwen2.5-0.5b" and not found.size_ok


def test_the_catalogue_pins_every_part():
    for spec in catalog.MODELS.values():
        assert len(spec.sha256) == 64 and spec.size > 100_000_000
        assert all(len(d) == 64 for d in spec.wheel_sha256)
        assert spec.parts[0][0].endswith("part1") and "Apache" in spec.licence
    assert catalog.QWEN_15B.sha256.startswith("cc324af0")  # ../shared/OFFLINE.md


def test_cli_install_and_list(fake_spec, tmp_path, monkeypatch):
    from assistant.cli import _mount_commands, app

    spec, wheels = fake_spec
    monkeypatch.setitem(catalog.MODELS, spec.name, spec)
    monkeypatch.setenv("ASSISTANT_MODEL_DIR", str(tmp_path / "own-models"))
    _mount_commands()
    runner = CliRunner()
    done = runner.invoke(app, ["model", "install", "fake-model", "--wheels", str(wheels)])
    assert done.exit_code == 0, done.output
    assert "已安装 Fake-1B" in done.output
    listed = runner.invoke(app, ["model", "list"])
    assert listed.exit_code == 0 and "fake-model" in listed.output and "已安装" in listed.output
    unknown = runner.invoke(app, ["model", "install", "no-such-model"])
    assert unknown.exit_code != 0
