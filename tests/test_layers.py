"""The package's layers, as docs/ARCHITECTURE.md draws them, read from the source: every
`import` of src/selstats (top level, inside functions, under TYPE_CHECKING alike) walked as a
graph of modules. No cycle; each layer imports only the layers below it; the access policy
reaches neither Streamlit nor `selstats.ui`, directly or through anything it imports."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Final

import pytest

SRC: Final = Path(__file__).resolve().parents[1] / "src"
PACKAGE: Final = "selstats"

# Layer of each top-level part of the package, bottom first; a module may import its own
# layer and those below (docs/ARCHITECTURE.md, "Layers").
LAYERS: Final = {
    "selstats.domain": 0,
    "selstats.paths": 0,
    "selstats.settings": 1,
    "selstats.i18n": 1,
    "selstats.rules": 2,
    "selstats.reference": 2,
    "selstats.figures": 2,
    "selstats.ingest": 3,
    "selstats.store": 4,
    "selstats.query": 4,
    "selstats.tables": 5,
    "selstats.access": 5,
    "selstats.export": 6,
    "selstats.demo": 6,
    "selstats.alerts": 6,
    "selstats.planner": 6,
    "selstats.ui": 7,
    "selstats.serving": 7,
    "selstats.serve": 8,
    "selstats.cli": 9,
    "selstats.__main__": 9,
    "selstats": 0,  # the package's own __init__ (nothing in it)
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    is_package = modules()[module].name == "__init__.py"
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imports(module: str) -> Iterator[str]:
    tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node)
            # `from selstats.ui import db` imports the module selstats.ui.db; a name that is
            # no module comes from the package (or module) `target` itself
            submodules = [f"{target}.{a.name}" for a in node.names]
            found = [name for name in submodules if name in modules()]
            yield from found
            if len(found) < len(submodules):
                yield target


def _owner(name: str) -> str | None:
    """The package module `name` is, or lives in (`selstats.ui.db.x` -> `selstats.ui.db`)."""
    while name:
        if name in modules():
            return name
        name = name.rpartition(".")[0]
    return None


@cache
def graph() -> dict[str, frozenset[str]]:
    """Module -> the package modules it imports."""
    edges: dict[str, frozenset[str]] = {}
    for module in modules():
        found: set[str] = set()
        for name in _imports(module):
            if name == PACKAGE or name.startswith(f"{PACKAGE}."):
                owner = _owner(name)
                if owner is not None and owner != module:
                    found.add(owner)
        edges[module] = frozenset(found)
    return edges


@cache
def externals(module: str) -> frozenset[str]:
    """The top-level names of what `module` imports from outside the package."""
    return frozenset(
        name.split(".")[0]
        for name in _imports(module)
        if name and name != PACKAGE and not name.startswith(f"{PACKAGE}.")
    )


def reachable(start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph()[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def layer(module: str) -> int:
    for prefix in sorted(LAYERS, key=len, reverse=True):
        if module == prefix or module.startswith(f"{prefix}."):
            return LAYERS[prefix]
    raise AssertionError(f"{module} is in no layer: add it to LAYERS and docs/ARCHITECTURE.md")


def _find_cycle() -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph()[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph()):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_walk_sees_the_imports() -> None:
    """The walker itself: known edges are found, lazy imports inside functions too."""
    assert "selstats.access.users" in graph()["selstats.access.login"]
    assert "selstats.ui.db" in graph()["selstats.ui.demo_role"]
    assert "selstats.access.audit" in graph()["selstats.cli"]  # imported inside _purge
    assert "streamlit" in externals("selstats.ui.login")


def test_no_import_cycle() -> None:
    cycle = _find_cycle()
    assert cycle is None, " -> ".join(cycle or [])


def test_every_module_has_a_layer() -> None:
    for module in modules():
        layer(module)


@pytest.mark.parametrize("module", sorted(modules()))
def test_a_module_imports_only_its_layer_and_below(module: str) -> None:
    upward = sorted(m for m in graph()[module] if layer(m) > layer(module))
    assert upward == [], f"{module} (layer {layer(module)}) imports {upward}"


def test_the_access_policy_imports_no_streamlit_and_no_ui() -> None:
    policy = [m for m in modules() if m == "selstats.access" or m.startswith("selstats.access.")]
    assert len(policy) >= 8
    for module in policy:
        reached = reachable(module) | {module}
        ui = sorted(m for m in reached if m.startswith("selstats.ui"))
        assert ui == [], f"{module} reaches {ui}"
        streamlit = sorted(m for m in reached if "streamlit" in externals(m))
        assert streamlit == [], f"{module} imports streamlit through {streamlit}"


def test_the_access_policy_imports_without_streamlit_at_run_time() -> None:
    """The same, as Python sees it: importing every access module in a fresh interpreter
    loads neither streamlit nor selstats.ui."""
    import subprocess
    import sys

    names = [m for m in modules() if m.startswith("selstats.access")]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'"
        " or m.startswith('selstats.ui'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == ""
