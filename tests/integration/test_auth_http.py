"""Issue 11's proof over HTTP: every secured operation, every way to get credentials wrong.

`python -m codegen serve` (embedded moto) on a free loopback port, called with `requests`.
For each of the five /users operations: no credentials, key only, token only, unknown key,
expired token, token signed by another key, token from another issuer, `alg: none`, token
without the operation's scope, and token with it. Each refusal has API Gateway's exact
status and envelope (UNAUTHORIZED 401 `{"message": "Unauthorized"}`, INVALID_API_KEY 403
`{"message": "Forbidden"}`) with the CORS headers, and stores nothing.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from codegen.serve.auth.minting import access_token_claims, sign
from tests.support.credentials import auth_headers, local_credentials
from tests.support.servers import ServerProcess, codegen_server

pytestmark = pytest.mark.slow

CREDENTIALS = local_credentials()
CLIENT = CREDENTIALS.clients["backoffice"]  # granted users/read and users/write
KEY = {"x-api-key": CLIENT.api_key}
READ, WRITE = "users/read", "users/write"
UNAUTHORIZED = (401, {"message": "Unauthorized"})
FORBIDDEN = (403, {"message": "Forbidden"})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_for(scopes: tuple[str, ...], **overrides: Any) -> str:
    claims = {**access_token_claims(CREDENTIALS.issuer, CLIENT.client_id, scopes), **overrides}
    return sign(claims, CREDENTIALS.private_key(), CREDENTIALS.key_id)


@dataclass(frozen=True)
class Op:
    name: str
    method: str
    path: str  # {id} is a user the test creates
    scope: str
    success: int
    body: dict[str, Any] | None = None

    @property
    def other_scope(self) -> str:
        return WRITE if self.scope == READ else READ


OPERATIONS = (
    Op("listUsers", "GET", "/users", READ, 200),
    Op("getUser", "GET", "/users/{id}", READ, 200),
    Op("createUser", "POST", "/users", WRITE, 201, {"name": "Eve", "email": "eve@example.com"}),
    Op("updateUser", "PATCH", "/users/{id}", WRITE, 200, {"name": "Mallory"}),
    Op("deleteUser", "DELETE", "/users/{id}", WRITE, 204),
)

Headers = Callable[[Op], dict[str, str]]
# name -> (headers for the operation, the refusal expected), in the order.
REFUSED: dict[str, tuple[Headers, tuple[int, dict[str, str]]]] = {
    "no credentials": (lambda op: {}, UNAUTHORIZED),
    # The authorizer is checked before the key: a valid key does not help.
    "key only": (lambda op: KEY, UNAUTHORIZED),
    "token only": (lambda op: bearer(token_for((op.scope,))), FORBIDDEN),
    "unknown key": (
        lambda op: {**bearer(token_for((op.scope,))), "x-api-key": "Z" * 40},
        FORBIDDEN,
    ),
    "expired token": (
        lambda op: {**KEY, **bearer(token_for((op.scope,), exp=int(time.time()) - 60))},
        UNAUTHORIZED,
    ),
    "token signed by another key": (
        lambda op: {**KEY, **bearer(other_key_token(op))},
        UNAUTHORIZED,
    ),
    "token from another issuer": (
        lambda op: {
            **KEY,
            **bearer(token_for((op.scope,), iss="https://cognito-idp.us-east-1.amazonaws.com/x")),
        },
        UNAUTHORIZED,
    ),
    "alg none": (lambda op: {**KEY, **bearer(unsigned(op))}, UNAUTHORIZED),
    "token without the scope": (
        lambda op: {**KEY, **bearer(token_for((op.other_scope,)))},
        UNAUTHORIZED,
    ),
}


def other_key_token(op: Op) -> str:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = access_token_claims(CREDENTIALS.issuer, CLIENT.client_id, (op.scope,))
    return sign(claims, other, CREDENTIALS.key_id)  # same kid: only the signature is wrong


def unsigned(op: Op) -> str:
    claims = access_token_claims(CREDENTIALS.issuer, CLIENT.client_id, (op.scope,))
    return jwt.encode(claims, "", algorithm="none", headers={"kid": CREDENTIALS.key_id})


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    with codegen_server() as running:
        yield running


def call(server: ServerProcess, op: Op, user_id: str, headers: dict[str, str]) -> requests.Response:
    return requests.request(
        op.method,
        server.url + op.path.replace("{id}", user_id),
        json=unique_email(op.body),
        headers=headers,
        timeout=10,
    )


def unique_email(body: dict[str, Any] | None) -> dict[str, Any] | None:
    """`body` with an email no other test used: emails are unique (issue 12)."""
    if body is None or "email" not in body:
        return body
    local, domain = str(body["email"]).split("@")
    return {**body, "email": f"{local}-{uuid.uuid4().hex[:12]}@{domain}"}


def create_user(server: ServerProcess, name: str) -> dict[str, Any]:
    body = unique_email({"name": name, "email": f"{name.lower()}@example.com"})
    created = requests.post(f"{server.url}/users", json=body, headers=auth_headers(), timeout=10)
    assert created.status_code == 201, created.text
    user: dict[str, Any] = created.json()
    return user


def stored(server: ServerProcess) -> list[dict[str, Any]]:
    """Every user, read with valid credentials."""
    page = requests.get(f"{server.url}/users?limit=100", headers=auth_headers(), timeout=10)
    assert page.status_code == 200, page.text
    users: list[dict[str, Any]] = page.json()["users"]
    return sorted(users, key=lambda user: str(user["id"]))


def assert_refused(response: requests.Response, expected: tuple[int, dict[str, str]]) -> None:
    assert (response.status_code, response.json()) == expected, response.text
    assert response.headers["Content-Type"] == "application/json"
    # The gateway responses carry the same CORS headers as every other answer.
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Api-Key" in response.headers["Access-Control-Allow-Headers"]
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]
    assert "x-amzn-RequestId" in response.headers["Access-Control-Expose-Headers"]
    assert response.headers["x-amzn-RequestId"]


@pytest.mark.parametrize("op", OPERATIONS, ids=[op.name for op in OPERATIONS])
@pytest.mark.parametrize("case", list(REFUSED), ids=list(REFUSED))
def test_wrong_credentials_are_refused_and_store_nothing(
    server: ServerProcess, op: Op, case: str
) -> None:
    user = create_user(server, "Victim")
    before = stored(server)
    headers, expected = REFUSED[case]
    assert_refused(call(server, op, user["id"], headers(op)), expected)
    assert stored(server) == before, "a refused request changed the table"


@pytest.mark.parametrize("op", OPERATIONS, ids=[op.name for op in OPERATIONS])
def test_a_token_with_the_scope_and_a_known_key_pass(server: ServerProcess, op: Op) -> None:
    user = create_user(server, "Alice")
    for token in (token_for((op.scope,)), token_for((op.other_scope, op.scope))):
        if op.name == "deleteUser":
            user = create_user(server, "Alice")
        response = call(server, op, user["id"], {**KEY, **bearer(token)})
        assert response.status_code == op.success, response.text
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_bare_token_is_accepted_like_the_bearer_form(server: ServerProcess) -> None:
    # API Gateway's Cognito authorizer takes the token with or without "Bearer ".
    bare = {**KEY, "Authorization": token_for((READ,))}
    assert requests.get(f"{server.url}/users", headers=bare, timeout=10).status_code == 200


def test_an_id_token_or_an_unknown_client_is_refused(server: ServerProcess) -> None:
    for claims in ({"token_use": "id"}, {"client_id": "someoneelse0000000000000000"}):
        headers = {**KEY, **bearer(token_for((READ,), **claims))}
        assert_refused(
            requests.get(f"{server.url}/users", headers=headers, timeout=10), UNAUTHORIZED
        )


def test_the_public_operation_needs_nothing(server: ServerProcess) -> None:
    assert requests.get(f"{server.url}/hello", timeout=10).status_code == 200
    assert requests.options(f"{server.url}/users", timeout=10).status_code == 204  # preflight


def test_the_log_names_refusals_but_never_a_token_or_key(server: ServerProcess) -> None:
    token = token_for((READ,), exp=int(time.time()) - 60)
    requests.get(f"{server.url}/users", headers={**KEY, **bearer(token)}, timeout=10)
    user = create_user(server, "Audited")
    deleted = requests.delete(
        f"{server.url}/users/{user['id']}",
        headers={**KEY, **bearer(token_for((WRITE,)))},
        timeout=10,
    )
    assert deleted.status_code == 204
    output = server.process.output()
    assert "401 UNAUTHORIZED (token expired)" in output
    # The function's one request line names the caller (the token's client id, nothing
    # secret); it carries the deleted user's id too (`annotate`, tests/observability).
    assert re.search(rf"deleteUser 204 \S+ lambda=\S+ api=\S+ client={CLIENT.client_id}", output)
    assert "deleted by client" not in output  # no second record of the handler's own
    # The request line names the client team whose key came with the request.
    assert re.search(rf"DELETE /users/{user['id']} 204 \S+ \S+ client=backoffice", output)
    log = output.split("Serving openapi.yaml", 1)[1]  # after the banner, which lists the keys
    assert CLIENT.api_key not in log
    assert token not in log and token.split(".")[1] not in log
