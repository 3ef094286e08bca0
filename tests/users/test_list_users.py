"""GET /users through the handler; every response checked against openapi.yaml."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import pytest

from tests.support.contract import body_of, invoke
from tests.support.events import api_event
from tests.users.seed import add_user
from users.list_users import handler
from utils.pagination import encode_cursor

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


def _create(table: Table, count: int) -> set[str]:
    ids = set()
    for i in range(count):
        user = add_user({"name": f"User {i}", "email": f"u{i}@example.com"})
        assert user is not None
        ids.add(user["id"])
    return ids


def test_200_empty(users_table: Table) -> None:
    response = invoke(handler, api_event("GET", "/users"))
    assert response["statusCode"] == 200
    assert body_of(response) == {"users": [], "count": 0, "next_token": None}


def test_default_limit_is_10(users_table: Table) -> None:
    _create(users_table, 12)
    body = body_of(invoke(handler, api_event("GET", "/users")))
    assert body["count"] == len(body["users"]) == 10
    assert body["next_token"] is not None


def test_pages_cover_25_users_exactly_once(users_table: Table) -> None:
    created = _create(users_table, 25)
    seen: list[str] = []
    query: dict[str, str] = {"limit": "10"}
    for _ in range(10):  # a bound, in case the cursor never ends
        body = body_of(invoke(handler, api_event("GET", "/users", query=query)))
        assert body["count"] == len(body["users"]) <= 10
        seen += [user["id"] for user in body["users"]]
        if body["next_token"] is None:
            break
        query = {"limit": "10", "next_token": body["next_token"]}
    else:
        pytest.fail("the cursor never reached the end")
    assert len(seen) == 25
    assert set(seen) == created


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "1.5", " 5", ["5", "6"]])
def test_400_for_a_bad_limit(users_table: Table, limit: str | list[str]) -> None:
    response = invoke(handler, api_event("GET", "/users", query={"limit": limit}))
    assert response["statusCode"] == 400
    assert [e["location"] for e in body_of(response)["errors"]] == ["query.limit"]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("%%%", id="not-base64"),
        pytest.param(_b64(b"{not json"), id="not-json"),
        pytest.param(_b64(b'{"id": "x", "extra": "y"}'), id="extra-key"),
        pytest.param(encode_cursor({"email": "a@b.c"}), id="wrong-key"),
        pytest.param(encode_cursor({"id": "not-a-uuid"}), id="id-not-uuid"),
        pytest.param("", id="empty"),
        pytest.param("A" * 600, id="too-long"),
    ],
)
def test_400_for_a_forged_next_token(users_table: Table, token: str) -> None:
    _create(users_table, 2)
    response = invoke(handler, api_event("GET", "/users", query={"next_token": token}))
    assert response["statusCode"] == 400
    body = body_of(response)
    assert body["message"] == "Invalid request: query.next_token"
    assert [e["location"] for e in body["errors"]] == ["query.next_token"]
