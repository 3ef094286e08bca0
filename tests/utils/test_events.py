"""utils.events: the routing facts handlers read from the proxy event."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.events import api_event
from utils.events import client_path


def test_client_path_keeps_the_stage_the_client_called() -> None:
    event = api_event("POST", "/users")
    assert event["path"] == "/users"
    assert client_path(event) == "/Prod/users"


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        # custom domain with a base-path mapping: both carry the base path
        ({"path": "/v1/users", "requestContext": {"path": "/v1/users"}}, "/v1/users"),
        ({"path": "/users/", "requestContext": {"path": "/Prod/users/"}}, "/Prod/users"),
        ({"path": "/users"}, "/users"),  # a direct invocation without requestContext
        ({"path": "/users", "requestContext": {"path": None}}, "/users"),
        ({}, ""),
    ],
)
def test_client_path_fallbacks(event: dict[str, Any], expected: str) -> None:
    assert client_path(event) == expected
