"""DELETE /users/{id} through the handler; every response checked against openapi.yaml."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from tests.support.contract import body_of, invoke
from tests.support.events import api_event
from tests.users.seed import add_user
from users.delete_user import handler
from utils.dynamodb import get_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


def _event(user_id: str) -> dict[str, Any]:
    return api_event("DELETE", "/users/{id}", path_parameters={"id": user_id})


def test_204_then_404(users_table: Table) -> None:
    user = add_user({"name": "Ada", "email": "ada@example.com"})
    assert user is not None
    response = invoke(handler, _event(user["id"]))
    assert response["statusCode"] == 204
    assert response["body"] == ""
    assert get_item(users_table, {"id": user["id"]}) is None
    again = invoke(handler, _event(user["id"]))
    assert again["statusCode"] == 404
    assert body_of(again) == {"message": "User not found"}


def test_404_for_an_unknown_id(users_table: Table) -> None:
    assert invoke(handler, _event(str(uuid.uuid4())))["statusCode"] == 404


def test_404_when_no_id_is_given(users_table: Table) -> None:
    event = _event("")
    event["pathParameters"] = None
    assert invoke(handler, event)["statusCode"] == 404


def test_400_when_the_id_is_not_a_uuid(users_table: Table) -> None:
    response = invoke(handler, _event("1; DROP TABLE users"))
    assert response["statusCode"] == 400
    assert [e["location"] for e in body_of(response)["errors"]] == ["path.id"]
