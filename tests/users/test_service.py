"""users.service: the domain rules, on moto with the table from template.yaml."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from botocore.stub import Stubber

from users import service, store
from users.errors import UserExists, UserNotFound
from users.store import Store
from utils.dynamodb import get_item, put_item
from utils.pagination import InvalidCursorError, encode_cursor

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

NEW = {"name": "Ada Lovelace", "email": "ada@example.com"}
UTC_SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def test_utc_now_is_an_rfc3339_utc_timestamp() -> None:
    now = service.utc_now()
    assert UTC_SECOND.fullmatch(now)
    assert datetime.fromisoformat(now).utcoffset() is not None


def test_new_user_ids_are_canonical_random_uuids() -> None:
    """Built from the hex by hand (speed): each must be what `str(uuid.uuid4())` makes, a
    version 4, RFC 4122 UUID in canonical lower-case form, and every variant nibble occurs."""
    ids = [service.new_user_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for value in ids:
        parsed = uuid.UUID(value)
        assert (str(parsed), parsed.version, parsed.variant) == (value, 4, uuid.RFC_4122)
        assert service.is_user_id(value)
    assert {value[19] for value in ids} == set("89ab")


def test_create_stores_exactly_the_user(users_table: Table, store: Store) -> None:
    created = service.create_user(store, NEW, "/Prod/users")
    user = created.user
    assert created.location == f"/Prod/users/{user['id']}"
    assert uuid.UUID(user["id"]).version == 4 and service.is_user_id(user["id"])
    assert user["created_at"] == user["updated_at"]
    assert UTC_SECOND.fullmatch(user["created_at"])
    assert get_item(users_table, {"id": user["id"]}) == {**NEW, **user}
    assert set(user) == set(service.User.__annotations__)


def test_create_never_overwrites(
    users_table: Table, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "new_user_id", lambda: "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b")
    first = service.create_user(store, NEW, "/users").user
    with pytest.raises(UserExists):
        service.create_user(store, {"name": "Eve", "email": "eve@example.com"}, "/users")
    assert service.get_user(users_table, first["id"]) == first
    assert get_item(store.emails, {"email": "eve@example.com"}) is None  # nothing half-done


def test_get_shows_only_the_user_fields(users_table: Table, store: Store) -> None:
    user = service.create_user(store, NEW, "/users").user
    put_item(users_table, {**user, "password_hash": "secret", "version": Decimal(3)})
    assert service.get_user(users_table, user["id"]) == user


def test_get_missing_is_none(users_table: Table) -> None:
    assert service.get_user(users_table, str(uuid.uuid4())) is None


def _create(table: Table) -> service.User:
    """A user with an email of its own (emails are unique)."""
    return service.create_user(
        store.current(), {"name": "Ada", "email": f"{uuid.uuid4()}@example.com"}, "/users"
    ).user


def test_pages_cover_every_user_exactly_once(users_table: Table) -> None:
    created = {_create(users_table)["id"] for _ in range(25)}
    seen: list[str] = []
    token: str | None = None
    pages = []
    while True:
        page = service.list_users(users_table, 10, token)
        pages.append(len(page.users))
        seen += [user["id"] for user in page.users]
        assert page.as_body()["count"] == len(page.users) <= 10
        token = page.next_token
        if token is None:
            break
    assert sorted(seen) == sorted(created)
    assert len(pages) >= 3


def test_a_short_page_still_carries_the_cursor(users_table: Table) -> None:
    # Real DynamoDB stops at Limit *evaluated* items or 1 MB, so a page can be short or
    # even empty while more remain (moto never does this, hence the stub).
    resume = {"id": "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b"}
    with Stubber(users_table.meta.client) as stubber:
        stubber.add_response(
            "scan",
            {"Items": [], "Count": 0, "LastEvaluatedKey": {"id": {"S": resume["id"]}}},
            {"TableName": users_table.name, "Limit": 10},
        )
        page = service.list_users(users_table, 10)
    assert page.users == []
    assert page.next_token == encode_cursor(resume)
    assert page.as_body() == {"users": [], "count": 0, "next_token": page.next_token}


def test_the_cursor_becomes_the_exclusive_start_key(users_table: Table) -> None:
    resume = {"id": "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b"}
    with Stubber(users_table.meta.client) as stubber:
        stubber.add_response(
            "scan",
            {"Items": [], "Count": 0},
            {"TableName": users_table.name, "Limit": 5, "ExclusiveStartKey": resume},
        )
        page = service.list_users(users_table, 5, encode_cursor(resume))
    assert page.next_token is None


@pytest.mark.parametrize(
    "token",
    [
        "not base64!",
        encode_cursor({"id": "not-a-uuid"}),
        encode_cursor({"id": "3F2B8C1E-7A4D-4E5F-9B6A-1C2D3E4F5A6B"}),  # not as we issue it
        encode_cursor({"id": "3f2b8c1e7a4d4e5f9b6a1c2d3e4f5a6b"}),
        encode_cursor({"id": "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b", "name": "x"}),
        encode_cursor({"email": "ada@example.com"}),
    ],
)
def test_a_forged_cursor_is_refused_before_dynamodb(users_table: Table, token: str) -> None:
    with Stubber(users_table.meta.client), pytest.raises(InvalidCursorError):
        service.list_users(users_table, 10, token)  # the stub fails any call that is made


def test_update_changes_only_the_given_fields(
    users_table: Table, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "utc_now", lambda: "2026-11-24T10:00:00Z")
    user = service.create_user(store, NEW, "/users").user
    monkeypatch.setattr(service, "utc_now", lambda: "2026-11-24T11:30:00Z")
    updated = service.update_user(store, user["id"], {"email": "ada@lovelace.example"})
    assert updated == {
        **user,
        "email": "ada@lovelace.example",
        "updated_at": "2026-11-24T11:30:00Z",
    }
    assert service.get_user(users_table, user["id"]) == updated


def test_update_ignores_fields_that_are_not_editable(store: Store) -> None:
    user = service.create_user(store, NEW, "/users").user
    forged = {"name": "Ada", "id": str(uuid.uuid4()), "created_at": "1999-01-01T00:00:00Z"}
    updated = service.update_user(store, user["id"], forged)
    assert (updated["id"], updated["created_at"]) == (user["id"], user["created_at"])


@pytest.mark.parametrize("patch", [{"name": "Ghost"}, {"email": "ghost@example.com"}])
def test_update_of_a_missing_user_creates_nothing(
    users_table: Table, store: Store, patch: dict[str, str]
) -> None:
    user_id = str(uuid.uuid4())
    with pytest.raises(UserNotFound):
        service.update_user(store, user_id, patch)
    assert get_item(users_table, {"id": user_id}) is None
    assert store.emails.scan()["Items"] == []


def test_delete(users_table: Table, store: Store) -> None:
    user = service.create_user(store, NEW, "/users").user
    service.delete_user(store, user["id"])
    assert service.get_user(users_table, user["id"]) is None
    with pytest.raises(UserNotFound):
        service.delete_user(store, user["id"])
