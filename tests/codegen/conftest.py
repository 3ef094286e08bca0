"""Fixtures for the generator's tests (helpers live in helpers.py)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from codegen.openapi.parser import parse_api
from tests.codegen.helpers import SPECS, copy_spec, generate, load_operations


def _generated_operations(directory: Path, spec_name: str) -> dict[str, ModuleType]:
    spec = copy_spec(SPECS / spec_name, directory)
    generate(spec)
    names = [op.python_name for op in parse_api(spec).operations]
    return load_operations(directory / "src", names)


@pytest.fixture(scope="session")
def catalog_ops(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ModuleType]:
    """The generated validators of specs/catalog.yaml, by python_name."""
    return _generated_operations(tmp_path_factory.mktemp("catalog"), "catalog.yaml")


@pytest.fixture(scope="session")
def petstore_ops(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ModuleType]:
    return _generated_operations(tmp_path_factory.mktemp("petstore"), "petstore-expanded.yaml")
