"""API Gateway REST proxy events (payload v1) for every operation, valid and invalid.

The same event objects are fed to every variant, so they all do the same job. A request
to a secured operation carries what the deployed API hands the function: the caller's
`Authorization: Bearer` access token and `x-api-key` headers (API Gateway passes them
through), the key's id in `requestContext.identity`, and the claims the Cognito user
pool authorizer verified in `requestContext.authorizer.claims` (every value a string).
A variant that checks the spec's security (openapi-core) finds the credentials it looks
for; ours reads the caller's client id from the claims, as deployed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

SEED_ID = "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b"  # the one user bench.fake_dynamodb holds
IDEMPOTENCY_KEY = "5d1c6a0e-2b7f-4c39-9e84-0a1b2c3d4e5f"
# Made-up credentials of the shape the deployed API sees (no real token or key).
ACCESS_TOKEN = "eyJraWQiOiJiZW5jaCIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiJiZW5jaCJ9.c2lnbmF0dXJl"
API_KEY = "bEnChKeY0123456789abcdefghijklmnopqrstu"
API_KEY_ID = "a1b2c3d4e5"
CLIENT_ID = "4s1b2c3d4e5f6g7h8i9j0k1l2m"
USER_POOL = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Bench0001"


@dataclass(frozen=True)
class Case:
    """One request of one operation and the statuses a correct variant may answer."""

    operation_id: str
    kind: str  # "valid", "invalid", or "keyed" (a create with an Idempotency-Key)
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
    scope: str | None = None,
    extra_headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A realistic REST proxy event, shaped as API Gateway sends it (stage `Prod`).

    With `scope` (the operation's OAuth scope): an authenticated request, as it reaches
    the function after the Cognito authorizer and the API key check."""
    headers = {
        "Accept": "application/json",
        "Accept-Encoding": "gzip, deflate",
        "Host": "abc123.execute-api.us-east-1.amazonaws.com",
        "User-Agent": "bench/1.0",
        "X-Amzn-Trace-Id": "Root=1-6743a1b2-0123456789abcdef01234567",
        "X-Forwarded-For": "203.0.113.7",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
        **(extra_headers or {}),
    }
    text = None
    if body is not None:
        text = body if isinstance(body, str) else json.dumps(body)
        headers["Content-Type"] = content_type
    identity: dict[str, Any] = {"sourceIp": "203.0.113.7", "userAgent": "bench/1.0"}
    authorizer = None
    if scope is not None:
        headers["Authorization"] = f"Bearer {ACCESS_TOKEN}"
        headers["x-api-key"] = API_KEY
        identity.update({"apiKey": API_KEY, "apiKeyId": API_KEY_ID})
        authorizer = {"claims": _claims(scope)}
    event: dict[str, Any] = {
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
            "identity": identity,
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "apiId": "abc123",
        },
        "body": text,
        "isBase64Encoded": False,
    }
    if authorizer is not None:
        event["requestContext"]["authorizer"] = authorizer
    return event


def _claims(scope: str) -> dict[str, str]:
    """An access token's claims as the Cognito authorizer hands them on (client-credentials
    grant: no user, the app client is the caller)."""
    return {
        "sub": CLIENT_ID,
        "token_use": "access",
        "scope": scope,
        "auth_time": "1795546790",
        "iss": USER_POOL,
        "exp": "Tue Nov 24 20:00:00 UTC 2026",
        "iat": "Tue Nov 24 19:00:00 UTC 2026",
        "version": "2",
        "jti": "5f1b7c3e-0a2d-4c6b-8e9f-102938475600",
        "client_id": CLIENT_ID,
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


# Each secured operation's OAuth scope, as openapi.yaml's `security` requires it (a test
# keeps the two in step); hello is public.
SCOPES: dict[str, str] = {
    "listUsers": "users/read",
    "createUser": "users/write",
    "getUser": "users/read",
    "updateUser": "users/write",
    "deleteUser": "users/write",
}


def cases() -> list[Case]:
    """A valid request of every operation, a create with an Idempotency-Key, and an invalid
    request where one is possible; every request to a secured operation is authenticated
    (the gateway lets no other through)."""
    user = f"/users/{SEED_ID}"
    ids = {"id": SEED_ID}
    bad_ids = {"id": "not-a-uuid"}

    def event(op: str, method: str, resource: str, path: str, **kwargs: Any) -> dict[str, Any]:
        return make_event(method, resource, path, scope=SCOPES.get(op), **kwargs)

    valid = {
        "hello": event("hello", "GET", "/hello", "/hello"),
        "listUsers": event("listUsers", "GET", "/users", "/users", query={"limit": "10"}),
        "createUser": event(
            "createUser",
            "POST",
            "/users",
            "/users",
            body={"name": "Ada Lovelace", "email": "ada@example.com"},
        ),
        "getUser": event("getUser", "GET", "/users/{id}", user, path_params=ids),
        "updateUser": event(
            "updateUser",
            "PATCH",
            "/users/{id}",
            user,
            path_params=ids,
            body={"email": "ada@lovelace.example.com"},
        ),
        "deleteUser": event("deleteUser", "DELETE", "/users/{id}", user, path_params=ids),
    }
    invalid = {
        # GET /hello has no parameter and no body: no request to it is invalid.
        "listUsers": event("listUsers", "GET", "/users", "/users", query={"limit": "0"}),
        "createUser": event(
            "createUser", "POST", "/users", "/users", body={"name": "", "email": "not-an-email"}
        ),
        "getUser": event("getUser", "GET", "/users/{id}", "/users/not-a-uuid", path_params=bad_ids),
        "updateUser": event("updateUser", "PATCH", "/users/{id}", user, path_params=ids, body={}),
        "deleteUser": event(
            "deleteUser", "DELETE", "/users/{id}", "/users/not-a-uuid", path_params=bad_ids
        ),
    }
    keyed = event(
        "createUser",
        "POST",
        "/users",
        "/users",
        body={"name": "Ada Lovelace", "email": "ada@example.com"},
        extra_headers={"Idempotency-Key": IDEMPOTENCY_KEY},
    )
    out = [Case(op, "valid", valid[op], OK_STATUSES[op]) for op in OPERATIONS]
    out.append(Case("createUser", "keyed", keyed, OK_STATUSES["createUser"]))
    out += [
        Case(op, "invalid", invalid[op], INVALID_STATUSES) for op in OPERATIONS if op in invalid
    ]
    return out
