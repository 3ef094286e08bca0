"""POST /users through the handler; every response checked against openapi.yaml."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.contract import body_of, invoke
from tests.support.events import api_event
from users import get_user, service
from users.create_user import handler
from utils.dynamodb import get_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

ADA = {"name": "Ada Lovelace", "email": "ada@example.com"}


def _count(table: Table) -> int:
    return len(table.scan(ConsistentRead=True)["Items"])


def test_201_with_the_user_and_its_location(users_table: Table) -> None:
    response = invoke(handler, api_event("POST", "/users", body=ADA))
    assert response["statusCode"] == 201
    user = body_of(response)
    assert {k: user[k] for k in ADA} == ADA
    # The client called /Prod/users (stage in front): the Location must work for it.
    assert response["headers"]["Location"] == f"/Prod/users/{user['id']}"
    assert get_item(users_table, {"id": user["id"]}) == user


def test_location_without_a_request_context(users_table: Table) -> None:
    event = api_event("POST", "/users", body=ADA)
    del event["requestContext"]
    response = handler(event, None)
    assert response["headers"]["Location"] == f"/users/{body_of(response)['id']}"


def test_each_create_is_a_new_user(users_table: Table) -> None:
    bodies = [{"name": "Ada", "email": f"ada{i}@example.com"} for i in range(3)]
    ids = {body_of(invoke(handler, api_event("POST", "/users", body=b)))["id"] for b in bodies}
    assert len(ids) == 3 == _count(users_table)


def test_409_when_the_id_is_taken_and_nothing_is_overwritten(
    users_table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "new_user_id", lambda: "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b")
    first = body_of(invoke(handler, api_event("POST", "/users", body=ADA)))
    response = invoke(handler, api_event("POST", "/users", body={"name": "Eve", "email": "e@x.io"}))
    assert response["statusCode"] == 409
    assert body_of(response) == {"message": "User already exists"}
    assert get_item(users_table, {"id": first["id"]}) == first


@pytest.mark.parametrize(
    ("body", "locations"),
    [
        pytest.param({}, {"body.name", "body.email"}, id="both-missing"),
        pytest.param({"name": "Ada"}, {"body.email"}, id="email-missing"),
        pytest.param({"email": "ada@example.com"}, {"body.name"}, id="name-missing"),
        pytest.param({**ADA, "email": "not an email"}, {"body.email"}, id="bad-email"),
        pytest.param({**ADA, "name": ""}, {"body.name"}, id="empty-name"),
        pytest.param({**ADA, "name": "x" * 101}, {"body.name"}, id="long-name"),
        pytest.param({**ADA, "id": "mine"}, {"body.id"}, id="unknown-field"),
        pytest.param(["Ada"], {"body"}, id="array"),
        pytest.param("{not json", {"body"}, id="malformed-json"),
        pytest.param(None, {"body"}, id="no-body"),
    ],
)
def test_400_names_every_problem_and_stores_nothing(
    users_table: Table, body: Any, locations: set[str]
) -> None:
    event = api_event("POST", "/users", body=body, headers={"Content-Type": "application/json"})
    response = invoke(handler, event)
    assert response["statusCode"] == 400
    error = body_of(response)
    # The message itself names the fields (issue 3), so a client showing only it still helps.
    assert error["message"].startswith("Invalid request: ")
    assert all(location in error["message"] for location in locations)
    assert {e["location"] for e in error["errors"]} >= locations
    assert _count(users_table) == 0


def test_415_for_a_body_that_is_not_json(users_table: Table) -> None:
    event = api_event(
        "POST",
        "/users",
        body="name=Ada",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    response = invoke(handler, event)
    assert response["statusCode"] == 415
    assert _count(users_table) == 0


# The spec's Name pattern refuses control characters (Unicode category Cc); surrogates
# (Cs) are not Unicode text at all and are refused before validation (test below).
NAMES = st.text(st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=100)


@settings(
    max_examples=25,
    deadline=None,
    # The table lives for the whole test; every example creates a new user in it.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=NAMES)
def test_any_valid_name_round_trips(users_table: Table, name: str) -> None:
    email = f"{uuid.uuid4()}@b.io"  # emails are unique; every example is a new user
    created = invoke(handler, api_event("POST", "/users", body={"name": name, "email": email}))
    assert created["statusCode"] == 201
    user = body_of(created)
    assert user["name"] == name
    fetched = invoke(
        get_user.handler, api_event("GET", "/users/{id}", path_parameters={"id": user["id"]})
    )
    assert body_of(fetched) == user


@pytest.mark.parametrize("name", ["\ud800", "Ada \udfff", "\udc00\ud800"])
def test_a_name_with_a_lone_surrogate_is_refused(users_table: Table, name: str) -> None:
    """json.dumps escapes it (`\\ud800`), json.loads accepts it back, and boto3 cannot
    encode it: refused as 400 before it reaches the table, not a 500 from it."""
    response = invoke(handler, api_event("POST", "/users", body={"name": name, "email": "a@b.io"}))
    assert response["statusCode"] == 400
    assert body_of(response)["errors"] == [
        {"location": "body", "detail": "must be valid Unicode: lone surrogate"}
    ]
    assert users_table.scan()["Items"] == []


@pytest.mark.parametrize("name", ["A\x00B", "line\nbreak", "tab\there", "\x1b[31mred", "\x85"])
def test_names_with_control_characters_are_refused(users_table: Table, name: str) -> None:
    response = invoke(handler, api_event("POST", "/users", body={"name": name, "email": "a@b.io"}))
    assert response["statusCode"] == 400
    assert body_of(response)["errors"][0]["location"] == "body.name"
    assert users_table.scan()["Items"] == []
