"""Render handler stubs: created once where the module does not exist, then people's code.

A stub validates the request and answers 501, so a new operation works end to end
(validation, routing, template) before anyone writes its logic. Packages on the way
get an `__init__.py`, also only when missing.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from codegen.openapi.model import Api, Operation
from codegen.render.templating import render

SOURCE_ROOT = Path("src")


def render_stubs(api: Api) -> dict[Path, str]:
    """Every stub module and package `__init__.py` (relative paths); write only if missing."""
    by_module: dict[str, list[Operation]] = defaultdict(list)
    for op in api.operations:
        by_module[op.handler.module].append(op)
    files: dict[Path, str] = {}
    for module, operations in by_module.items():
        relative = SOURCE_ROOT / operations[0].handler.relative_path
        files[relative] = render(
            "handler_stub.py.j2", operations=operations, spec_file=api.spec_path.name
        )
        parts = module.split(".")[:-1]
        for depth in range(1, len(parts) + 1):
            init = SOURCE_ROOT.joinpath(*parts[:depth], "__init__.py")
            package = ".".join(parts[:depth])
            files.setdefault(init, render("handler_package_init.py.j2", package=package))
    return dict(sorted(files.items()))
