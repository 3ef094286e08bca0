"""Our code uses other libraries through their public APIs only (issue 22).

A private attribute (a leading `_`) of another library, or of the standard library, may
change or vanish in any release, a patch release included, and nothing says so until the
code breaks (moto 5.2.6 did exactly that to the embedded DynamoDB). This test reads the
source with `ast` and fails on each new use of one in our code (`codegen/`, `src/`,
`ops/`, `tests/support/`):

- an attribute access `x._name` (reading, writing or deleting), whoever `x` is, unless
  `_name` is a name our own code defines (a function, class or module-level name, or an
  attribute it assigns on `self`/`cls`): `self._read_buf` in a subclass of a library's
  class is that library's private state as much as `reader._read_buf` is;
- `from lib import _name`, and importing a private module (`import _json`, `_pyio`);
- the same by name: `getattr`/`setattr`/`delattr(x, "_name")`, `monkeypatch.setattr(x,
  "_name", ...)`, and `mock.patch("lib._name")` / `monkeypatch.setattr("lib._name", ...)`;
- patching another library's module globals, public or not: `lib.NAME = ...`,
  `del lib.NAME`, `lib.NAME[key] = ...`, `lib.NAME.append(...)` (and the other mutating
  methods), `setattr(lib, ...)` / `monkeypatch.setattr(lib, ...)` / `vars(lib)` on a
  module imported from a library. `os.environ` and `sys.path` are meant to be changed
  (MUTABLE_GLOBALS).

Dunder names (`__init__`, `__dict__`) are the language's protocols, not private. Nothing is
allowed silently: every exception is in `ALLOWED` with its reason.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("codegen", "src", "ops", "tests/support")
# Where our own definitions live (a private name defined here is ours, wherever it is used).
OURS = (*SCANNED, "tests", "bench")
# Our own top-level packages: importing their private names is not another library's.
OUR_PACKAGES = frozenset({"codegen", "generated", "utils", "users", "hello", "ops", "tests"})

# Names that start with `_` and are nevertheless a library's documented public API, and
# the rare use we accept; each with its reason. A use is (file, name).
ALLOWED: dict[tuple[str, str], str] = {}
# Public by documentation although they start with an underscore, wherever they are used.
PUBLIC_NAMES: dict[str, str] = {
    "_exit": "os._exit is documented (os module: 'Process Management')",
    "_replace": "namedtuple's documented method",
    "_asdict": "namedtuple's documented method",
    "_fields": "namedtuple's documented attribute",
    "_make": "namedtuple's documented classmethod",
    "_typeshed": "typeshed's stub-only package, documented for imports under TYPE_CHECKING",
}


# Library globals documented as the way to configure what they hold.
MUTABLE_GLOBALS: dict[str, str] = {
    "os.environ": "the process environment, documented as a mapping to change",
    "sys.path": "the import path, documented as a list programs may modify",
}
MUTATORS = frozenset(
    {"append", "extend", "insert", "remove", "pop", "clear", "update", "setdefault", "add"}
    | {"discard", "register", "register_first", "register_last", "unregister"}
)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _python_files(folders: tuple[str, ...]) -> Iterator[Path]:
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "__pycache__" not in path.parts:
                yield path


def _defined_names(tree: ast.AST) -> Iterator[str]:
    """The private names a module of ours defines."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id
        elif isinstance(node, ast.arg):
            yield node.arg
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id in ("self", "cls")
        ):
            yield node.attr
        elif isinstance(node, ast.alias) and node.asname:
            yield node.asname


def _our_names() -> frozenset[str]:
    names: set[str] = set()
    for path in _python_files(OURS):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names.update(name for name in _defined_names(tree) if _is_private(name))
    return frozenset(names)


OUR_NAMES = _our_names()


@dataclass(frozen=True)
class Use:
    path: str
    line: int
    name: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _is_ours(module: str) -> bool:
    return module.split(".")[0] in OUR_PACKAGES


def _private_in_dotted(dotted: str) -> str | None:
    """The first private component of `lib.mod._name` that is not ours, if any."""
    parts = dotted.split(".")
    if _is_ours(dotted):
        return None
    return next((p for p in parts if _is_private(p) and p not in PUBLIC_NAMES), None)


def _library_modules(tree: ast.AST) -> dict[str, str]:
    """Local name -> its library's dotted name, for every `import lib[.mod] [as name]` and
    `from lib import NAME [as name]` of a library (a class or a global imported by name is
    still that library's)."""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not _is_ours(node.module) and node.module != "__future__":
                for alias in node.names:
                    found[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if not _is_ours(alias.name):
                    if alias.asname:
                        found[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        found[top] = top
    return found


def _dotted(node: ast.AST) -> str | None:
    """`a.b.c` for an attribute chain on a name, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def _library_global(node: ast.AST, modules: dict[str, str]) -> str | None:
    """`lib.mod.NAME` (an attribute of an imported library module), by its full name."""
    dotted = _dotted(node)
    if dotted is None:
        return None
    root, dot, rest = dotted.partition(".")
    if root not in modules or (not dot and modules[root] == root):
        return None  # a module itself (`import lib`), not one of its globals
    full = f"{modules[root]}{dot}{rest}"
    return None if full in MUTABLE_GLOBALS else full


def _patches(relative: str, tree: ast.AST) -> Iterator[Use]:
    modules = _library_modules(tree)
    for node in ast.walk(tree):
        target: ast.AST | None = None
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del)):
            target = node
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
            target = node.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MUTATORS
        ):
            target = node.func.value
        elif isinstance(node, ast.Call) and node.args and _called(node) == "vars":
            first = node.args[0]
            name = first.id if isinstance(first, ast.Name) else None
            if name in modules:  # a library module's namespace, to read or rewrite
                yield Use(relative, node.lineno, name, f"vars({modules[name]})")
            continue
        elif isinstance(node, ast.Call) and node.args and _called(node) in ("setattr", "delattr"):
            first = node.args[0]
            name = first.id if isinstance(first, ast.Name) else None
            if name in modules:
                yield Use(relative, node.lineno, name, f"{_called(node)}({modules[name]}, ...)")
            continue
        if target is None:
            continue
        full = _library_global(target, modules)
        if full is not None:
            yield Use(relative, getattr(node, "lineno", 0), full, f"patches {full}")


def _called(call: ast.Call) -> str:
    function = call.func
    if isinstance(function, ast.Attribute):
        return function.attr
    return function.id if isinstance(function, ast.Name) else ""


def _uses(path: Path, root: Path = ROOT) -> Iterator[Use]:
    relative = path.relative_to(root).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    ours = OUR_NAMES | frozenset(_defined_names(tree))
    yield from _patches(relative, tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_private(node.attr):
            if node.attr not in ours and node.attr not in PUBLIC_NAMES:
                yield Use(relative, node.lineno, node.attr, f"attribute {node.attr}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                private = _private_in_dotted(alias.name)
                if private is not None:
                    yield Use(relative, node.lineno, private, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if _is_ours(node.module):
                continue
            private = _private_in_dotted(node.module)
            if private is not None:
                yield Use(relative, node.lineno, private, f"from {node.module} import")
            for alias in node.names:
                if _is_private(alias.name) and alias.name not in PUBLIC_NAMES:
                    what = f"from {node.module} import {alias.name}"
                    yield Use(relative, node.lineno, alias.name, what)
        elif isinstance(node, ast.Call):
            yield from _by_name(relative, node, ours)


def _by_name(relative: str, call: ast.Call, ours: frozenset[str]) -> Iterator[Use]:
    """getattr/setattr/delattr/monkeypatch.setattr(x, "_name"), patch("lib._name")."""
    function = call.func
    called = (
        function.attr
        if isinstance(function, ast.Attribute)
        else function.id
        if isinstance(function, ast.Name)
        else ""
    )
    literals = [
        arg.value
        for arg in call.args
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    ]
    if called in ("getattr", "setattr", "delattr", "hasattr", "delitem") and len(call.args) >= 2:
        second = call.args[1]
        if isinstance(second, ast.Constant) and isinstance(second.value, str):
            name = second.value
            if _is_private(name) and name not in ours and name not in PUBLIC_NAMES:
                yield Use(relative, call.lineno, name, f"{called}(..., {name!r})")
    if called in ("patch", "setattr", "delattr", "object") and literals and "." in literals[0]:
        private = _private_in_dotted(literals[0])
        if private is not None and private not in ours:
            yield Use(relative, call.lineno, private, f"{called}({literals[0]!r})")


def _is_compiled_check(path: Path) -> bool:
    """src/generated/operations/*.py: fastjsonschema's generated code (see below)."""
    return path.parent.name == "operations" and path.parent.parent.name == "generated"


FILES = [path for path in _python_files(SCANNED)]
FOUND = [use for path in FILES for use in _uses(path)]


def test_the_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    """Each kind of use is found, and our own names and dunders are not."""
    source = """
import _json
import _pyio as io
from cheroot import makefile, _private_helper
from codegen.serve.chaos import _operation
import botocore.handlers

class Reader(io.BufferedReader):
    def __init__(self):
        self._mine = 1
    def read(self):
        return self._read_buf, self._mine, self.__dict__

botocore.handlers._ours_not = 1
getattr(makefile, "_read_pos")
monkeypatch.setattr("moto.core._global", 1)
mock.patch("botocore.handlers.BUILTIN_HANDLERS")
botocore.handlers.BUILTIN_HANDLERS.append(("x", None))
import os, sys, logging as log
os.environ["A"] = "1"
sys.path.insert(0, "src")
log.logThreads = False
monkeypatch.setattr(log, "raiseExceptions", False)
from botocore.handlers import BUILTIN_HANDLERS as handlers
handlers.insert(0, ("before-send", None))
from os import environ
environ.update(A="1")
import moto.dynamodb.models as models
vars(models)["copy"] = None
"""
    module = tmp_path / "sample.py"
    module.write_text(source)
    found = sorted((use.line, use.name) for use in _uses(module, tmp_path))
    assert found == [
        (2, "_json"),
        (3, "_pyio"),
        (4, "_private_helper"),
        (12, "_read_buf"),
        (14, "_ours_not"),
        (14, "botocore.handlers._ours_not"),
        (15, "_read_pos"),
        (16, "_global"),
        (18, "botocore.handlers.BUILTIN_HANDLERS"),
        (22, "logging.logThreads"),
        (23, "log"),
        (25, "botocore.handlers.BUILTIN_HANDLERS"),
        (29, "models"),
    ]


def test_the_scan_covers_our_code() -> None:
    scanned = {path.relative_to(ROOT).parts[0] for path in FILES}
    assert scanned == {"codegen", "src", "ops", "tests"}
    assert len(FILES) > 100


@pytest.mark.parametrize(
    "folder", ["codegen/serve", "codegen", "src", "ops", "tests/support"], ids=str
)
def test_no_private_attribute_of_another_library(folder: str) -> None:
    found = [
        use
        for use in FOUND
        if (use.path == folder or use.path.startswith(folder + "/"))
        and (use.path, use.name) not in ALLOWED
        and not (folder == "codegen" and use.path.startswith("codegen/serve/"))
    ]
    assert not found, "private attributes of other libraries:\n" + "\n".join(map(str, found))


def test_every_allowance_is_still_needed() -> None:
    used = {(use.path, use.name) for use in FOUND}
    stale = sorted(key for key in ALLOWED if key not in used)
    assert not stale, f"allowed but no longer used (remove from ALLOWED): {stale}"
