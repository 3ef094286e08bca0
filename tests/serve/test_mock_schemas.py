"""`serve --mock` without examples: bodies built from the schema, in Prism's static order,
valid against it; examples that break their schema named and replaced (strict: refused)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from codegen.openapi.errors import SpecError
from codegen.openapi.published import SchemaChecker
from codegen.serve import create_app
from codegen.serve.mock.examples import operation_answers
from codegen.serve.mock.sample import Sampler
from tests.serve.test_mock import forget_modules_under, project_copy
from tests.support.credentials import auth_headers, authenticated


def _document(schemas: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.0.3", "components": {"schemas": schemas}}


def _sample(schema: dict[str, Any], **schemas: Any) -> Any:
    document = _document({"S": schema, **schemas})
    value = Sampler(document).sample({"$ref": "#/components/schemas/S"}, "")
    assert SchemaChecker(document).problem(value, "/components/schemas/S") is None, value
    return value


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        # Prism's order: example, allOf merged, first oneOf/anyOf, default, const, enum[0],
        # examples[0], then by type and format.
        ({"type": "integer", "example": 7, "default": 3, "enum": [3, 7]}, 7),
        (
            {
                "allOf": [
                    {"type": "object", "properties": {"a": {"type": "integer"}}},
                    {"properties": {"b": {"type": "string", "default": "d"}}},
                ]
            },
            {"a": 0, "b": "d"},
        ),
        ({"oneOf": [{"type": "boolean"}, {"type": "string"}]}, True),
        ({"anyOf": [{"type": "string", "format": "date"}, {"type": "integer"}]}, "2024-01-01"),
        ({"type": "string", "default": "x", "enum": ["x", "y"]}, "x"),
        ({"type": "string", "enum": ["b", "a"]}, "b"),
        ({"type": "string", "format": "uuid"}, "3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        ({"type": "string", "format": "date-time"}, "2024-01-01T00:00:00Z"),
        ({"type": "string", "format": "email"}, "user@example.com"),
        ({"type": "string", "minLength": 10}, "stringxxxx"),
        ({"type": "string", "maxLength": 3}, "str"),
        ({"type": "integer", "minimum": 5}, 5),
        ({"type": "integer", "minimum": 5, "exclusiveMinimum": True}, 6),
        ({"type": "integer", "maximum": -2}, -2),
        ({"type": "integer", "minimum": 7, "multipleOf": 5}, 10),
        ({"type": "number", "minimum": 0.5}, 0.5),
        ({"type": "array", "items": {"type": "integer"}, "minItems": 3}, [0, 0, 0]),
        (
            {"type": "array", "items": {"type": "integer"}, "minItems": 2, "uniqueItems": True},
            [0, 1],
        ),
        (
            {
                "type": "object",
                "required": ["id", "extra"],
                "properties": {
                    "id": {"type": "integer"},
                    "secret": {"type": "string", "writeOnly": True},
                },
            },
            {"id": 0, "extra": "string"},
        ),
        ({"type": "string", "nullable": True}, "string"),
    ],
)
def test_prism_order_and_constraints(schema: dict[str, Any], expected: Any) -> None:
    assert _sample(schema) == expected


@pytest.mark.parametrize(
    ("pattern", "low", "high"),
    [
        (r"^[A-Z]{3}-\d{4}$", 0, None),
        (r"^arn:aws:iam::\d{12}:role/[\w+=,.@-]+$", 0, 64),
        (r"[a-z]+", 5, 8),
        (r"^(foo|bar)baz\d?$", 0, None),
    ],
)
def test_patterns_are_honoured(pattern: str, low: int, high: int | None) -> None:
    schema: dict[str, Any] = {"type": "string", "pattern": pattern, "minLength": low}
    if high is not None:
        schema["maxLength"] = high
    value = _sample(schema)
    assert re.search(pattern, value) and low <= len(value) <= (high or len(value))
    assert _sample(schema) == value  # deterministic


def test_a_recursive_schema_gives_a_finite_value() -> None:
    node = {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/S"}},
        },
    }
    value = _sample(node)
    assert value["name"] == "string" and isinstance(value["children"], list)


def test_an_impossible_pattern_is_one_line() -> None:
    schema = {"type": "string", "pattern": "^[a-z]{10}$", "maxLength": 3}
    with pytest.raises(SpecError) as raised:
        Sampler(_document({"S": schema})).sample({"$ref": "#/components/schemas/S"}, "/x")
    assert "\n" not in str(raised.value) and "pattern" in str(raised.value)


def _spec(example: Any) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": {"$ref": "#/components/schemas/Pet"}}
    if example is not None:
        media["example"] = example
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/pets": {
                "get": {
                    "operationId": "getPet",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": media},
                            "headers": {"X-Rate": {"schema": {"type": "integer", "minimum": 1}}},
                        },
                        "404": {
                            "description": "no",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "string",
                                        "pattern": "^x{9}$",
                                        "maxLength": 2,
                                    }
                                }
                            },
                        },
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Pet": {
                    "type": "object",
                    "required": ["id", "tag"],
                    "properties": {
                        "id": {"type": "integer", "minimum": 1},
                        "tag": {"type": "string", "pattern": "^[A-Z]{2}\\d$"},
                    },
                }
            }
        },
    }


def test_without_an_example_the_body_is_built_and_valid() -> None:
    warnings: list[str] = []
    answers = operation_answers(_spec(None), strict=False, warnings=warnings)
    answer = answers[("GET", "/pets")].answers["200"]
    (example,) = answer.examples
    assert example.value == {"id": 1, "tag": "AA0"}
    assert answer.headers == (("X-Rate", "1"),)
    # The impossible 404 is named once, and only that response cannot be mocked.
    assert len(warnings) == 1 and "/paths/~1pets/get/responses/404" in warnings[0]
    assert not answers[("GET", "/pets")].answers["404"].servable


def test_an_invalid_example_is_named_and_replaced_unless_strict() -> None:
    bad = {"id": "one"}
    warnings: list[str] = []
    answers = operation_answers(_spec(bad), strict=False, warnings=warnings)
    (example,) = answers[("GET", "/pets")].answers["200"].examples
    assert example.value == {"id": 1, "tag": "AA0"}
    pointer = "/paths/~1pets/get/responses/200/content/application~1json/example"
    named = [line for line in warnings if line.startswith(pointer)]
    assert len(named) == 1 and "does not match its schema" in named[0]
    with pytest.raises(SpecError) as raised:
        operation_answers(_spec(bad), strict=True)
    assert raised.value.pointer == pointer


def test_serve_mock_starts_on_a_broken_example_and_answers_a_valid_body(tmp_path: Path) -> None:
    root = project_copy(tmp_path)
    spec = root / "openapi.yaml"
    text = spec.read_text()
    broken = text.replace("example: {message: User not found}", "example: {message: 404}")
    assert broken != text
    spec.write_text(broken)
    app = create_app(root, mock="all")
    try:
        pointer = "/components/responses/NotFound/content/application~1json/example"
        assert any(pointer in line for line in app.mock_banner), app.mock_banner
        client = Client(authenticated(app, auth_headers(spec=spec)))
        answer = client.get(
            "/users/3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b", headers={"Prefer": "code=404"}
        )
        assert answer.status_code == 404
        assert isinstance(answer.get_json()["message"], str)
    finally:
        app.close()
        forget_modules_under(root)


def test_an_example_that_is_no_uri_breaks_format_uri() -> None:
    # jsonschema checks `uri` only with rfc3986-validator installed (a dev dependency for
    # this): rawg.io's spec has `"@image.jpg"` as the example of a `format: uri` string.
    document = _document({"Link": {"type": "string", "format": "uri"}})
    checker = SchemaChecker(document)
    assert checker.problem("@image.jpg", "/components/schemas/Link") is not None
    assert checker.problem("https://example.com/a.jpg", "/components/schemas/Link") is None
