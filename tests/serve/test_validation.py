"""Response checks against openapi.yaml: each problem names the field, the gateway logs loudly."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from codegen.openapi.parser import parse_api
from codegen.serve.handlers import HandlerResolver
from codegen.serve.local_gateway import LocalGateway
from codegen.serve.proxy import ProxyResponse
from codegen.serve.routing import RouteMatcher
from tests.serve.fake_routes import DEFINITION, ROUTES
from tests.support.openapi_core_oracle import ResponseValidator

ROOT = Path(__file__).resolve().parents[2]
JSON = ("Content-Type", "application/json")
USER = {
    "id": "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b",
    "name": "Ada",
    "email": "ada@example.com",
    "created_at": "2026-11-24T10:00:00Z",
    "updated_at": "2026-11-24T10:00:00Z",
}


@pytest.fixture(scope="module")
def validator() -> ResponseValidator:
    return ResponseValidator(parse_api(ROOT / "openapi.yaml").document)


def answer(status: int, body: Any, *headers: tuple[str, str]) -> ProxyResponse:
    data = b"" if body is None else json.dumps(body).encode()
    return ProxyResponse(status, (JSON, *headers), data)


def test_conforming_responses_have_no_problems(validator: ResponseValidator) -> None:
    assert validator.problems("GET", "/users/{id}", answer(200, USER)) == []
    assert validator.problems("DELETE", "/users/{id}", answer(204, None)) == []
    page = {"users": [USER], "count": 1, "next_token": None}
    assert validator.problems("GET", "/users", answer(200, page)) == []


def test_bad_field_is_named(validator: ResponseValidator) -> None:
    page = {"users": [{**USER, "email": "nope"}], "count": 1, "next_token": None}
    assert validator.problems("GET", "/users", answer(200, page)) == [
        "body.users[0].email: 'nope' is not a 'email'"
    ]


def test_unknown_field_and_missing_field(validator: ResponseValidator) -> None:
    body = {key: value for key, value in USER.items() if key != "name"} | {"secret": 1}
    problems = validator.problems("GET", "/users/{id}", answer(200, body))
    assert any("'secret' was unexpected" in p for p in problems)
    assert any("'name' is a required property" in p for p in problems)


def test_undocumented_status_and_content_type(validator: ResponseValidator) -> None:
    assert validator.problems("GET", "/users/{id}", answer(418, {"message": "x"})) == [
        "status 418 is not documented"
    ]
    text = ProxyResponse(200, (("Content-Type", "text/plain"),), b"hi")
    assert validator.problems("GET", "/users/{id}", text) == [
        "content type 'text/plain' is not documented"
    ]


def test_bad_header_is_named(validator: ResponseValidator) -> None:
    response = answer(503, {"message": "busy"}, ("Retry-After", "0"))
    assert validator.problems("GET", "/users", response) == [
        "header Retry-After: 0 is less than the minimum of 1"
    ]


def test_gateway_logs_violations_without_changing_the_response(
    validator: ResponseValidator, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client(
        LocalGateway(RouteMatcher(ROUTES), HandlerResolver(), DEFINITION, validator=validator)
    )
    with caplog.at_level(logging.ERROR, logger="codegen.serve.contract"):
        response = client.get("/users/3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b?bad=1")
    assert response.status_code == 200
    assert response.get_json()["email"] == "not-an-email"
    messages = [r.getMessage() for r in caplog.records if r.name == "codegen.serve.contract"]
    assert "CONTRACT VIOLATION getUser (GET /users/{id} -> 200): body.email: " in "\n".join(
        messages
    )
    assert any("'name' is a required property" in m for m in messages)
