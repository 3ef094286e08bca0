"""render/python/routes.py: the route table, one Route per operation, in spec order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codegen.openapi.parser import build_api
from codegen.render.python.routes import ROUTES_FILE, render_routes

DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "T", "version": "1"},
    "paths": {
        "/b": {
            "post": {"operationId": "makeB", "responses": {"201": {"description": "made"}}},
            "get": {
                "operationId": "readB",
                "tags": ["things"],
                "responses": {"200": {"description": "ok"}},
            },
        },
        "/a": {
            "get": {
                "operationId": "readA",
                "x-handler": "custom.place.fn",
                "responses": {"200": {"description": "ok"}},
            }
        },
    },
}


def test_the_table_lists_every_operation_in_spec_order() -> None:
    files = render_routes(build_api(DOCUMENT, Path("api.yaml")))
    assert list(files) == [ROUTES_FILE]
    namespace: dict[str, Any] = {}
    exec(compile(files[ROUTES_FILE], str(ROUTES_FILE), "exec"), namespace)
    assert namespace["SPEC_FILE"] == "api.yaml"
    found = [
        (r.method, r.path, r.operation_id, r.handler, r.operation_module)
        for r in namespace["ROUTES"]
    ]
    assert found == [
        ("POST", "/b", "makeB", "make_b.handler", "generated.operations.make_b"),
        ("GET", "/b", "readB", "things.read_b.handler", "generated.operations.read_b"),
        ("GET", "/a", "readA", "custom.place.fn", "generated.operations.read_a"),
    ]
