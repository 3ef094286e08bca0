"""Whole-document helpers: stripping private extensions, dereferencing."""

from __future__ import annotations

from codegen.openapi.document import dereference, external_refs, strip_private_extensions


def test_strip_removes_private_extensions_at_any_depth() -> None:
    doc = {
        "x-codegen": {"tables": {}},
        "x-logo": {"url": "logo.png"},
        "paths": {
            "/a": {
                "get": {
                    "x-handler": "a.handler",
                    "x-codegen-dynamodb": {"table": "T"},
                    "x-amazon-apigateway-integration": {"type": "aws_proxy"},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    assert strip_private_extensions(doc) == {
        "x-logo": {"url": "logo.png"},
        "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }


def test_strip_keeps_data_and_user_names_that_look_like_extensions() -> None:
    schema = {
        "type": "object",
        "properties": {"x-handler": {"type": "string"}},
        "example": {"x-handler": "kept"},
    }
    headers = {"x-codegen-id": {"schema": {"type": "string"}}}
    doc = {"components": {"schemas": {"S": schema}, "headers": headers}}
    assert strip_private_extensions(doc) == doc


def test_dereference_replaces_refs_and_stops_at_recursion() -> None:
    doc = {
        "components": {
            "schemas": {
                "Node": {
                    "type": "object",
                    "properties": {"next": {"$ref": "#/components/schemas/Node"}},
                },
                "Holder": {"$ref": "#/components/schemas/Node"},
            }
        }
    }
    holder = dereference(doc)["components"]["schemas"]["Holder"]
    assert holder["type"] == "object"
    assert holder["properties"]["next"] == {"$ref": "#/components/schemas/Node"}


def test_dereference_leaves_examples_alone() -> None:
    doc = {"a": {"example": {"$ref": "#/not/a/ref"}}}
    assert dereference(doc) == doc


def test_external_refs_lists_only_refs_into_other_files() -> None:
    doc = {"a": {"$ref": "#/b"}, "c": [{"$ref": "other.yaml#/X"}], "b": 1}
    assert external_refs(doc) == [("/c/0/$ref", "other.yaml#/X")]
