"""A small spec rendered into its own project folder, for tests that serve it.

Its handlers import as `generated.*`, the package name the checkout's own rendered code
has too: while the folder is in use, the checkout's modules step aside, and come back after.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from codegen.openapi.parser import parse_api
from codegen.render.collect import render_all, write
from tests.serve.test_mock import forget_modules_under

PACKAGE = "generated"


def _rendered_modules() -> dict[str, Any]:
    return {
        name: module
        for name, module in sys.modules.items()
        if name == PACKAGE or name.startswith(PACKAGE + ".")
    }


@contextmanager
def rendered_project(folder: Path, spec: dict[str, Any]) -> Iterator[Path]:
    """`spec` rendered in `folder`, its `generated` package the one imported meanwhile."""
    (folder / "openapi.yaml").write_text(json.dumps(spec), encoding="utf-8")
    write(folder, render_all(parse_api(folder / "openapi.yaml")))
    saved = _rendered_modules()
    for name in saved:
        del sys.modules[name]
    try:
        yield folder
    finally:
        forget_modules_under(folder)
        for name in _rendered_modules():
            del sys.modules[name]
        sys.modules.update(saved)
