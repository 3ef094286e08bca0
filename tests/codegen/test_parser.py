"""parse_api on our spec and on other specs: names, handlers, parameters, tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.openapi.model import HandlerRef, KeyAttribute, Table, TableAccess
from codegen.openapi.naming import path_name, snake_case
from codegen.openapi.parser import parse_api
from tests.codegen.helpers import OUR_SPEC, SPECS


def test_our_spec_operations_in_spec_order() -> None:
    api = parse_api(OUR_SPEC)
    assert api.title == "Users API"
    assert [(op.method, op.path, op.operation_id) for op in api.operations] == [
        ("GET", "/hello", "hello"),
        ("GET", "/users", "listUsers"),
        ("POST", "/users", "createUser"),
        ("GET", "/users/{id}", "getUser"),
        ("PATCH", "/users/{id}", "updateUser"),
        ("DELETE", "/users/{id}", "deleteUser"),
    ]
    get_user = api.operations[3]
    assert get_user.handler == HandlerRef("users.get_user", "handler")
    assert get_user.python_name == "get_user"
    assert get_user.class_name == "GetUser"
    assert get_user.pointer == "/paths/~1users~1{id}/get"
    assert get_user.table_access == (TableAccess("UsersTable", ("GetItem",)),)


def test_our_spec_path_level_parameter_is_merged_into_each_operation() -> None:
    api = parse_api(OUR_SPEC)
    for op in api.operations[3:]:
        [param] = op.parameters
        assert (param.name, param.location, param.required) == ("id", "path", True)
        assert param.schema == {"type": "string", "format": "uuid"}
        assert param.pointer == "/components/parameters/UserId"


def test_our_spec_tables_and_bodies() -> None:
    api = parse_api(OUR_SPEC)
    assert api.tables == (
        Table("UsersTable", KeyAttribute("id", "S"), None, "TABLE_NAME"),
        Table("EmailsTable", KeyAttribute("email", "S"), None, "EMAILS_TABLE_NAME"),
        Table(
            "IdempotencyTable",
            KeyAttribute("key", "S"),
            None,
            "IDEMPOTENCY_TABLE_NAME",
            "expires_at",
        ),
    )
    create = api.operations[2]
    assert create.request_body is not None and create.request_body.required
    assert create.request_body.content == {
        "application/json": {"$ref": "#/components/schemas/NewUser"}
    }
    assert create.request_body.media_types == ("application/json",)
    assert create.request_body.schema_pointer == (
        "/paths/~1users/post/requestBody/content/application~1json/schema"
    )
    statuses = [r.status for r in create.responses]
    assert statuses[:8] == ["201", "400", "401", "403", "409", "413", "415", "422"]
    assert "500" in statuses
    assert create.responses[0].headers == {"Location": {"type": "string"}}
    # /hello is public; each /users operation needs a token with its scope and a key.
    scopes = {
        op.operation_id: (op.authorizer.scopes if op.authorizer else None) for op in api.operations
    }
    assert scopes == {
        "hello": None,
        "listUsers": ("users/read",),
        "getUser": ("users/read",),
        "createUser": ("users/write",),
        "updateUser": ("users/write",),
        "deleteUser": ("users/write",),
    }
    assert [op.api_key_required for op in api.operations] == [False, *[True] * 5]
    assert [client.name for client in api.clients] == ["mobile", "backoffice"]


def test_handler_names_derived_from_tag_and_operation_id() -> None:
    api = parse_api(SPECS / "petstore-expanded.yaml")
    assert [op.handler.dotted for op in api.operations] == [
        "pets.find_pets.handler",
        "pets.add_pet.handler",
        "pets.find_pet_by_id.handler",
        "pets.delete_pet.handler",
    ]
    assert api.operations[2].operation_id == "find pet by id"
    assert api.operations[2].class_name == "FindPetById"


def test_catalog_spec(tmp_path: Path) -> None:
    api = parse_api(SPECS / "catalog.yaml")
    by_name = {op.python_name: op for op in api.operations}
    # No operationId: named after method and path; handler from its first tag.
    items = by_name["get_shops_shop_id_items"]
    assert items.operation_id == "get_shops_shop_id_items"
    assert items.handler.dotted == "catalog.get_shops_shop_id_items.handler"
    # Path parameters from two levels, then the operation's own.
    replace = by_name["replace_item"]
    assert [(p.name, p.location) for p in replace.parameters] == [
        ("shopId", "path"),
        ("itemId", "path"),
        ("If-Match", "header"),
    ]
    assert [p.python_name for p in replace.parameters] == ["shop_id", "item_id", "if_match"]
    assert replace.handler == HandlerRef("catalog.items", "replace")
    # A request body by $ref; several tables accesses as a list.
    create = by_name["create_item"]
    assert create.request_body is not None
    assert create.request_body.pointer == "/components/requestBodies/NewItem"
    assert create.table_access == (TableAccess("ShopsTable", ("PutItem", "GetItem")),)
    assert api.tables[0].sort_key == KeyAttribute("sk", "S")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("listPets", "list_pets"),
        ("getUserByID", "get_user_by_id"),
        ("HTTPStatus", "http_status"),
        ("x-request-id", "x_request_id"),
        ("find pet by id", "find_pet_by_id"),
        ("class", "class_"),
        ("2fa", "n2fa"),
        ("--", ""),
    ],
)
def test_snake_case(name: str, expected: str) -> None:
    assert snake_case(name) == expected


def test_path_name() -> None:
    assert path_name("get", "/users/{id}") == "get_users_id"
