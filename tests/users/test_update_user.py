"""PATCH /users/{id} through the handler; every response checked against openapi.yaml."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest

from tests.support.contract import body_of, invoke
from tests.support.events import api_event
from tests.users.seed import add_user
from users import service
from users.update_user import handler
from utils.dynamodb import get_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


def _event(user_id: str, body: Any, **kwargs: Any) -> dict[str, Any]:
    return api_event("PATCH", "/users/{id}", path_parameters={"id": user_id}, body=body, **kwargs)


@pytest.fixture
def ada(users_table: Table, monkeypatch: pytest.MonkeyPatch) -> service.User:
    monkeypatch.setattr(service, "utc_now", lambda: "2026-11-24T10:00:00Z")
    user = add_user({"name": "Ada", "email": "ada@example.com"})
    assert user is not None
    monkeypatch.setattr(service, "utc_now", lambda: "2026-11-24T11:30:00Z")
    return user


@pytest.mark.parametrize(
    "patch",
    [{"email": "ada@lovelace.example"}, {"name": "Ada L."}, {"name": "A", "email": "a@b.io"}],
)
def test_200_changes_only_the_given_fields(
    users_table: Table, ada: service.User, patch: dict[str, str]
) -> None:
    response = invoke(handler, _event(ada["id"], patch))
    assert response["statusCode"] == 200
    expected = {**ada, **patch, "updated_at": "2026-11-24T11:30:00Z"}
    assert body_of(response) == expected
    assert get_item(users_table, {"id": ada["id"]}) == expected


def test_404_for_an_unknown_id_and_no_upsert(users_table: Table) -> None:
    user_id = str(uuid.uuid4())
    response = invoke(handler, _event(user_id, {"name": "Ghost"}))
    assert response["statusCode"] == 404
    assert body_of(response) == {"message": "User not found"}
    assert get_item(users_table, {"id": user_id}) is None


def test_404_when_no_id_is_given(users_table: Table) -> None:
    event = _event("", {"name": "x"})
    event["pathParameters"] = None
    assert invoke(handler, event)["statusCode"] == 404


@pytest.mark.parametrize(
    ("user_id", "body", "location"),
    [
        pytest.param("not-a-uuid", {"name": "x"}, "path.id", id="id-not-uuid"),
        pytest.param(None, {}, "body", id="empty-patch"),
        pytest.param(None, {"email": "nope"}, "body.email", id="bad-email"),
        pytest.param(None, {"name": ""}, "body.name", id="empty-name"),
        pytest.param(None, {"id": str(uuid.uuid4())}, "body.id", id="unknown-field"),
        pytest.param(None, "{not json", "body", id="malformed-json"),
    ],
)
def test_400_and_nothing_changes(
    users_table: Table, ada: service.User, user_id: str | None, body: Any, location: str
) -> None:
    event = _event(user_id or ada["id"], body, headers={"Content-Type": "application/json"})
    response = invoke(handler, event)
    assert response["statusCode"] == 400
    assert location in {e["location"] for e in body_of(response)["errors"]}
    assert get_item(users_table, {"id": ada["id"]}) == ada


def test_415_for_a_body_that_is_not_json(users_table: Table, ada: service.User) -> None:
    event = _event(ada["id"], "name=x", headers={"Content-Type": "text/plain"})
    assert invoke(handler, event)["statusCode"] == 415
    assert get_item(users_table, {"id": ada["id"]}) == ada
