"""The stages import one way: openapi <- render <- serve; openapi <- diff; openapi <- publish.

Read from the source with `ast` (lazy imports inside functions count too), so a new
import that turns a stage around, or closes a cycle, fails here rather than in review.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "codegen"

# What each stage may import from codegen besides itself.
ALLOWED: dict[str, frozenset[str]] = {
    "openapi": frozenset(),
    "render": frozenset({"openapi"}),
    "diff": frozenset({"openapi"}),
    "publish": frozenset({"openapi"}),
    "serve": frozenset({"openapi", "render"}),
    # The pre-traffic check run here: the local handlers on serve's storage, its credentials.
    "smoke": frozenset({"openapi", "serve"}),
    # The command line dispatches to every stage.
    "cli": frozenset({"openapi", "render", "serve", "diff", "publish", "smoke"}),
    "__main__": frozenset({"cli"}),
    "__init__": frozenset(),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(module: str) -> Iterator[str]:
    """The codegen modules `module` imports (a `from package import name` of a submodule
    counts as that submodule)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            names += [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name in MODULES and name != module and name.startswith("codegen."):
                yield name


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


GRAPH = {module: sorted(set(_imports(module))) for module in MODULES}


def test_the_graph_is_read() -> None:
    assert "codegen.openapi.parser" in GRAPH["codegen.render.collect"] or any(
        target.startswith("codegen.openapi.") for target in GRAPH["codegen.render.collect"]
    )
    assert "codegen.openapi.errors" in GRAPH["codegen.openapi.parser"]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_stage_imports_only_the_stages_before_it(module: str) -> None:
    stage = _stage(module)
    allowed = ALLOWED[stage] | {stage}
    wrong = [target for target in GRAPH[module] if _stage(target) not in allowed]
    assert not wrong, f"{module} ({stage}) imports {wrong}; allowed stages: {sorted(allowed)}"


def test_no_import_cycles() -> None:
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        if module in path:
            cycle = " -> ".join((*path[path.index(module) :], module))
            pytest.fail(f"import cycle: {cycle}")
        if module in done:
            return
        for target in GRAPH[module]:
            # A package's __init__ re-exporting its own modules is not a cycle.
            if not target.startswith(f"{module}."):
                visit(target, (*path, module))
        done.add(module)

    for module in sorted(GRAPH):
        visit(module, ())
