"""A small spec rendered into its own project folder, for tests that serve it.

Its handlers import as `generated.*`, the package name the checkout's own rendered code
has too: while the folder is in use, the checkout's modules step aside, and come back after.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.codegen.helpers import generate, generated_package
from tests.serve.test_mock import forget_modules_under


@contextmanager
def rendered_project(folder: Path, spec: dict[str, Any]) -> Iterator[Path]:
    """`spec` rendered in `folder`, its `generated` package the one imported meanwhile."""
    (folder / "openapi.yaml").write_text(json.dumps(spec), encoding="utf-8")
    generate(folder / "openapi.yaml")
    try:
        with generated_package(folder / "src"):
            yield folder
    finally:
        forget_modules_under(folder)
