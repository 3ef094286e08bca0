"""render/python/stubs.py: one stub module per handler module, package `__init__.py`s on the way."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from codegen.openapi.parser import build_api
from codegen.render.python.stubs import render_stubs

SPEC = Path("openapi.yaml")


def _operation(operation_id: str, **extra: Any) -> dict[str, Any]:
    return {"operationId": operation_id, "responses": {"200": {"description": "ok"}}, **extra}


DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "T", "version": "1"},
    "paths": {
        "/pets": {
            "get": _operation("listPets", tags=["pets"]),
            "post": _operation("createPet", **{"x-handler": "shop.pets.api.create"}),
        },
        "/pets/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "delete": _operation("deletePet", **{"x-handler": "shop.pets.api.remove"}),
        },
        "/ping": {"get": _operation("ping")},
    },
}


def test_one_module_per_handler_module_and_each_package_init() -> None:
    files = render_stubs(build_api(DOCUMENT, SPEC))
    assert sorted(path.as_posix() for path in files) == [
        "src/pets/__init__.py",
        "src/pets/list_pets.py",
        "src/ping.py",
        "src/shop/__init__.py",
        "src/shop/pets/__init__.py",
        "src/shop/pets/api.py",
    ]


def test_a_shared_module_holds_each_of_its_operations_handler() -> None:
    files = render_stubs(build_api(DOCUMENT, SPEC))
    tree = ast.parse(files[Path("src/shop/pets/api.py")])
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert {"create", "remove"} <= functions
    source = files[Path("src/shop/pets/api.py")]
    assert "generated.operations.create_pet" in source
    assert "generated.operations.delete_pet" in source


def test_stubs_are_valid_python_and_answer_501() -> None:
    for path, text in render_stubs(build_api(DOCUMENT, SPEC)).items():
        ast.parse(text, filename=str(path))
        if path.name != "__init__.py":
            assert "501" in text, path
