"""The environment the suite runs in is the locked one (requirements.lock, `make lock`)."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)$")


def _locked() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        m = PIN.match(line.strip())
        if m:
            pins[canonicalize_name(m.group(1))] = m.group(2)
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    return [Requirement(r) for r in reqs]


def test_lock_covers_every_declared_dependency_within_its_range():
    locked = _locked()
    assert len(locked) > 50
    for req in _declared():
        name = canonicalize_name(req.name)
        assert name in locked, f"{req.name} is declared in pyproject.toml but not locked"
        assert req.specifier.contains(locked[name], prereleases=True), (
            f"{req.name}=={locked[name]} in requirements.lock is outside pyproject's {req}"
        )


def test_installed_versions_are_the_locked_ones():
    locked = _locked()
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    drift = {
        name: (installed[name], version)
        for name, version in locked.items()
        if name in installed and installed[name] != version
    }
    assert drift == {}, f"installed != locked (run `make install-dev`): {drift}"
    # what the suite needs is really there
    for name in ("gradio", "chromadb", "torch", "playwright", "pytest", "llama-cpp-python"):
        assert name in installed, f"{name} is locked but not installed"
