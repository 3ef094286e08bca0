"""DynamoDB faults, injected below botocore's retry logic, for the tests
(tests/support/faults.py); `serve --chaos` (codegen/serve/chaos.py) answers the same faults
at the endpoint instead, without touching the handlers' client.

Neither moto nor DynamoDB Local throttles, fails or stalls on demand ("DynamoDB local
usage notes"), and botocore's `Stubber` answers before the retry logic runs. A handler on
`before-send.dynamodb.<Operation>` instead replaces one *attempt*: what it returns
(an `AWSResponse`) is parsed as DynamoDB's answer, and what it raises (botocore's
connection errors) is what urllib3 would have raised, so the SDK's standard-mode retries,
backoff and timeouts all run exactly as they would on AWS (FIELD-NOTES.md, "DynamoDB
transactions and faults"). The request itself is never sent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.exceptions import (
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
)

_URL = "https://dynamodb.us-east-1.amazonaws.com/"
_PREFIX = "com.amazonaws.dynamodb.v20120810#"


class ResponseBody:
    """What AWSResponse reads its content from (`raw.stream()`): a canned answer's bytes
    (here and in codegen/serve/embedded_dynamodb.py)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


# What one attempt meets. Each is a function of the request (a transaction's cancellation
# needs one reason per action) returning an answer, or raising the connection error.
Injection = Callable[[Any], AWSResponse]


@dataclass(frozen=True)
class Fault:
    """A DynamoDB JSON-protocol error answer."""

    status: int
    code: str
    message: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def wire(self) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body as DynamoDB sends them (also what `serve --chaos`
        answers at the endpoint)."""
        body = {"__type": f"{_PREFIX}{self.code}", "Message": self.message, **self.fields}
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "injected"}
        return self.status, headers, json.dumps(body).encode()

    def http(self) -> AWSResponse:
        """As it comes over the wire, for `before-send` (parsed by botocore as the real one)."""
        status, fields, body = self.wire()
        headers = HTTPHeaders()
        for name, value in fields.items():
            headers[name] = value
        return AWSResponse(_URL, status, headers, ResponseBody(body))

    def injection(self) -> Injection:
        """This answer, for every attempt it is injected into."""
        return lambda request: self.http()

    def parsed(self) -> tuple[AWSResponse, dict[str, Any]]:
        """As botocore has parsed it, for `before-call`."""
        metadata = {"HTTPStatusCode": self.status, "RequestId": "injected", "RetryAttempts": 0}
        return self.http(), {
            "Error": {"Code": self.code, "Message": self.message},
            "ResponseMetadata": metadata,
            **self.fields,
        }


def cancelled(*codes: str | None) -> Fault:
    """TransactionCanceledException with one CancellationReason per action, in order."""
    reasons = [{"Code": "None"} if code is None else {"Code": code} for code in codes]
    return Fault(
        400,
        "TransactionCanceledException",
        f"Transaction cancelled, please refer cancellation reasons for specific reasons {codes}",
        {"CancellationReasons": reasons},
    )


def throttled() -> Fault:
    return Fault(400, "ThrottlingException", "Rate of requests exceeds the allowed rate")


def conflict(body: bytes | None) -> Fault:
    """TransactionConflict on every action of a TransactWriteItems whose request `body` this
    is (another transaction holds the items); on a single-item call, DynamoDB's own
    conflict answer."""
    try:
        request = json.loads(body or b"{}")
        actions = request.get("TransactItems") if isinstance(request, dict) else None
    except (TypeError, ValueError):
        actions = None
    if isinstance(actions, list) and actions:
        return cancelled(*["TransactionConflict"] * len(actions))
    return Fault(400, "TransactionConflictException", "Transaction is ongoing for the item")


def _conflict(request: Any) -> AWSResponse:
    return conflict(request.body).http()


def _reset(request: Any) -> AWSResponse:
    """The peer closed the connection mid-request (what urllib3 raises on a RST)."""
    raise ConnectionClosedError(endpoint_url=request.url)


def _unreachable(request: Any) -> AWSResponse:
    """Nothing listens at the endpoint (a closed port: connection refused at once)."""
    raise EndpointConnectionError(endpoint_url=request.url)


def read_timeout(seconds: float) -> Injection:
    """The request went out and no answer came for `seconds` (the client's read timeout):
    the attempt blocks that long, as a real one would, then fails."""

    def stall(request: Any) -> AWSResponse:
        time.sleep(seconds)
        raise ReadTimeoutError(endpoint_url=request.url)

    return stall


# Every fault by the name `serve --chaos` and the tests use. Throttling is a 400 with the
# code (DynamoDB API Reference, "Error handling": ProvisionedThroughputExceededException,
# ThrottlingException, RequestLimitExceeded); InternalServerError a 500; the 503 is the
# front end's ServiceUnavailable.
THROTTLES: dict[str, Fault] = {
    "throttle": Fault(400, "ThrottlingException", "Rate of requests exceeds the allowed rate"),
    "provisioned": Fault(
        400,
        "ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded",
    ),
    "limit": Fault(400, "RequestLimitExceeded", "Throughput exceeds the current account limit"),
}
SERVER_ERRORS: dict[str, Fault] = {
    "internal": Fault(500, "InternalServerError", "Internal server error"),
    "unavailable": Fault(503, "ServiceUnavailable", "Service unavailable"),
}


def injection(name: str, read_timeout_seconds: float = 1.0) -> Injection:
    """The injection called `name` (KeyError for an unknown one: see `NAMES`)."""
    if name in THROTTLES:
        return THROTTLES[name].injection()
    if name in SERVER_ERRORS:
        return SERVER_ERRORS[name].injection()
    simple: dict[str, Injection] = {
        "conflict": _conflict,
        "reset": _reset,
        "unreachable": _unreachable,
    }
    if name in simple:
        return simple[name]
    if name == "timeout":
        return read_timeout(read_timeout_seconds)
    raise KeyError(name)


NAMES = (*THROTTLES, *SERVER_ERRORS, "conflict", "reset", "timeout", "unreachable")

# The event every injection hangs on; `.<Operation>` narrows it to one API call.
EVENT = "before-send.dynamodb"


def apply(injection: Injection, request: Any) -> AWSResponse:
    """Meet `injection` instead of sending `request`. moto's in-process mock also answers
    on `before-send` (botocore calls every handler there, not just until one answers) and
    would still run the request: pointing the replaced request elsewhere keeps moto from
    matching it, so a replaced attempt writes nothing there either, as on AWS."""
    request.url = "https://injected-fault.invalid/"
    return injection(request)


def register(client: Any, handler: Callable[..., Any], operation: str | None = None) -> str:
    """Put `handler` first on the client's `before-send` (before moto's or anyone's);
    returns the unique id to `unregister` it with."""
    event = EVENT if operation is None else f"{EVENT}.{operation}"
    unique_id = f"codegen-faults-{id(handler)}"
    client.meta.events.register_first(event, handler, unique_id=unique_id)
    return unique_id


def unregister(client: Any, unique_id: str, operation: str | None = None) -> None:
    event = EVENT if operation is None else f"{EVENT}.{operation}"
    client.meta.events.unregister(event, unique_id=unique_id)
