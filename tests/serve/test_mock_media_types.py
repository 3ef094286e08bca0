"""`serve --mock` answers each documented media type under its own Content-Type: JSON
under a `+json` type (RFC 6839) keeps that type, a structured value under a type that is
not JSON is sent as JSON (not as Python's repr), and a range is answered as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.test import Client

from codegen.serve import create_app
from tests.serve.rendered_projects import rendered_project

OBJECT = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}


def _operation(operation_id: str, media_type: str) -> dict[str, Any]:
    content = {media_type: {"schema": OBJECT}}
    return {
        "get": {
            "operationId": operation_id,
            "responses": {"200": {"description": "ok", "content": content}},
        }
    }


SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "media types", "version": "1"},
    "paths": {
        "/scim": _operation("scim", "application/scim+json"),
        "/jwt": _operation("jwt", "application/jwt"),
        "/anything": _operation("anything", "*/*"),
    },
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    with rendered_project(tmp_path_factory.mktemp("media-types"), SPEC) as root:
        app = create_app(root, mock="all")
        try:
            yield Client(app)
        finally:
            app.close()


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/scim", "application/scim+json"),
        ("/jwt", "application/jwt"),
        ("/anything", "application/json"),
    ],
)
def test_the_body_is_json_under_the_documented_type(
    client: Client, path: str, content_type: str
) -> None:
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == content_type
    assert json.loads(answer.get_data(as_text=True)) == {"id": 0}
    assert answer.headers["Access-Control-Allow-Origin"]
