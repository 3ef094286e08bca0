"""Call every handler with API Gateway proxy events, on an in-process DynamoDB: no AWS needed.

    python test_local.py

Starts moto's DynamoDB in this process, creates the tables `template.yaml` declares (with
codegen.serve.dynamodb_tables, as the local server does), then walks through the API: the
happy path of every endpoint, unique emails and Idempotency-Key retries, and the usual
mistakes (missing fields, bad email, unknown id, bad limit, malformed JSON, forged cursor).
Each response is printed; the exit status is 1 if any of them is not what the walk
expects, else 0.

Importing this module does nothing: everything happens in `main()`.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
TEMPLATE_PATH = ROOT / "template.yaml"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
Body = Any


@dataclass
class Walk:
    """Runs the calls in order, prints each, and counts the surprises."""

    failures: int = 0
    calls: int = 0

    def call(
        self,
        handler: Handler,
        event: dict[str, Any],
        status: int,
        check: Callable[[Body], bool] = lambda body: True,
        *,
        title: str,
    ) -> Body:
        from tests.support.events import LambdaContext

        response = handler(event, LambdaContext())
        body = json.loads(response["body"]) if response.get("body") else None
        try:
            as_expected = check(body)
        except (KeyError, TypeError):  # not even the shape the check looks for
            as_expected = False
        ok = response["statusCode"] == status and _has_cors(response) and as_expected
        self.calls += 1
        self.failures += not ok
        verdict = "ok  " if ok else "FAIL"
        print(f"{verdict} {event['httpMethod']:6} {event['path']:45} -> {response['statusCode']}")
        print(f"     {title}")
        if not ok:
            print(f"     expected {status}; headers {response.get('headers')}")
        if body is not None:
            print(f"     {json.dumps(body)[:300]}")
        return body


def _has_cors(response: Mapping[str, Any]) -> bool:
    return (response.get("headers") or {}).get("Access-Control-Allow-Origin") == "*"


def _locations(body: Body) -> set[str]:
    return {error["location"] for error in body.get("errors", [])} if body else set()


def _prepare_environment() -> None:
    """Fake AWS settings, so nothing can reach a real account, and `src/` importable."""
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(variable, "testing")
    # moto only intercepts AWS's own endpoints: a local endpoint would be called for real.
    os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    # Signs pagination cursors; deployed, the SAM template generates it in Secrets Manager.
    os.environ.setdefault("CURSOR_SECRET", secrets.token_urlsafe(32))
    for path in (ROOT / "src", ROOT):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))


def walk_the_api(walk: Walk) -> None:
    """Every endpoint, in the order a client would use them. Needs the tables to exist."""
    from hello.handler import handler as hello
    from tests.support.events import api_event
    from users.create_user import handler as create_user
    from users.delete_user import handler as delete_user
    from users.get_user import handler as get_user
    from users.list_users import handler as list_users
    from users.update_user import handler as update_user

    def user_event(method: str, user_id: str, body: Any = None) -> dict[str, Any]:
        return api_event(method, "/users/{id}", path_parameters={"id": user_id}, body=body)

    walk.call(
        hello,
        api_event("GET", "/hello"),
        200,
        lambda b: b == {"message": "Hello from Lambda", "path": "/hello"},
        title="hello",
    )

    # Happy path.
    ada = walk.call(
        create_user,
        api_event("POST", "/users", body={"name": "Ada Lovelace", "email": "ada@example.com"}),
        201,
        lambda b: b["name"] == "Ada Lovelace" and b["created_at"] == b["updated_at"],
        title="create a user",
    )
    walk.call(
        create_user,
        api_event("POST", "/users", body={"name": "Grace Hopper", "email": "grace@example.com"}),
        201,
        title="create another",
    )
    ada_id = ada["id"] if isinstance(ada, dict) and "id" in ada else UNKNOWN_ID
    walk.call(get_user, user_event("GET", ada_id), 200, lambda b: b == ada, title="get it back")
    first = walk.call(
        list_users,
        api_event("GET", "/users", query={"limit": "1"}),
        200,
        lambda b: b["count"] == 1 and b["next_token"] is not None,
        title="list, one per page",
    )
    token = first["next_token"] if isinstance(first, dict) and first["next_token"] else "x"
    walk.call(
        list_users,
        api_event("GET", "/users", query={"limit": "1", "next_token": token}),
        200,
        lambda b: b["count"] == 1 and b["users"] != first["users"],
        title="the next page",
    )
    walk.call(
        list_users,
        api_event("GET", "/users"),
        200,
        lambda b: b["count"] == 2 and b["next_token"] is None,
        title="list, default limit (never an email claim)",
    )
    walk.call(
        update_user,
        user_event("PATCH", ada_id, {"email": "ada@lovelace.example"}),
        200,
        lambda b: b["email"] == "ada@lovelace.example" and b["name"] == "Ada Lovelace",
        title="change the email only",
    )

    # Unique emails (compared case-insensitively) and safely retried creates.
    walk.call(
        create_user,
        api_event("POST", "/users", body={"name": "Grace", "email": "GRACE@example.com"}),
        409,
        lambda b: b == {"message": "Email already in use"},
        title="create with another user's email, in another case",
    )
    walk.call(
        update_user,
        user_event("PATCH", ada_id, {"email": "grace@example.com"}),
        409,
        title="change the email to another user's",
    )
    walk.call(
        update_user,
        user_event("PATCH", ada_id, {"email": "ADA@lovelace.example"}),
        200,
        lambda b: b["email"] == "ADA@lovelace.example",
        title="change the email to itself in another case",
    )
    keyed = {"Idempotency-Key": "local-walk-1"}
    alan = {"name": "Alan Turing", "email": "alan@example.com"}
    first_alan = walk.call(
        create_user,
        api_event("POST", "/users", body=alan, headers=keyed),
        201,
        title="create with an Idempotency-Key",
    )
    walk.call(
        create_user,
        api_event("POST", "/users", body=alan, headers=keyed),
        201,
        lambda b: b == first_alan,
        title="the same request again: the first answer, nothing created",
    )
    walk.call(
        create_user,
        api_event("POST", "/users", body={**alan, "name": "Alan"}, headers=keyed),
        422,
        title="the same key with another body",
    )

    # Mistakes.
    walk.call(
        create_user,
        api_event("POST", "/users", body={}),
        400,
        lambda b: _locations(b) >= {"body.name", "body.email"},
        title="create without name and email",
    )
    walk.call(
        create_user,
        api_event("POST", "/users", body={"name": "Ada", "email": "not-an-email"}),
        400,
        lambda b: _locations(b) == {"body.email"},
        title="create with a bad email",
    )
    walk.call(
        create_user,
        api_event(
            "POST", "/users", body='{"name": "Ada",', headers={"Content-Type": "application/json"}
        ),
        400,
        lambda b: _locations(b) == {"body"},
        title="create with malformed JSON",
    )
    walk.call(
        get_user,
        user_event("GET", UNKNOWN_ID),
        404,
        lambda b: b == {"message": "User not found"},
        title="get an unknown id",
    )
    walk.call(
        get_user,
        user_event("GET", "12345"),
        400,
        lambda b: _locations(b) == {"path.id"},
        title="get an id that is not a UUID",
    )
    for limit in ("0", "101", "ten"):
        walk.call(
            list_users,
            api_event("GET", "/users", query={"limit": limit}),
            400,
            lambda b: _locations(b) == {"query.limit"},
            title=f"list with limit={limit}",
        )
    walk.call(
        list_users,
        api_event("GET", "/users", query={"next_token": "eyJpZCI6ICJub3BlIn0"}),
        400,
        lambda b: _locations(b) == {"query.next_token"},
        title="list with a forged next_token",
    )
    walk.call(
        update_user,
        user_event("PATCH", UNKNOWN_ID, {"name": "Nobody"}),
        404,
        title="update an unknown id",
    )
    walk.call(
        update_user,
        user_event("PATCH", ada_id, {}),
        400,
        title="update with nothing to change",
    )

    # Delete, and it is gone.
    walk.call(delete_user, user_event("DELETE", ada_id), 204, title="delete")
    walk.call(delete_user, user_event("DELETE", ada_id), 404, title="delete again")
    walk.call(get_user, user_event("GET", ada_id), 404, title="get the deleted user")
    walk.call(
        create_user,
        api_event("POST", "/users", body={"name": "Ada", "email": "ada@lovelace.example"}),
        201,
        title="the deleted user's email is free again",
    )


def walk_the_gateway(walk: Walk) -> None:
    """Authenticated calls through the local gateway, which verifies keys and tokens."""
    from werkzeug.test import Client

    from codegen.serve import create_app
    from tests.support.credentials import auth_headers

    app = create_app(ROOT)  # its own embedded moto DynamoDB, started here
    try:
        client = Client(app)
        every = auth_headers()  # what `python -m codegen credentials` prints
        reader = auth_headers(client="mobile")  # a team granted users/read only
        new_user = {"name": "Katherine Johnson", "email": "katherine@example.com"}
        calls: list[tuple[str, str, str, dict[str, str], Any, int]] = [
            ("no credentials: the authorizer refuses", "POST", "/users", {}, new_user, 401),
            ("token without users/write", "POST", "/users", reader, new_user, 401),
            ("unknown API key", "GET", "/users", {**every, "x-api-key": "nope"}, None, 403),
            ("authenticated create", "POST", "/users", every, new_user, 201),
            ("authenticated list, read scope", "GET", "/users", reader, None, 200),
        ]
        for title, method, path, headers, body, status in calls:
            response = client.open(path, method=method, headers=headers, json=body)
            payload = response.get_json(silent=True)
            cors = response.headers.get("Access-Control-Allow-Origin") == "*"
            ok = response.status_code == status and cors
            walk.calls += 1
            walk.failures += not ok
            verdict = "ok  " if ok else "FAIL"
            print(f"{verdict} {method:6} {path:45} -> {response.status_code}  (via the gateway)")
            print(f"     {title}")
            if payload is not None:
                print(f"     {json.dumps(payload)[:300]}")
    finally:
        app.close()


def main() -> int:
    _prepare_environment()
    import boto3
    from moto import mock_aws

    from codegen.serve.dynamodb_tables import ensure_tables
    from utils import dynamodb

    walk = Walk()
    with mock_aws():
        dynamodb.clear_cache()  # a client built before the mock would bypass it
        names = ensure_tables(TEMPLATE_PATH, boto3.resource("dynamodb"))
        os.environ.update(names)
        print(f"moto DynamoDB with the tables of {TEMPLATE_PATH.name}: {names}\n")
        try:
            walk_the_api(walk)
        finally:
            dynamodb.clear_cache()
    print("\nThrough the local API Gateway, which verifies API keys and access tokens:\n")
    walk_the_gateway(walk)
    print(f"\n{walk.calls - walk.failures}/{walk.calls} responses as expected")
    return 1 if walk.failures else 0


if __name__ == "__main__":
    sys.exit(main())
