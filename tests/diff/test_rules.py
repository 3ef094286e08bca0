"""One before/after pair per comparison rule (issue 6), breaking and compatible."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from codegen.diff import diff_documents
from tests.diff.base_spec import base

Doc = dict[str, Any]
Mutation = Callable[[Doc], None]


def schemas(d: Doc) -> Any:
    return d["components"]["schemas"]


def new_item(d: Doc) -> Any:
    return schemas(d)["NewItem"]


def new_prop(name: str) -> Callable[[Doc], Any]:
    return lambda d: new_item(d)["properties"][name]


def item(d: Doc) -> Any:
    return schemas(d)["Item"]


def list_op(d: Doc) -> Any:
    return d["paths"]["/items"]["get"]


def create_op(d: Doc) -> Any:
    return d["paths"]["/items"]["post"]


def limit(d: Doc) -> Any:
    return list_op(d)["parameters"][0]


def noop(d: Doc) -> None:
    return None


def setter(get: Callable[[Doc], Any], key: str, value: Any) -> Mutation:
    def mutate(d: Doc) -> None:
        get(d)[key] = value

    return mutate


def deleter(get: Callable[[Doc], Any], key: str) -> Mutation:
    def mutate(d: Doc) -> None:
        del get(d)[key]

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(d: Doc) -> None:
        for m in mutations:
            m(d)

    return mutate


@dataclass(frozen=True)
class Case:
    id: str
    before: Mutation
    after: Mutation
    rule: str
    breaking: bool
    pointer: str | None = None


NAME_PTR = "/paths/~1items/post/requestBody/content/application~1json/schema/properties/name"
ITEM_PTR = "/paths/~1items/post/responses/201/content/application~1json/schema"

BREAKING = [
    Case(
        "path removed",
        noop,
        lambda d: d["paths"].pop("/items/{id}"),
        "path-removed",
        True,
        "/paths/~1items~1{id}",
    ),
    Case(
        "method removed",
        noop,
        lambda d: d["paths"]["/items/{id}"].pop("delete"),
        "method-removed",
        True,
        "/paths/~1items~1{id}/delete",
    ),
    Case(
        "operationId changed",
        noop,
        setter(list_op, "operationId", "findItems"),
        "operation-id-changed",
        True,
    ),
    Case(
        "required query parameter added",
        noop,
        lambda d: list_op(d)["parameters"].append(
            {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}
        ),
        "request-required-parameter-added",
        True,
        "/paths/~1items/get/parameters/1",
    ),
    Case(
        "parameter made required",
        noop,
        setter(limit, "required", True),
        "request-parameter-made-required",
        True,
    ),
    Case(
        "required body field added",
        noop,
        both(
            lambda d: new_item(d)["properties"].update({"owner": {"type": "string"}}),
            lambda d: new_item(d)["required"].append("owner"),
        ),
        "request-required-field-added",
        True,
        "/paths/~1items/post/requestBody/content/application~1json/schema/properties/owner",
    ),
    Case(
        "body field made required",
        noop,
        lambda d: new_item(d)["required"].append("kind"),
        "request-field-made-required",
        True,
    ),
    Case(
        "request body made required",
        setter(lambda d: create_op(d)["requestBody"], "required", False),
        noop,
        "request-body-made-required",
        True,
    ),
    Case(
        "request type narrowed",
        setter(new_prop("size"), "type", "number"),
        noop,
        "request-type-narrowed",
        True,
    ),
    Case(
        "parameter type changed",
        noop,
        setter(lambda d: limit(d)["schema"], "type", "string"),
        "request-type-narrowed",
        True,
        "/paths/~1items/get/parameters/0/schema/type",
    ),
    Case(
        "request enum shrunk",
        noop,
        setter(new_prop("kind"), "enum", ["a"]),
        "request-enum-shrunk",
        True,
    ),
    Case("request enum added", deleter(new_prop("kind"), "enum"), noop, "request-enum-added", True),
    Case(
        "maximum lowered",
        noop,
        setter(new_prop("size"), "maximum", 5),
        "request-maximum-lowered",
        True,
    ),
    Case(
        "maximum lowered on a parameter",
        noop,
        setter(lambda d: limit(d)["schema"], "maximum", 50),
        "request-maximum-lowered",
        True,
        "/paths/~1items/get/parameters/0/schema/maximum",
    ),
    Case(
        "minimum raised",
        noop,
        setter(new_prop("size"), "minimum", 1),
        "request-minimum-raised",
        True,
    ),
    Case(
        "exclusiveMaximum added",
        noop,
        setter(new_prop("size"), "exclusiveMaximum", True),
        "request-exclusiveMaximum-added",
        True,
    ),
    Case(
        "maxLength lowered",
        noop,
        setter(new_prop("name"), "maxLength", 20),
        "request-maxLength-lowered",
        True,
        NAME_PTR + "/maxLength",
    ),
    Case(
        "minLength raised",
        noop,
        setter(new_prop("name"), "minLength", 3),
        "request-minLength-raised",
        True,
    ),
    Case(
        "maxItems lowered",
        noop,
        setter(new_prop("tags"), "maxItems", 2),
        "request-maxItems-lowered",
        True,
    ),
    Case(
        "minItems raised",
        noop,
        setter(new_prop("tags"), "minItems", 1),
        "request-minItems-raised",
        True,
    ),
    Case(
        "maximum added", deleter(new_prop("size"), "maximum"), noop, "request-maximum-added", True
    ),
    Case(
        "pattern added",
        noop,
        setter(new_prop("name"), "pattern", "^[a-z]+$"),
        "request-pattern-added",
        True,
        NAME_PTR + "/pattern",
    ),
    Case(
        "pattern changed",
        setter(new_prop("name"), "pattern", "^[a-z]+$"),
        setter(new_prop("name"), "pattern", "^[a-z0-9]+$"),
        "request-pattern-changed",
        True,
    ),
    Case(
        "format added",
        noop,
        setter(new_prop("name"), "format", "email"),
        "request-format-added",
        True,
    ),
    Case(
        "nullable removed",
        setter(new_prop("name"), "nullable", True),
        noop,
        "request-nullable-removed",
        True,
    ),
    Case(
        "request field removed from a closed schema",
        noop,
        lambda d: new_item(d)["properties"].pop("tags"),
        "request-field-removed",
        True,
    ),
    Case(
        "additionalProperties closed",
        deleter(new_item, "additionalProperties"),
        noop,
        "request-additionalProperties-restricted",
        True,
    ),
    Case(
        "request default changed",
        setter(lambda d: limit(d)["schema"], "default", 10),
        setter(lambda d: limit(d)["schema"], "default", 20),
        "request-default-changed",
        True,
    ),
    Case(
        "request media type removed",
        lambda d: create_op(d)["requestBody"]["content"].update(
            {"text/plain": {"schema": {"type": "string"}}}
        ),
        noop,
        "request-media-type-removed",
        True,
    ),
    Case(
        "response field removed",
        noop,
        lambda d: item(d)["properties"].pop("note"),
        "response-field-removed",
        True,
        ITEM_PTR + "/properties/note",
    ),
    Case(
        "response field made optional",
        noop,
        setter(item, "required", ["id"]),
        "response-field-made-optional",
        True,
        ITEM_PTR + "/required",
    ),
    Case(
        "response type changed",
        noop,
        setter(lambda d: item(d)["properties"]["size"], "type", "number"),
        "response-type-changed",
        True,
        ITEM_PTR + "/properties/size/type",
    ),
    Case(
        "response enum widened",
        noop,
        setter(lambda d: item(d)["properties"]["kind"], "enum", ["a", "b", "c"]),
        "response-enum-widened",
        True,
    ),
    Case(
        "response maximum raised",
        setter(lambda d: item(d)["properties"]["size"], "maximum", 5),
        setter(lambda d: item(d)["properties"]["size"], "maximum", 9),
        "response-maximum-raised",
        True,
    ),
    Case(
        "response nullable added",
        noop,
        setter(lambda d: item(d)["properties"]["name"], "nullable", True),
        "response-nullable-added",
        True,
    ),
    Case(
        "success status removed",
        noop,
        lambda d: (
            d["paths"]["/items/{id}"]["delete"]["responses"].update(
                {"200": {"description": "Gone."}}
            )
            or d["paths"]["/items/{id}"]["delete"]["responses"].pop("204")
        ),
        "success-status-removed",
        True,
        "/paths/~1items~1{id}/delete/responses/204",
    ),
    Case(
        "response media type removed",
        noop,
        lambda d: d["paths"]["/items/{id}"]["get"]["responses"]["200"].update(
            {"content": {"application/xml": {"schema": {"type": "string"}}}}
        ),
        "response-media-type-removed",
        True,
    ),
    Case(
        "response header removed",
        noop,
        lambda d: create_op(d)["responses"]["201"].pop("headers"),
        "response-header-removed",
        True,
        "/paths/~1items/post/responses/201/headers/Location",
    ),
    Case(
        "parameter moved from query to header",
        noop,
        setter(limit, "in", "header"),
        "parameter-moved",
        True,
        "/paths/~1items/get/parameters/0",
    ),
    Case(
        "parameter serialization changed",
        noop,
        setter(limit, "explode", False),
        "request-parameter-serialization-changed",
        True,
    ),
    Case(
        "security added to an operation",
        noop,
        setter(list_op, "security", [{"key": []}]),
        "security-added",
        True,
        "/paths/~1items/get/security",
    ),
    Case(
        "security added at the root",
        noop,
        lambda d: d.update({"security": [{"key": []}]}),
        "security-added",
        True,
    ),
    Case(
        "security scope added",
        setter(list_op, "security", [{"key": []}]),
        setter(list_op, "security", [{"key": ["admin"]}]),
        "security-changed",
        True,
    ),
    Case(
        "security scheme changed",
        noop,
        setter(lambda d: d["components"]["securitySchemes"]["key"], "name", "X-Key"),
        "security-scheme-changed",
        True,
    ),
]

COMPATIBLE = [
    Case(
        "operation added",
        noop,
        lambda d: d["paths"]["/items/{id}"].update(
            {"put": {"operationId": "putItem", "responses": {"204": {"description": "ok"}}}}
        ),
        "operation-added",
        False,
        "/paths/~1items~1{id}/put",
    ),
    Case(
        "path added",
        noop,
        lambda d: d["paths"].update(
            {"/health": {"get": {"responses": {"200": {"description": "ok"}}}}}
        ),
        "path-added",
        False,
    ),
    Case(
        "optional request field added",
        noop,
        lambda d: new_item(d)["properties"].update({"color": {"type": "string"}}),
        "request-field-added",
        False,
    ),
    Case(
        "optional parameter added",
        noop,
        lambda d: list_op(d)["parameters"].append(
            {"name": "q", "in": "query", "schema": {"type": "string"}}
        ),
        "request-parameter-added",
        False,
    ),
    Case(
        "response field added",
        noop,
        lambda d: item(d)["properties"].update({"color": {"type": "string"}}),
        "response-field-added",
        False,
    ),
    Case(
        "required response field added",
        noop,
        both(
            lambda d: item(d)["properties"].update({"color": {"type": "string"}}),
            lambda d: item(d)["required"].append("color"),
        ),
        "response-field-added",
        False,
    ),
    Case(
        "maximum raised",
        noop,
        setter(new_prop("size"), "maximum", 20),
        "request-maximum-raised",
        False,
    ),
    Case(
        "minimum lowered",
        noop,
        setter(new_prop("size"), "minimum", -1),
        "request-minimum-lowered",
        False,
    ),
    Case(
        "maxLength raised",
        noop,
        setter(new_prop("name"), "maxLength", 80),
        "request-maxLength-raised",
        False,
    ),
    Case(
        "maxItems removed",
        noop,
        deleter(new_prop("tags"), "maxItems"),
        "request-maxItems-removed",
        False,
    ),
    Case(
        "request enum widened",
        noop,
        setter(new_prop("kind"), "enum", ["a", "b", "c"]),
        "request-enum-widened",
        False,
    ),
    Case(
        "pattern removed",
        setter(new_prop("name"), "pattern", "^[a-z]+$"),
        noop,
        "request-pattern-removed",
        False,
    ),
    Case(
        "request type widened",
        noop,
        setter(new_prop("size"), "type", "number"),
        "request-type-widened",
        False,
    ),
    Case(
        "request field made optional",
        noop,
        setter(new_item, "required", []),
        "request-field-made-optional",
        False,
    ),
    Case(
        "request body made optional",
        noop,
        setter(lambda d: create_op(d)["requestBody"], "required", False),
        "request-body-made-optional",
        False,
    ),
    Case(
        "additionalProperties opened",
        noop,
        setter(new_item, "additionalProperties", True),
        "request-additionalProperties-relaxed",
        False,
    ),
    Case(
        "response enum shrunk",
        noop,
        setter(lambda d: item(d)["properties"]["kind"], "enum", ["a"]),
        "response-enum-shrunk",
        False,
    ),
    Case(
        "response field made required",
        noop,
        setter(item, "required", ["id", "name", "kind"]),
        "response-field-made-required",
        False,
    ),
    Case(
        "error status removed",
        noop,
        lambda d: create_op(d)["responses"].pop("400"),
        "response-status-removed",
        False,
    ),
    Case(
        "request media type added",
        noop,
        lambda d: create_op(d)["requestBody"]["content"].update(
            {"text/plain": {"schema": {"type": "string"}}}
        ),
        "request-media-type-added",
        False,
    ),
    Case(
        "status added",
        noop,
        lambda d: create_op(d)["responses"].update({"409": {"description": "Conflict."}}),
        "response-status-added",
        False,
    ),
    Case(
        "security removed",
        setter(list_op, "security", [{"key": []}]),
        noop,
        "security-relaxed",
        False,
    ),
    Case(
        "description changed",
        noop,
        setter(list_op, "summary", "List the items"),
        "documentation-changed",
        False,
        "/paths/~1items/get/summary",
    ),
    Case(
        "schema description added",
        noop,
        setter(new_prop("name"), "description", "Its name."),
        "documentation-changed",
        False,
        NAME_PTR + "/description",
    ),
    Case(
        "example changed",
        noop,
        setter(new_prop("name"), "example", "Ada"),
        "documentation-changed",
        False,
    ),
    Case("operation deprecated", noop, setter(list_op, "deprecated", True), "deprecated", False),
    Case(
        "info description changed",
        noop,
        lambda d: d["info"].update({"description": "Items."}),
        "documentation-changed",
        False,
        "/info/description",
    ),
    Case(
        "path parameter renamed",
        noop,
        lambda d: d["paths"].update(
            {
                "/items/{itemId}": {
                    **d["paths"].pop("/items/{id}"),
                    "parameters": [
                        {
                            "name": "itemId",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                }
            }
        ),
        "path-parameter-renamed",
        False,
    ),
]


def _diff(case: Case) -> list[Any]:
    old, new = base(), base()
    case.before(old)
    case.after(new)
    return diff_documents(old, new)


@pytest.mark.parametrize("case", BREAKING, ids=[c.id for c in BREAKING])
def test_breaking_rule(case: Case) -> None:
    changes = _diff(case)
    matching = [c for c in changes if c.rule == case.rule]
    assert matching, f"no {case.rule} in {changes}"
    assert all(c.breaking == case.breaking for c in matching), matching
    if case.pointer is not None:
        assert case.pointer in {c.pointer for c in matching}, matching


@pytest.mark.parametrize("case", COMPATIBLE, ids=[c.id for c in COMPATIBLE])
def test_compatible_rule(case: Case) -> None:
    changes = _diff(case)
    assert any(c.rule == case.rule for c in changes), f"no {case.rule} in {changes}"
    assert not [c for c in changes if c.breaking], changes
    if case.pointer is not None:
        assert case.pointer in {c.pointer for c in changes if c.rule == case.rule}


def test_identical_documents_have_no_changes() -> None:
    assert diff_documents(base(), base()) == []


def test_moving_a_schema_into_components_is_not_a_change() -> None:
    """$refs are resolved before comparing: inlining / renaming a component changes nothing."""
    new = base()
    new["components"]["schemas"]["Thing"] = new["components"]["schemas"].pop("Item")
    inline = new["components"]["schemas"]["Thing"]
    new["paths"]["/items"]["post"]["responses"]["201"]["content"]["application/json"]["schema"] = (
        inline
    )
    for ref_holder in (
        new["paths"]["/items/{id}"]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ],
        new["components"]["schemas"]["ItemList"]["properties"]["items"]["items"],
    ):
        ref_holder["$ref"] = "#/components/schemas/Thing"
    assert diff_documents(base(), new) == []


def test_a_change_in_a_shared_component_shows_where_it_is_used() -> None:
    new = base()
    new["components"]["schemas"]["Item"]["properties"].pop("note")
    pointers = {
        c.pointer for c in diff_documents(base(), new) if c.rule == "response-field-removed"
    }
    assert pointers == {
        ITEM_PTR + "/properties/note",
        "/paths/~1items/get/responses/200/content/application~1json/schema/properties/items/items"
        "/properties/note",
        "/paths/~1items~1{id}/get/responses/200/content/application~1json/schema/properties/note",
    }


def test_read_only_fields_are_not_part_of_requests() -> None:
    """A readOnly field that becomes required is no request change (clients never send it)."""
    old, new = base(), base()
    for doc in (old, new):
        doc["paths"]["/items"]["post"]["requestBody"]["content"]["application/json"]["schema"] = {
            "$ref": "#/components/schemas/Item"
        }
    new["components"]["schemas"]["Item"]["properties"]["stamp"] = {
        "type": "string",
        "readOnly": True,
    }
    new["components"]["schemas"]["Item"]["required"].append("stamp")
    assert not [c for c in diff_documents(old, new) if c.breaking]


def test_allof_refactoring_is_not_a_change() -> None:
    new = base()
    flat = new["components"]["schemas"]["NewItem"]
    new["components"]["schemas"]["NewItem"] = {
        "allOf": [
            {
                "type": "object",
                "required": ["name"],
                "properties": {"name": flat["properties"]["name"]},
            },
            {
                "additionalProperties": False,
                "properties": {k: v for k, v in flat["properties"].items() if k != "name"},
            },
        ]
    }
    assert diff_documents(base(), new) == []


def test_private_extensions_are_ignored() -> None:
    new = base()
    new["paths"]["/items"]["get"]["x-handler"] = "items.list.handler"
    new["x-codegen"] = {"tables": {}}
    new["paths"]["/items"]["get"]["x-amazon-apigateway-integration"] = {"type": "aws_proxy"}
    assert diff_documents(base(), new) == []


def test_every_change_is_reported_even_unanalysed_ones() -> None:
    new = base()
    new["components"]["schemas"]["Item"]["discriminator"] = {"propertyName": "kind"}
    changes = [c for c in diff_documents(base(), new) if c.rule == "response-schema-changed"]
    assert changes and all(c.breaking for c in changes)
