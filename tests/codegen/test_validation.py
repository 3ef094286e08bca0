"""The generated validators on hand-picked requests: coercion, bodies, formats, errors."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generated.operations import create_user, get_user, hello, list_users, update_user
from generated.validation import is_date, is_date_time, is_email, is_uuid
from tests.codegen.helpers import errors_of, event, json_event

JSON = {"Content-Type": "application/json"}

USER_ID = "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b"


def test_valid_requests_become_typed_dataclasses() -> None:
    request = create_user.validate(json_event({"name": "Ada", "email": "ada@example.com"}))
    assert isinstance(request, create_user.CreateUserRequest)
    assert request.body == {"name": "Ada", "email": "ada@example.com"}

    listed = list_users.validate(event(query={"limit": ["25"], "next_token": ["abc"]}))
    assert listed == list_users.ListUsersRequest(limit=25, next_token="abc")
    assert list_users.validate(event()) == list_users.ListUsersRequest(limit=10, next_token=None)

    assert get_user.validate(event(path={"id": USER_ID})) == get_user.GetUserRequest(id=USER_ID)
    assert hello.validate(event()) == hello.HelloRequest()
    assert (get_user.OPERATION_ID, get_user.METHOD, get_user.PATH) == (
        "getUser",
        "GET",
        "/users/{id}",
    )


@pytest.mark.parametrize("text", ["1.0", " 1", "1 ", "1e3", "+1", "1_0", "٣", "", "0x10", "ten"])
def test_integer_parameters_are_coerced_strictly(text: str) -> None:
    errors = errors_of(list_users.validate(event(query={"limit": [text]})))
    assert errors == [{"location": "query.limit", "detail": "must be an integer"}]


def test_parameter_errors_are_all_reported() -> None:
    errors = errors_of(list_users.validate(event(query={"limit": ["0"], "next_token": [""]})))
    assert errors == [
        {"location": "query.limit", "detail": "must be bigger than or equal to 1"},
        {"location": "query.next_token", "detail": "must be longer than or equal to 1 characters"},
    ]
    repeated = errors_of(list_users.validate(event(query={"limit": ["5", "6"]})))
    assert repeated == [{"location": "query.limit", "detail": "must be given once"}]


def test_every_body_error_is_reported_with_its_location() -> None:
    body = {"name": "", "email": "ada example@x.com", "id": "x", "admin": True}
    errors = errors_of(create_user.validate(json_event(body)))
    assert errors == [
        {"location": "body.admin", "detail": "is not allowed"},
        {"location": "body.email", "detail": "must be a valid email"},
        {"location": "body.id", "detail": "is not allowed"},
        {"location": "body.name", "detail": "must be longer than or equal to 1 characters"},
    ]
    missing = errors_of(create_user.validate(json_event({})))
    assert missing == [
        {"location": "body.email", "detail": "is required"},
        {"location": "body.name", "detail": "is required"},
    ]


def test_read_only_properties_are_refused_in_requests() -> None:
    """User.id is readOnly: UserPatch does not list it, so additionalProperties refuses it."""
    errors = errors_of(update_user.validate(json_event({"id": USER_ID}, path={"id": USER_ID})))
    assert errors == [{"location": "body.id", "detail": "is not allowed"}]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("NaN", "must be valid JSON"),
        ('{"name": "a", "email": "a@b.co", "x": Infinity}', "must be valid JSON"),
        ('{"name": "a", "email": "a@b.co", "x": -Infinity}', "must be valid JSON"),
        ('{"name": "a", "email": "a@b.co", "x": 1e400}', "must be valid JSON"),
        ('{"name": "a",', "must be valid JSON"),
        ("", "is required"),
        ("[" * 100_000 + "]" * 100_000, "must not nest deeper than 64 levels"),
        ('{"a": ' * 65 + "1" + "}" * 65, "must not nest deeper than 64 levels"),
        ("\udcff", "must be UTF-8"),  # what a Lambda event holds for bytes that were not UTF-8
        ("[1, 2]", "must be object"),
        ('"text"', "must be object"),
        ("null", "must be object"),
    ],
    ids=lambda v: v[:20] if isinstance(v, str) else v,
)
def test_bad_bodies_are_400_not_exceptions(body: str, detail: str) -> None:
    response = create_user.validate(event(body=body, headers={"Content-Type": "application/json"}))
    assert errors_of(response) == [{"location": "body", "detail": detail}]


def test_base64_bodies_are_decoded_and_checked() -> None:
    good = base64.b64encode(b'{"name": "Ada", "email": "ada@example.com"}').decode()
    ok = create_user.validate(
        event(body=good, base64=True, headers={"content-type": "application/json; charset=utf-8"})
    )
    assert isinstance(ok, create_user.CreateUserRequest)
    for raw, detail in ((b"\xff\xfe{}", "must be UTF-8"), (None, "is not valid base64")):
        body = base64.b64encode(raw).decode() if raw else "%%%"
        response = create_user.validate(
            event(body=body, base64=True, headers={"Content-Type": "application/json"})
        )
        assert errors_of(response) == [{"location": "body", "detail": detail}]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", None, "application/jsonx"]
)
def test_wrong_content_type_is_415(content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = create_user.validate(event(body='{"name": "a"}', headers=headers))
    assert isinstance(response, dict)
    assert response["statusCode"] == 415
    assert json.loads(response["body"]) == {"message": "Content-Type must be application/json"}
    assert response["headers"]["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json; charset=latin-1",
        "application/json; charset=ISO-8859-1",
        'application/json; charset="utf-16"',
        "application/json;charset=us-ascii",
        "application/json; boundary=x; charset=utf-16le",
    ],
)
def test_a_charset_other_than_utf_8_is_415(content_type: str) -> None:
    response = create_user.validate(
        event(body='{"name": "a", "email": "a@b.co"}', headers={"Content-Type": content_type})
    )
    assert isinstance(response, dict) and response["statusCode"] == 415
    assert json.loads(response["body"]) == {"message": "Content-Type charset must be utf-8"}


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", 'application/json; charset="UTF-8"', "application/json;"],
)
def test_utf_8_or_no_charset_is_accepted(content_type: str) -> None:
    request = create_user.validate(
        event(body='{"name": "a", "email": "a@b.co"}', headers={"Content-Type": content_type})
    )
    assert isinstance(request, create_user.CreateUserRequest), request


SURROGATE = {"location": "body", "detail": "must be valid Unicode: lone surrogate"}


@pytest.mark.parametrize(
    "text",
    [
        r'{"name": "\ud800", "email": "a@b.co"}',  # a lone high surrogate
        r'{"name": "x\uDFFFy", "email": "a@b.co"}',  # a lone low one, upper case
        r'{"name": "a", "email": "a@b.co", "\udBff": 1}',  # in a key
        r'{"name": "\ude00\ud83d", "email": "a@b.co"}',  # a pair in the wrong order
    ],
)
def test_an_escaped_lone_surrogate_is_400(text: str) -> None:
    # json.loads accepts these; boto3 cannot encode them (a 500 before this check).
    errors = errors_of(create_user.validate(event(body=text, headers=JSON)))
    assert SURROGATE in errors


def test_a_lone_surrogate_nested_in_an_update_is_400() -> None:
    response = update_user.validate(
        event(
            path={"id": "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b"},
            body=r'{"name": "ok \udc00"}',
            headers=JSON,
        )
    )
    assert errors_of(response) == [SURROGATE]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (r'{"name": "\ud83d\ude00", "email": "a@b.co"}', "\U0001f600"),  # a valid pair
        (r'{"name": "a\\ud800", "email": "a@b.co"}', "a\\ud800"),  # an escaped backslash
        (r'{"name": "\u00e9", "email": "a@b.co"}', "\u00e9"),
    ],
)
def test_escapes_that_are_not_lone_surrogates_are_accepted(text: str, name: str) -> None:
    request = create_user.validate(event(body=text, headers=JSON))
    assert isinstance(request, create_user.CreateUserRequest), request
    assert request.body["name"] == name


def test_path_parameter_format_is_checked() -> None:
    errors = errors_of(get_user.validate(event(path={"id": "not-a-uuid"})))
    assert errors == [{"location": "path.id", "detail": "must be a valid uuid"}]


def test_odd_events_do_not_raise() -> None:
    odd: list[dict[str, Any]] = [
        {},
        {"headers": None, "multiValueHeaders": None, "body": None},
        {"multiValueQueryStringParameters": {"limit": None}, "headers": "x"},
        {"pathParameters": {"id": 5}},
    ]
    for bad in odd:
        list_users.validate(bad)
        get_user.validate(bad)
        create_user.validate(bad)


# -- catalog.yaml: arrays, headers, numbers, booleans, nullable, allOf, recursion -------------


def test_catalog_parameters(catalog_ops: dict[str, ModuleType]) -> None:
    items = catalog_ops["get_shops_shop_id_items"]
    ok = items.validate(
        event(
            path={"shopId": "shop-1"},
            query={
                "tag": ["new", "sale"],
                "ids": ["1,2,3"],
                "min_price": ["0.5"],
                "since": ["2024-02-29"],
            },
        )
    )
    assert (ok.shop_id, ok.tag, ok.ids, ok.min_price, ok.since) == (
        "shop-1",
        ["new", "sale"],
        [1, 2, 3],
        0.5,
        "2024-02-29",
    )
    errors = errors_of(
        items.validate(
            event(
                path={"shopId": "X"},
                query={
                    "tag": ["new", "bad", "sale", "used"],
                    "ids": ["1,x"],
                    "min_price": ["0"],
                    "since": ["2023-02-29"],
                },
            )
        )
    )
    assert errors == [
        {"location": "path.shopId", "detail": "must match pattern ^[a-z][a-z0-9-]{2,30}$"},
        {"location": "query.ids", "detail": "must be an integer"},
        {"location": "query.min_price", "detail": "must be bigger than 0"},
        {"location": "query.since", "detail": "must be a valid date"},
        {"location": "query.tag", "detail": "must contain less than or equal to 3 items"},
        {"location": "query.tag[1]", "detail": "must be one of ['new', 'sale', 'used']"},
    ]


def test_catalog_headers_are_case_insensitive(catalog_ops: dict[str, ModuleType]) -> None:
    shop = catalog_ops["get_shop"]
    ok = shop.validate(
        event(
            path={"shopId": "abc"}, headers={"x-REQUEST-id": "3F2B8C1E-7A4D-4E5F-9B6A-1C2D3E4F5A6B"}
        )
    )
    assert ok.x_request_id == "3F2B8C1E-7A4D-4E5F-9B6A-1C2D3E4F5A6B"
    assert ok.verbose is False
    errors = errors_of(
        shop.validate(
            event(path={"shopId": "abc"}, query={"verbose": ["yes"]}, headers={"X-Request-Id": "1"})
        )
    )
    assert errors == [
        {"location": "header.x-request-id", "detail": "must be a valid uuid"},
        {"location": "query.verbose", "detail": "must be true or false"},
    ]
    replace = catalog_ops["replace_item"]
    errors = errors_of(replace.validate(json_event({}, path={"shopId": "abc", "itemId": "3"})))
    assert {"location": "header.if-match", "detail": "is required"} in errors


def test_catalog_all_of_read_only_nullable_and_int_formats(
    catalog_ops: dict[str, ModuleType],
) -> None:
    create = catalog_ops["create_item"]
    item = {
        "name": "Cup",
        "price": {"amount": 350, "currency": "EUR"},
        "tags": ["new"],
        "available_from": None,
        "contact": "shop@example.com",
        "stock": 2**31 - 1,
    }
    assert create.validate(json_event(item, path={"shopId": "abc"})).body == item
    bad = {
        **item,
        "id": 7,
        "stock": 2**31,
        "available_from": "2024-13-01T00:00:00Z",
        "tags": ["new", "new"],
        "price": {"amount": 3, "currency": "GBP"},
    }
    del bad["name"]
    assert errors_of(create.validate(json_event(bad, path={"shopId": "abc"}))) == [
        {"location": "body.available_from", "detail": "must be a valid date-time"},
        {"location": "body.id", "detail": "must NOT match a disallowed definition"},
        {"location": "body.name", "detail": "is required"},
        {"location": "body.price.amount", "detail": "must be multiple of 5"},
        {"location": "body.price.currency", "detail": "must be one of ['EUR', 'USD']"},
        {"location": "body.stock", "detail": "must be smaller than or equal to 2147483647"},
        {"location": "body.tags", "detail": "must contain unique items"},
    ]


def test_catalog_recursive_schema(catalog_ops: dict[str, ModuleType]) -> None:
    tree = catalog_ops["put_category_tree"]
    nested: dict[str, Any] = {"name": "leaf"}
    for depth in range(30):
        nested = {"name": f"level{depth}", "children": [nested, {"name": "x"}]}
    assert tree.validate(json_event(nested)).body == nested
    bad = {"name": "root", "children": [{"name": "a", "children": [{"name": ""}, {"nom": "b"}]}]}
    assert errors_of(tree.validate(json_event(bad))) == [
        {
            "location": "body.children[0].children[0].name",
            "detail": "must be longer than or equal to 1 characters",
        },
        {"location": "body.children[0].children[1].name", "detail": "is required"},
        {"location": "body.children[0].children[1].nom", "detail": "is not allowed"},
    ]
    # The body is optional here: no body is fine, and the field is None.
    assert tree.validate(event()).body is None


# -- formats ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "ada@example.com",
        "a!#$%&'*+-/=?^_`{|}~@x.io",
        "first.last@sub.example.co.uk",
        "60@gdu.then.dev",
        "x@xn--vermgensberater-ctb.com",
        "A@B.C",
    ],
)
def test_email_accepts(value: str) -> None:
    assert is_email(value)


@pytest.mark.parametrize(
    "value",
    [
        "ada example@x.com",
        "@example.com",
        "ada@",
        "ada",
        "a@b",
        "a..b@x.com",
        ".a@x.com",
        "a@-x.com",
        "a@x-.com",
        "a@x..com",
        "é@x.com",
        "a@x.com\n",
        "a" * 65 + "@x.com",
        "a@b@c.com",
    ],
)
def test_email_rejects(value: str) -> None:
    assert not is_email(value)


def test_other_formats() -> None:
    assert is_uuid(USER_ID) and is_uuid(USER_ID.upper())
    assert not is_uuid(USER_ID.replace("-", "")) and not is_uuid("{" + USER_ID + "}")
    assert is_date("2024-02-29") and not is_date("2023-02-29") and not is_date("2024-1-01")
    assert not is_date("20240101") and not is_date("2024-01-01\n")
    assert is_date_time("2024-02-29T23:59:59.123+05:30") and is_date_time("2024-01-01t00:00:00z")
    for bad in (
        "2024-02-29 23:59:59Z",
        "2024-02-29T24:00:00Z",
        "2024-02-29T23:59:60Z",
        "2024-02-30T00:00:00Z",
        "2024-01-01T00:00:00",
        "0000-01-01T00:00:00Z",
    ):
        assert not is_date_time(bad), bad


def test_two_unique_item_arrays_in_one_body(tmp_path: Path) -> None:
    """fastjsonschema defines a local `fn` in each `uniqueItems` check: two of them in one
    module are no clash of schema names (mercedes-benz.com's dealer spec was refused)."""
    from tests.codegen.helpers import generate, load_operations

    unique = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "post": {
                    "operationId": "createThing",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"tags": unique, "labels": unique},
                                }
                            }
                        },
                    },
                    "responses": {"201": {"description": "ok"}},
                }
            }
        },
    }
    (tmp_path / "openapi.yaml").write_text(json.dumps(spec), encoding="utf-8")
    generate(tmp_path / "openapi.yaml")
    validate = load_operations(tmp_path / "src", ["create_thing"])["create_thing"].validate
    assert not isinstance(validate(json_event({"tags": ["a", "b"], "labels": ["a"]})), dict)
    for body in ({"tags": ["a", "a"]}, {"labels": ["b", "b"]}):
        refused = validate(json_event(body))
        assert isinstance(refused, dict) and refused["statusCode"] == 400, body
