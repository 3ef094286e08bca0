"""DynamoDB faults injected below botocore's retry logic, into one client (the tests').

Neither moto nor DynamoDB Local throttles, fails or stalls on demand ("DynamoDB local
usage notes"), and botocore's `Stubber` answers before the retry logic runs. A handler on
`before-send.dynamodb.<Operation>` instead replaces one *attempt*: what it returns
(an `AWSResponse`) is parsed as DynamoDB's answer, and what it raises (botocore's
connection errors) is what urllib3 would have raised, so the SDK's standard-mode retries,
backoff and timeouts all run exactly as they would on AWS (FIELD-NOTES.md, "DynamoDB
transactions and faults"). The request itself is never sent. The faults are the ones
`serve --chaos` answers at the endpoint (codegen/serve/faults.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.exceptions import (
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from codegen.serve.faults import NAMES, SERVER_ERRORS, THROTTLES, Fault, conflict

__all__ = ["NAMES", "Injection", "apply", "http", "injection", "parsed", "read_timeout"]

_URL = "https://dynamodb.us-east-1.amazonaws.com/"


class ResponseBody:
    """What AWSResponse reads its content from (`raw.stream()`): a canned answer's bytes."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


# What one attempt meets. Each is a function of the request (a transaction's cancellation
# needs one reason per action) returning an answer, or raising the connection error.
Injection = Callable[[Any], AWSResponse]


def http(fault: Fault) -> AWSResponse:
    """As it comes over the wire, for `before-send` (parsed by botocore as the real one)."""
    status, fields, body = fault.wire()
    headers = HTTPHeaders()
    for name, value in fields.items():
        headers[name] = value
    return AWSResponse(_URL, status, headers, ResponseBody(body))


def answering(fault: Fault) -> Injection:
    """This answer, for every attempt it is injected into."""
    return lambda request: http(fault)


def parsed(fault: Fault) -> tuple[AWSResponse, dict[str, Any]]:
    """As botocore has parsed it, for `before-call`."""
    metadata = {"HTTPStatusCode": fault.status, "RequestId": "injected", "RetryAttempts": 0}
    return http(fault), {
        "Error": {"Code": fault.code, "Message": fault.message},
        "ResponseMetadata": metadata,
        **fault.fields,
    }


def _conflict(request: Any) -> AWSResponse:
    return http(conflict(request.body))


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


def injection(name: str, read_timeout_seconds: float = 1.0) -> Injection:
    """The injection called `name` (KeyError for an unknown one: see `NAMES`)."""
    if name in THROTTLES:
        return answering(THROTTLES[name])
    if name in SERVER_ERRORS:
        return answering(SERVER_ERRORS[name])
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
