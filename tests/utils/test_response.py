"""utils.response: the contract of issue 3 on top of generated.runtime."""

from __future__ import annotations

import json
from decimal import Decimal

from utils.response import error, success


def test_success_is_json_with_cors() -> None:
    response = success({"a": 1})
    assert response["statusCode"] == 200
    assert response["headers"]["Content-Type"] == "application/json"
    assert response["headers"]["Access-Control-Allow-Origin"] == "*"
    assert json.loads(response["body"]) == {"a": 1}


def test_success_status_and_extra_headers() -> None:
    response = success({"id": "x"}, 201, {"Location": "/users/x"})
    assert response["statusCode"] == 201
    assert response["headers"]["Location"] == "/users/x"
    assert response["headers"]["Access-Control-Allow-Origin"] == "*"


def test_decimals_from_dynamodb_are_json_numbers() -> None:
    body = {"count": Decimal("3"), "ratio": Decimal("0.25"), "big": Decimal("1E+3")}
    decoded = json.loads(success(body)["body"])
    assert decoded == {"count": 3, "ratio": 0.25, "big": 1000}
    assert isinstance(decoded["count"], int) and isinstance(decoded["big"], int)


def test_204_has_an_empty_body() -> None:
    response = success({"ignored": True}, 204)
    assert response["statusCode"] == 204
    assert response["body"] == ""
    assert response["headers"]["Access-Control-Allow-Origin"] == "*"


def test_error_envelope() -> None:
    response = error("User not found", 404)
    assert response["statusCode"] == 404
    assert response["headers"]["Access-Control-Allow-Origin"] == "*"
    assert json.loads(response["body"]) == {"message": "User not found"}


def test_error_defaults_to_400_and_lists_errors() -> None:
    problems = [{"location": "query.next_token", "detail": "not a token"}]
    response = error("Invalid request", errors=problems)
    assert response["statusCode"] == 400
    assert json.loads(response["body"]) == {"message": "Invalid request", "errors": problems}
