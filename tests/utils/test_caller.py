"""utils.caller: the client id and scopes API Gateway's Cognito authorizer hands on."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.events import api_event
from utils.caller import ANONYMOUS, Caller, caller, caller_id


def with_claims(claims: Any) -> dict[str, Any]:
    event = api_event("GET", "/users")
    event["requestContext"]["authorizer"] = {"claims": claims}
    return event


def test_the_claims_name_the_client_and_its_scopes() -> None:
    event = with_claims(
        {
            "client_id": "abc123",
            "scope": "users/read users/write",
            "exp": "Thu Nov 26 01:00:11 UTC 2026",
        }
    )
    found = caller(event)
    assert found == Caller("abc123", ("users/read", "users/write"))
    assert found is not None and found.allows("users/write") and not found.allows("users/admin")
    assert caller_id(event) == "abc123"


@pytest.mark.parametrize(
    "claims", [None, "x", {}, {"client_id": ""}, {"client_id": 7}, {"scope": "users/read"}]
)
def test_no_usable_claims_is_no_caller(claims: Any) -> None:
    assert caller(with_claims(claims)) is None
    assert caller_id(with_claims(claims)) == ANONYMOUS


def test_an_event_without_an_authorizer_is_anonymous() -> None:
    assert caller(api_event("GET", "/hello")) is None
    assert caller({}) is None and caller({"requestContext": None}) is None


def test_a_token_without_scope_has_none() -> None:
    assert caller(with_claims({"client_id": "abc"})) == Caller("abc", ())
