"""GET /users/{id} through the handler; every response checked against openapi.yaml."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from tests.support.contract import body_of, invoke
from tests.support.events import api_event
from tests.users.seed import add_user
from users.get_user import handler
from utils.dynamodb import put_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


def _event(user_id: str) -> dict[str, object]:
    return api_event("GET", "/users/{id}", path_parameters={"id": user_id})


def test_200_with_the_stored_user(users_table: Table) -> None:
    user = add_user({"name": "Ada", "email": "ada@example.com"})
    response = invoke(handler, _event(user["id"]))
    assert response["statusCode"] == 200
    assert body_of(response) == user


def test_200_shows_only_user_fields_and_numbers_as_json(users_table: Table) -> None:
    from decimal import Decimal

    user = add_user({"name": "Ada", "email": "ada@example.com"})
    put_item(users_table, {**user, "login_count": Decimal(7), "secret": "x"})
    assert body_of(invoke(handler, _event(user["id"]))) == user


def test_404_for_an_unknown_id(users_table: Table) -> None:
    response = invoke(handler, _event(str(uuid.uuid4())))
    assert response["statusCode"] == 404
    assert body_of(response) == {"message": "User not found"}


def test_404_when_no_id_is_given(users_table: Table) -> None:
    # None is what API Gateway sends on a route without parameters; the rest, a direct
    # invocation. The generated validator answers them with the spec's NotFound.
    for path_parameters in (None, {}, {"id": ""}, {"id": None}, "id=abc", "absent"):
        event = _event("")
        event["pathParameters"] = path_parameters
        if path_parameters == "absent":
            del event["pathParameters"]
        response = invoke(handler, event)
        assert response["statusCode"] == 404, path_parameters
        assert body_of(response) == {"message": "User not found"}, path_parameters


def test_400_when_the_id_is_not_a_uuid(users_table: Table) -> None:
    response = invoke(handler, _event("not-a-uuid"))
    assert response["statusCode"] == 400
    body = body_of(response)
    assert body["message"] == "Invalid request: path.id"
    assert [e["location"] for e in body["errors"]] == ["path.id"]
