"""Which handlers are still the stub `python -m codegen` created (validate, then 501), and
which Lambda authorizers still call only the verification stubs it created (refuse all).

A handler is a stub when its function's code is the one the stub template renders for it
today, docstrings aside: the module is parsed, never imported (a half-written backend may
not even import). Once somebody changes the function, it is theirs and serves for real.
"""

from __future__ import annotations

import ast
from pathlib import Path

from codegen.openapi.model import Api, Operation
from codegen.render.python.authorizers import render_authorizer_stubs
from codegen.render.python.stubs import SOURCE_ROOT, render_stubs

VERIFY_FUNCTION = "verify"


def stub_operations(api: Api, root: Path) -> list[Operation]:
    """The operations whose handler function is unchanged from its generated stub."""
    rendered = render_stubs(api)
    stubs = []
    for operation in api.operations:
        relative = SOURCE_ROOT / operation.handler.relative_path
        source = root / relative
        if not source.is_file():
            continue
        try:
            actual = _function(source.read_text(encoding="utf-8"), operation.handler.function)
        except SyntaxError:
            continue
        expected = _function(rendered[relative], operation.handler.function)
        if actual is not None and actual == expected:
            stubs.append(operation)
    return stubs


def stub_authorizers(api: Api, root: Path) -> frozenset[str]:
    """The Lambda authorizers every one of whose verification functions is unchanged from
    its generated stub (which refuses everyone)."""
    rendered = render_authorizer_stubs(api)
    unfilled: set[str] = set()
    for relative, text in rendered.items():
        source = root / relative
        if relative.name == "__init__.py" or not source.is_file():
            continue
        try:
            actual = _function(source.read_text(encoding="utf-8"), VERIFY_FUNCTION)
        except SyntaxError:
            continue
        if actual is not None and actual == _function(text, VERIFY_FUNCTION):
            unfilled.add(relative.stem)
    return frozenset(
        authorizer.name
        for authorizer in api.authorizers
        if all(c.python_name in unfilled for c in authorizer.credentials)
    )


def _function(source: str, name: str) -> str | None:
    """The function `name` of `source` as an AST dump without its docstring, or None."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                body = body[1:]
            return ast.dump(ast.Module(body=body, type_ignores=[]))
    return None
