"""Request bodies offering several media types: the JSON one is what the Lambda validates."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from codegen.openapi.http import is_json_media_type
from codegen.openapi.parser import build_api

SPEC = Path("openapi.yaml")
THING = {"$ref": "#/components/schemas/Thing"}


def document(content: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/things": {
                "post": {
                    "operationId": "createThing",
                    "requestBody": {"required": True, "content": copy.deepcopy(content)},
                    "responses": {"201": {"description": "made"}},
                }
            }
        },
        "components": {"schemas": {"Thing": {"type": "object"}}},
    }


def body_of(content: dict[str, Any]) -> Any:
    (operation,) = build_api(document(content), SPEC).operations
    assert operation.request_body is not None
    return operation.request_body


def test_json_beside_xml_and_form_keeps_the_json_schema_and_lists_every_type() -> None:
    body = body_of(
        {
            "application/xml": {"schema": THING},
            "application/json": {"schema": THING},
            "application/x-www-form-urlencoded": {"schema": THING},
        }
    )
    assert body.content == {"application/json": THING}  # what the validators read
    assert body.json_schema == THING
    assert body.media_types == (
        "application/xml",
        "application/json",
        "application/x-www-form-urlencoded",
    )
    assert body.json_media_type == "application/json"
    assert (
        body.schema_pointer == "/paths/~1things/post/requestBody/content/application~1json/schema"
    )


def test_json_with_parameters_is_keyed_application_json() -> None:
    body = body_of({"application/json; charset=utf-8": {"schema": THING}})
    assert body.content == {"application/json": THING}
    assert body.json_media_type == "application/json; charset=utf-8"
    assert body.schema_pointer is not None
    assert body.schema_pointer.endswith("/content/application~1json; charset=utf-8/schema")


def test_two_json_spellings_with_one_schema_are_one_body() -> None:
    body = body_of(
        {"application/json": {"schema": THING}, "application/json;charset=UTF-8": {"schema": THING}}
    )
    assert body.content == {"application/json": THING}


def test_json_media_types_with_different_schemas_each_keep_theirs() -> None:
    body = body_of(
        {
            "application/json": {"schema": THING},
            "application/json; charset=utf-8": {"schema": {"type": "array"}},
            "application/merge-patch+json": {"schema": {"type": "object"}},
            "application/xml": {"schema": THING},
        }
    )
    assert body.json_schemas == {
        "application/json": THING,
        "application/json; charset=utf-8": {"type": "array"},
        "application/merge-patch+json": {"type": "object"},
    }
    assert body.content == {"application/json": THING}  # API Gateway's: the first spelling


def test_json_without_application_json_has_nothing_for_api_gateway() -> None:
    body = body_of({"text/json": {"schema": THING}, "application/*+json": {"schema": THING}})
    assert body.json_schemas == {"text/json": THING, "application/*+json": THING}
    assert body.content == {} and body.json_schema is None and body.schema_pointer is None
    assert body.schema_pointer_of("text/json").endswith("/content/text~1json/schema")


@pytest.mark.parametrize(
    ("schema", "takes_json"),
    [
        ({"type": "object"}, True),
        ({"type": "array"}, True),
        ({"type": "string"}, False),
        ({}, False),
    ],
)
def test_a_range_takes_json_when_its_schema_is_structured(
    schema: dict[str, Any], takes_json: bool
) -> None:
    body = body_of({"*/*": {"schema": schema}, "image/*": {"schema": schema}})
    assert list(body.json_schemas) == (["*/*", "image/*"] if takes_json else [])


def test_a_body_without_json_has_no_schema_to_validate() -> None:
    body = body_of({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})
    assert body.content == {}
    assert body.json_schema is None and body.schema_pointer is None
    assert body.media_types == ("application/octet-stream",)


@pytest.mark.parametrize(
    ("media_type", "expected"),
    [
        ("application/json", True),
        ("Application/JSON; charset=utf-8", True),
        ("application/merge-patch+json", True),  # RFC 6839 structured suffix
        ("application/*+json", True),  # a range of them
        ("application/xml", False),
        ("text/json", True),  # legacy, but .NET's Swashbuckle lists it
        ("application/jsonl", False),
        ("application/json-seq", False),
        ("*/*", False),
    ],
)
def test_is_json_media_type(media_type: str, expected: bool) -> None:
    assert is_json_media_type(media_type) is expected
