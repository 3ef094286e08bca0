"""The stages import one way: openapi <- render <- serve; openapi <- diff; openapi <- publish.

Read from the source with `ast` (lazy imports inside functions count too), so a new
import that turns a stage around, or closes a cycle, fails here rather than in review.
An import by string counts too: `importlib.import_module("x")` and `__import__("x")` with a
literal name are imports like any other.

The generator is apart from the app it serves: nothing in codegen imports a module of
src/ by name (`users`, `utils`, `hello`, ...). `serve` alone may import what the generator
rendered there (`generated.*`): the route table, the validators, the runtime.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "codegen"
# The app's top-level packages (the Lambda's code root, `CodeUri: src/`).
APP_PACKAGES = frozenset(
    path.stem if path.is_file() else path.name
    for path in (ROOT / "src").iterdir()
    if (path.is_dir() and (path / "__init__.py").exists()) or path.suffix == ".py"
)
RENDERED_PACKAGE = "generated"

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


RUNS_RENDERED_CODE = frozenset({"serve", "smoke"})
# Plain Python copied verbatim into src/generated/ (render/python/runtime.py): Lambda code.
LAMBDA_RUNTIME_SOURCES = "codegen.render.python.lambda_runtime."


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level `NAME = "text"` assignments (`import_module(MODULE_NAME)` is literal too)."""
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            found.update((t.id, value.value) for t in targets if isinstance(t, ast.Name))
    return found


def _string_import(node: ast.AST, constants: Mapping[str, str] | None = None) -> str | None:
    """The literal name of `importlib.import_module("x")`, `import_module("x")` or
    `__import__("x")`, or of a module constant holding it; None for anything else (a name
    computed at run time included)."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    function = node.func
    called = (
        function.attr
        if isinstance(function, ast.Attribute)
        else function.id
        if isinstance(function, ast.Name)
        else None
    )
    if called not in ("import_module", "__import__"):
        return None
    first = node.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    if isinstance(first, ast.Name) and constants is not None:
        return constants.get(first.id)
    return None


def _all_imports(path: Path) -> Iterator[str]:
    """Every module name `path` imports, by statement or by literal string (a `from
    package import name` also counts as `package.name`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = _constants(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        else:
            name = _string_import(node, constants)
            if name is not None:
                yield name


def _imports(module: str) -> Iterator[str]:
    """The codegen modules `module` imports."""
    for name in _all_imports(MODULES[module]):
        if name in MODULES and name != module and name.startswith("codegen."):
            yield name


def _app_imports(module: str) -> Iterator[str]:
    """The app's modules (src/) `module` imports by name."""
    for name in _all_imports(MODULES[module]):
        if name.split(".")[0] in APP_PACKAGES:
            yield name


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


GRAPH = {module: sorted(set(_imports(module))) for module in MODULES}


def test_string_imports_are_read() -> None:
    source = (
        "import importlib\n"
        "from importlib import import_module\n"
        "importlib.import_module('codegen.publish.docs_page')\n"
        "import_module('utils.dynamodb')\n"
        "__import__('generated.routes')\n"
        "MODULE = 'codegen.serve.app'\n"
        "importlib.import_module(MODULE)\n"
        "importlib.import_module(computed)\n"
    )
    tree = ast.parse(source)
    constants = _constants(tree)
    found = [_string_import(node, constants) for node in ast.walk(tree)]
    assert [name for name in found if name is not None] == [
        "codegen.publish.docs_page",
        "utils.dynamodb",
        "generated.routes",
        "codegen.serve.app",
    ]


def test_the_app_packages_are_known() -> None:
    assert {"generated", "utils", "users", "hello"} <= APP_PACKAGES


@pytest.mark.parametrize("module", sorted(MODULES))
def test_the_generator_imports_no_app_module_by_name(module: str) -> None:
    """Only the tools that run the rendered code (serve, smoke) may import the rendered
    modules (`generated.*`), and the Lambda run-time sources, which are copied into
    src/generated/ and run there; nobody imports the app's own."""
    runs_rendered_code = _stage(module) in RUNS_RENDERED_CODE or module.startswith(
        LAMBDA_RUNTIME_SOURCES
    )
    allowed = (RENDERED_PACKAGE,) if runs_rendered_code else ()
    wrong = [name for name in _app_imports(module) if name.split(".")[0] not in allowed]
    assert not wrong, f"{module} imports the app's {wrong} (src/): codegen stays apart from it"


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
