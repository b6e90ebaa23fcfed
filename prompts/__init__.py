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
