"""The Chinese prompt templates (``prompts/*.txt``) and the one function that fills them.

Templates use ``$name`` placeholders (``string.Template``) and hold no logic: every
variable must be given, and every variable given must be used.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

from core.errors import PromptError

PROMPTS_DIR = Path(__file__).resolve().parent


@cache
def _template(name: str) -> Template:
    path = PROMPTS_DIR / f"{name}.txt"
    if not name.isidentifier() or not path.is_file():
        raise PromptError(f"no prompt template named {name!r} in {PROMPTS_DIR}")
    template = Template(path.read_text(encoding="utf-8"))
    if not template.is_valid():
        raise PromptError(f"prompt template {path.name} has a malformed $placeholder")
    return template


SKELETONS_DIR = PROMPTS_DIR / "skeletons"


def skeleton_names() -> list[str]:
    """The 文种 whose section skeletons are in ``prompts/skeletons/`` (调研报告, 工作总结 …)."""
    return sorted(p.stem for p in SKELETONS_DIR.glob("*.txt"))


def skeleton(genre: str) -> list[str]:
    """The 一、-level section headings of a 文种, one per line of ``skeletons/<genre>.txt``."""
    path = SKELETONS_DIR / f"{genre}.txt"
    if "/" in genre or "\\" in genre or not path.is_file():
        raise PromptError(f"没有文种“{genre}”的提纲模板；可选：{'、'.join(skeleton_names())}")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def render(name: str, **variables: str) -> str:
    """``prompts/<name>.txt`` with every ``$variable`` replaced; strict both ways."""
    template = _template(name)
    wanted = set(template.get_identifiers())
    missing = sorted(wanted - variables.keys())
    if missing:
        raise PromptError(f"prompt {name!r} needs variable(s) {', '.join(missing)}")
    unknown = sorted(variables.keys() - wanted)
    if unknown:
        raise PromptError(f"prompt {name!r} has no variable(s) {', '.join(unknown)}")
    return template.substitute(variables).strip() + "\n"
