"""Response building and the error guard shared by every handler (Lambda run time).

A handler validates its request (`generated.operations.<op>.validate`), does its work and
returns a response; it answers what it refuses by raising an `HttpError` subclass (the
domain's errors, which know their status and message), and lets anything unexpected
propagate: `guarded` turns both into responses, once for every handler. `validate`
returns its 400/415/404 instead of raising it: a refusal is what a check is expected to
answer, the union in its signature makes mypy hold a handler to it, and its other callers
(the local mock, the oracle tests) want the response as a value (docs/ARCHITECTURE.md,
`generated.operations`).

Standard library only: this runs in every cold start, so it imports nothing the Lambda
runtime has not already loaded (json, logging, functools, decimal), and it recognises
botocore's errors by name instead of importing botocore.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from decimal import Decimal

# The spec's CORS headers, rendered into the package (generated/__init__.py); re-exported.
from generated import CORS_HEADERS as CORS_HEADERS
from generated import observability

# `typing` is for mypy only: importing it would cost every cold start 2.5 ms
# (`python -X importtime`), and type checkers treat any `TYPE_CHECKING` name as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    Response = dict[str, Any]
    Event = TypeVar("Event")
    Context = TypeVar("Context")
else:
    Response = dict  # the same type at run time, an API Gateway proxy response

RETRY_AFTER_SECONDS = "1"
REQUEST_ID_HEADER = "x-amzn-RequestId"

# DynamoDB error codes for a request refused for throughput (DynamoDB Developer Guide,
# "Error handling"; LimitExceededException is the control plane's). The one list of them
# in the functions' code: utils.metrics counts these, `is_unavailable` answers them 503.
THROTTLING_CODES = frozenset(
    {
        "LimitExceededException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "ThrottlingException",
    }
)
# DynamoDB error codes that mean "try again later", not "your request is wrong".
RETRY_LATER_CODES = THROTTLING_CODES | {
    "InternalServerError",
    "ServiceUnavailable",
    # A single-item write on an item a transaction holds (DynamoDB API Reference,
    # "TransactionConflictException"): the transaction ends within milliseconds.
    "TransactionConflictException",
}
# botocore exception classes for a connection that failed or timed out.
_CONNECTION_ERRORS = frozenset(
    {
        "ConnectTimeoutError",
        "ConnectionClosedError",
        "ConnectionError",
        "EndpointConnectionError",
        "ReadTimeoutError",
    }
)


_JSON_HEADERS = {"Content-Type": "application/json", **CORS_HEADERS}


class HttpError(Exception):
    """An error answer given by raising: `guarded` answers it with
    `error_response(status, message, headers=headers)`, and adds one to the request's
    `metric` counter (`observability.count`) when it names one.

    The base of the domain's refusals (not found, conflict, ...), so that each is turned
    into a response once, here, rather than in every handler that can meet it. The
    attributes are read from the instance: a subclass may set them per error (a
    `Retry-After` computed when raised, say). A refusal is an answer, not a failure: the
    request's log line names no error code for it, as for any other 4xx a handler returns.
    """

    status = 500
    message = "Internal server error"
    headers: Mapping[str, str] = {}
    metric: str | None = None  # a service counter this answer adds to, e.g. "Conflicts"

    def response(self) -> Response:
        if self.metric:
            observability.count(self.metric)
        return error_response(self.status, self.message, headers=self.headers)


def json_response(
    status: int, body: Any = None, headers: Mapping[str, str] | None = None
) -> Response:
    """An API Gateway proxy response with a JSON body and the CORS headers."""
    text = "" if status == 204 or body is None else _encode(body)
    all_headers = dict(_JSON_HEADERS)
    if headers:
        all_headers.update(headers)
    return {"statusCode": status, "headers": all_headers, "body": text}


def error_response(
    status: int,
    message: str,
    errors: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """`{"message": ...}` (plus `"errors"` when given): the one error shape of the API."""
    body: dict[str, Any] = {"message": message}
    if errors is not None:
        body["errors"] = errors
    return json_response(status, body, headers)


def guarded(handler: Callable[[Event, Context], Response]) -> Callable[[Event, Context], Response]:
    """Answer an `HttpError` with its response, turn every unexpected exception into a
    JSON 500 (or 503 when DynamoDB is busy), and write the request's log line and metrics
    (`generated.observability`).

    The details go to the log with the request id, never to the caller: no
    traceback, exception class or table name leaves the function. Every response
    carries API Gateway's request id as `x-amzn-RequestId`, which a client can quote.
    """

    @functools.wraps(handler)
    def wrapper(event: Event, context: Context) -> Response:
        started = observability.begin()
        error_code = error_at = None
        try:
            response = handler(event, context)
        except HttpError as refusal:
            response = refusal.response()
        except Exception as exc:
            response, error_code, error_at = _failure(exc)
        _add_request_id(event, response)
        status = response.get("statusCode") if isinstance(response, dict) else None
        observability.finish(
            event,
            context,
            status if isinstance(status, int) else 502,
            started,
            error_code,
            error_at,
        )
        return response

    return wrapper


def _failure(exc: Exception) -> tuple[Response, str, str | None]:
    """The 503 or 500 for an exception, the error code the request's log line names it
    by, and for a 500 where it was raised (the line's `errorAt`: one line per request).

    Never the exception's message, which may quote request data (botocore's parameter
    validation errors quote the values).
    """
    code = error_code(exc)
    if is_unavailable(exc):
        return (
            error_response(
                503,
                "Service temporarily unavailable, retry later",
                headers={"Retry-After": RETRY_AFTER_SECONDS},
            ),
            code,
            None,
        )
    return error_response(500, "Internal server error"), code, _where(exc)


def _where(exc: BaseException) -> str:
    """The raising frames as `file:line function`, innermost last (no values, no message)."""
    import traceback  # only on the error path: a cold start does not pay for it

    frames = traceback.extract_tb(exc.__traceback__)[-5:]
    return " < ".join(
        f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames)
    )


def _add_request_id(event: Any, response: Any) -> None:
    """`x-amzn-RequestId`: API Gateway's request id, the one its access log and answers use."""
    context = event.get("requestContext") if isinstance(event, Mapping) else None
    request_id = context.get("requestId") if isinstance(context, Mapping) else None
    headers = response.get("headers") if isinstance(response, dict) else None
    if isinstance(request_id, str) and isinstance(headers, dict):
        headers.setdefault(REQUEST_ID_HEADER, request_id)


def is_unavailable(exc: BaseException) -> bool:
    """Is this botocore's way of saying DynamoDB is throttling or unreachable, or an
    exception that says so itself (`transient = True`: out of time or contention)?"""
    if getattr(type(exc), "transient", False) is True:
        return True
    if not type(exc).__module__.startswith("botocore"):
        return False
    response = getattr(exc, "response", None)
    if isinstance(response, Mapping):
        error = response.get("Error")
        if isinstance(error, Mapping) and error.get("Code") in RETRY_LATER_CODES:
            return True
    return any(
        cls.__name__ in _CONNECTION_ERRORS and cls.__module__.startswith("botocore")
        for cls in type(exc).__mro__
    )


def error_code(exc: BaseException) -> str:
    """What the log says went wrong: DynamoDB's error code, else the exception's class."""
    response = getattr(exc, "response", None)
    if isinstance(response, Mapping):
        error = response.get("Error")
        if isinstance(error, Mapping) and error.get("Code"):
            return str(error["Code"])
    return str(getattr(exc, "code", None) or type(exc).__name__)


def _to_json(value: Any) -> Any:
    """json.dumps fallback for what boto3's resource API returns: Decimals and sets."""
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# `json.dumps(body, default=_to_json, allow_nan=False)` with the encoder built once:
# json.dumps builds a new JSONEncoder on every call that passes arguments. Sharing one is
# safe across threads: each `encode` call makes its own circular-reference markers.
_ENCODER = json.JSONEncoder(default=_to_json, allow_nan=False)
_encode = _ENCODER.encode
