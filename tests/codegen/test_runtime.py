"""generated.runtime: JSON responses, the one error shape, and the guard."""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from typing import Any

import pytest

from generated import observability
from generated.runtime import (
    CORS_HEADERS,
    RETRY_LATER_CODES,
    THROTTLING_CODES,
    HttpError,
    error_response,
    guarded,
    is_unavailable,
    json_response,
)


class Context:
    aws_request_id = "req-123"


def test_json_response_converts_dynamodb_decimals_and_sets() -> None:
    response = json_response(
        200, {"n": Decimal("3"), "f": Decimal("1.5"), "big": Decimal("1E+2"), "s": {"b", "a"}}
    )
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"n": 3, "f": 1.5, "big": 100, "s": ["a", "b"]}
    assert '"n": 3,' in response["body"]  # an int, not 3.0
    assert response["headers"] == {"Content-Type": "application/json", **CORS_HEADERS}


def test_no_content() -> None:
    assert json_response(204, {"ignored": True})["body"] == ""
    assert json_response(200)["body"] == ""
    assert json_response(201, headers={"Location": "/users/1"})["headers"]["Location"] == "/users/1"


def test_error_response_shape() -> None:
    assert json.loads(error_response(404, "User not found")["body"]) == {
        "message": "User not found"
    }
    errors = [{"location": "body", "detail": "is required"}]
    body = json.loads(error_response(400, "Invalid request", errors)["body"])
    assert body == {"message": "Invalid request", "errors": errors}


def test_guarded_turns_exceptions_into_a_bare_500(caplog: pytest.LogCaptureFixture) -> None:
    @guarded
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise KeyError("UsersTable-secret ada@example.com")

    with caplog.at_level(logging.ERROR):
        response = handler({}, Context())
    assert response["statusCode"] == 500
    assert json.loads(response["body"]) == {"message": "Internal server error"}
    assert "UsersTable" not in response["body"] and "KeyError" not in response["body"]
    # One record, the request's line: it names the request, the exception class and where
    # it was raised...
    (record,) = caplog.records
    fields = vars(record)
    assert fields["lambdaRequestId"] == "req-123" and fields["errorCode"] == "KeyError"
    assert "test_runtime.py:" in fields["errorAt"] and "handler" in fields["errorAt"]
    # ...but never the exception's message, which may quote request data (an email here).
    everything = caplog.text + repr(fields)
    assert "ada@example.com" not in everything and "UsersTable-secret" not in everything


class Refused(HttpError):
    status = 409
    message = "Already there"
    metric = "Conflicts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(self.message)
        self.headers = {"Retry-After": str(retry_after)}  # set per error, when raised


def test_guarded_answers_an_http_error_with_its_own_response(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted: list[str] = []
    monkeypatch.setattr(observability, "count", lambda name, value=1: counted.append(name))

    @guarded
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise Refused(retry_after=3)

    event = {"requestContext": {"requestId": "api-1"}}
    with caplog.at_level(logging.INFO):
        response = handler(event, Context())
    assert response["statusCode"] == 409
    assert json.loads(response["body"]) == {"message": "Already there"}
    assert response["headers"] == {
        "Content-Type": "application/json",
        **CORS_HEADERS,
        "Retry-After": "3",
        "x-amzn-RequestId": "api-1",
    }
    assert counted == ["Conflicts"]

    # An answer, not a failure: the same request line as for the response returned.
    @guarded
    def returning(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return error_response(409, "Already there", headers={"Retry-After": "3"})

    with caplog.at_level(logging.INFO):
        assert returning(event, Context()) == response
    raised, returned = (vars(record) for record in caplog.records)
    for name in ("status", "errorCode", "errorAt", "apiRequestId"):
        assert raised.get(name) == returned.get(name), name
    assert "errorAt" not in raised


def test_http_error_defaults_to_a_bare_500_without_a_counter() -> None:
    response = HttpError().response()
    assert response["statusCode"] == 500
    assert json.loads(response["body"]) == {"message": "Internal server error"}


def test_throttling_is_retried_later() -> None:
    assert THROTTLING_CODES < RETRY_LATER_CODES
    assert "ConditionalCheckFailedException" not in RETRY_LATER_CODES


def _botocore_error(name: str, module: str = "botocore.exceptions", **attrs: Any) -> Exception:
    """An exception that looks like botocore's, without importing botocore."""
    cls = type(name, (Exception,), {"__module__": module})
    error: Exception = cls("boom")
    for key, value in attrs.items():
        setattr(error, key, value)
    return error


@pytest.mark.parametrize(
    "error",
    [
        _botocore_error(
            "ClientError", response={"Error": {"Code": "ProvisionedThroughputExceededException"}}
        ),
        _botocore_error("ClientError", response={"Error": {"Code": "ThrottlingException"}}),
        _botocore_error("ClientError", response={"Error": {"Code": "RequestLimitExceeded"}}),
        _botocore_error("ClientError", response={"Error": {"Code": "InternalServerError"}}),
        _botocore_error("EndpointConnectionError"),
        _botocore_error("ReadTimeoutError"),
    ],
    ids=lambda e: getattr(e, "response", {}).get("Error", {}).get("Code", type(e).__name__),
)
def test_guarded_turns_throttling_into_503(error: Exception) -> None:
    @guarded
    def handler(event: Any, context: Any) -> dict[str, Any]:
        raise error

    response = handler({}, Context())
    assert response["statusCode"] == 503
    assert response["headers"]["Retry-After"] == "1"
    assert json.loads(response["body"]) == {
        "message": "Service temporarily unavailable, retry later"
    }


def test_not_unavailable() -> None:
    assert not is_unavailable(
        _botocore_error("ClientError", response={"Error": {"Code": "ValidationException"}})
    )
    assert not is_unavailable(ConnectionError("not botocore's"))
    assert not is_unavailable(_botocore_error("ReadTimeoutError", module="mylib"))


def test_real_botocore_errors_are_recognised() -> None:
    botocore = pytest.importorskip("botocore.exceptions")
    throttled = botocore.ClientError(
        {"Error": {"Code": "ThrottlingException", "Message": "x"}}, "PutItem"
    )
    assert is_unavailable(throttled)
    assert is_unavailable(botocore.EndpointConnectionError(endpoint_url="http://x"))
    assert is_unavailable(botocore.ConnectTimeoutError(endpoint_url="http://x"))
    assert not is_unavailable(
        botocore.ClientError({"Error": {"Code": "ConditionalCheckFailedException"}}, "PutItem")
    )
