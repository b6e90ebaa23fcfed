"""The tree reads as the architecture: no import cycles among modules or packages, small
modules, and no handler that catches everything and carries on.

Imports are read from the source (``ast``), function-level ones included, so a cycle hidden
in a function body counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "index", "assistant", "evals", "prompts")
CHECKED = (*PACKAGES, "benchmarks", "tests")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    mods = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            name = ".".join(path.relative_to(REPO).with_suffix("").parts)
            mods[name.removesuffix(".__init__")] = path
    return mods


def _resolve(name: str, mods: dict[str, Path]) -> str | None:
    while name and name not in mods:
        name = name.rpartition(".")[0]
    return name or None


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (absolute imports; the project uses no others)."""
    mods = _modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for module, path in mods.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # ``from pkg import submodule`` depends on the submodule; ``from pkg import
                # name`` on the module (or package ``__init__``) that defines the name.
                for a in node.names:
                    sub = f"{node.module}.{a.name}"
                    targets.append(sub if sub in mods else node.module)
            for target in targets:
                found = _resolve(target, mods)
                if found and found != module:
                    graph[module].add(found)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def test_cycle_finder_finds_a_planted_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_among_modules():
    graph = import_graph()
    assert len(graph) > 100
    assert cycles(graph) == []


def test_no_import_cycle_among_packages():
    packages: dict[str, set[str]] = {p: set() for p in PACKAGES}
    for module, targets in import_graph().items():
        for target in targets:
            a, b = module.split(".")[0], target.split(".")[0]
            if a != b:
                packages[a].add(b)
    assert cycles(packages) == []
    assert "evals" not in packages["assistant"]  # `assistant eval` is an entry-point plugin
    assert packages["core"] <= set()  # everything stands on core, core on nothing of ours


def test_no_module_over_the_size_limit():
    long = {
        str(p.relative_to(REPO)): n
        for d in CHECKED
        for p in (REPO / d).rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def _catches_all(handler: ast.ExceptHandler) -> bool:
    names = []
    if handler.type is None:
        return True
    for node in ast.walk(handler.type):
        if isinstance(node, ast.Name):
            names.append(node.id)
    return bool({"Exception", "BaseException"} & set(names))


def _reports(handler: ast.ExceptHandler) -> bool:
    """The handler raises, or logs the exception with its traceback (``log.exception``)."""
    for node in (n for b in handler.body for n in ast.walk(b)):
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, ast.Attribute) and node.attr == "exception":
            return True
    return False


def test_no_catch_all_handler_that_carries_on():
    """``except Exception`` only to translate into our error, to clean up, or to isolate one
    file of a batch with its traceback logged: never to carry on silently."""
    swallowing = []
    for d in PACKAGES + ("benchmarks",):
        for path in (REPO / d).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.ExceptHandler)
                    and _catches_all(node)
                    and not _reports(node)
                ):
                    swallowing.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert swallowing == ["benchmarks/concurrency.py:74"]  # counts each failed request
