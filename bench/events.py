"""API Gateway REST proxy events (payload v1) for every operation, valid and invalid.

The same event objects are fed to every variant, so they all do the same job.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

SEED_ID = "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b"


@dataclass(frozen=True)
class Case:
    """One request of one operation and the statuses a correct variant may answer."""

    operation_id: str
    kind: str  # "valid" or "invalid"
    event: dict[str, Any]
    expected: tuple[int, ...]


def make_event(
    method: str,
    resource: str,
    path: str,
    *,
    path_params: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    body: Any = None,
    content_type: str = "application/json",
) -> dict[str, Any]:
    """A realistic REST proxy event, shaped as API Gateway sends it (stage `Prod`)."""
    headers = {
        "Accept": "application/json",
        "Accept-Encoding": "gzip, deflate",
        "Host": "abc123.execute-api.us-east-1.amazonaws.com",
        "User-Agent": "bench/1.0",
        "X-Amzn-Trace-Id": "Root=1-6743a1b2-0123456789abcdef01234567",
        "X-Forwarded-For": "203.0.113.7",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
    }
    text = None
    if body is not None:
        text = body if isinstance(body, str) else json.dumps(body)
        headers["Content-Type"] = content_type
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": dict(query) if query else None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": dict(path_params) if path_params else None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "abc123",
            "resourcePath": resource,
            "httpMethod": method,
            "extendedRequestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "requestTime": "24/Nov/2026:19:00:00 +0000",
            "path": f"/Prod{path}",
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": "Prod",
            "domainPrefix": "abc123",
            "requestTimeEpoch": 1795546800000,
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "bench/1.0"},
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "apiId": "abc123",
        },
        "body": text,
        "isBase64Encoded": False,
    }


class LambdaContext:
    """Enough of the Lambda context object for every variant."""

    function_name = "bench"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    memory_limit_in_mb = 128
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "2026/11/24/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


OPERATIONS = ("hello", "listUsers", "createUser", "getUser", "updateUser", "deleteUser")
USERS_OPERATIONS = OPERATIONS[1:]
OK_STATUSES: dict[str, tuple[int, ...]] = {
    "hello": (200,),
    "listUsers": (200,),
    "createUser": (201,),
    "getUser": (200,),
    "updateUser": (200,),
    "deleteUser": (204,),
}
# 400 is the spec's answer; Powertools answers 422 to validation errors by design.
INVALID_STATUSES = (400, 422)


def cases() -> list[Case]:
    """A valid request of every operation, and an invalid one where one is possible."""
    user = f"/users/{SEED_ID}"
    ids = {"id": SEED_ID}
    bad_ids = {"id": "not-a-uuid"}
    valid = {
        "hello": make_event("GET", "/hello", "/hello"),
        "listUsers": make_event("GET", "/users", "/users", query={"limit": "10"}),
        "createUser": make_event(
            "POST", "/users", "/users", body={"name": "Ada Lovelace", "email": "ada@example.com"}
        ),
        "getUser": make_event("GET", "/users/{id}", user, path_params=ids),
        "updateUser": make_event(
            "PATCH",
            "/users/{id}",
            user,
            path_params=ids,
            body={"email": "ada@lovelace.example.com"},
        ),
        "deleteUser": make_event("DELETE", "/users/{id}", user, path_params=ids),
    }
    invalid = {
        # GET /hello has no parameter and no body: no request to it is invalid.
        "listUsers": make_event("GET", "/users", "/users", query={"limit": "0"}),
        "createUser": make_event(
            "POST", "/users", "/users", body={"name": "", "email": "not-an-email"}
        ),
        "getUser": make_event("GET", "/users/{id}", "/users/not-a-uuid", path_params=bad_ids),
        "updateUser": make_event("PATCH", "/users/{id}", user, path_params=ids, body={}),
        "deleteUser": make_event("DELETE", "/users/{id}", "/users/not-a-uuid", path_params=bad_ids),
    }
    out = [Case(op, "valid", valid[op], OK_STATUSES[op]) for op in OPERATIONS]
    out += [
        Case(op, "invalid", invalid[op], INVALID_STATUSES) for op in OPERATIONS if op in invalid
    ]
    return out
