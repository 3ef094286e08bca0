"""The bare handler: every operation by hand, json + manual checks, no framework.

Its store is an in-memory table (no DynamoDB, no boto3): this is the floor for
a handler that does not touch DynamoDB (GET /hello). `bare_boto3` is the same
code with a real boto3 `Table` resource.
"""

from __future__ import annotations

from typing import Any

from bench.alternatives import manual
from bench.alternatives.memtable import MemTable

TABLE: Any = MemTable()


def hello(event: dict[str, Any]) -> dict[str, Any]:
    return manual.respond(200, {"message": "Hello from Lambda", "path": event.get("path")})


def list_users(event: dict[str, Any]) -> dict[str, Any]:
    query = event.get("queryStringParameters") or {}
    limit, errors = manual.check_limit(query.get("limit"))
    token = query.get("next_token")
    errors += manual.check_token(token)
    start, token_errors = manual.decode_token(token) if not errors else (None, [])
    errors += token_errors
    if errors:
        return manual.invalid(errors)
    return manual.respond(200, manual.op_list(TABLE, limit, start))


def create_user(event: dict[str, Any]) -> dict[str, Any]:
    body, error = manual.parse_json_body(event)
    if error is not None:
        return error
    errors = manual.check_user_body(body, patch=False)
    if errors:
        return manual.invalid(errors)
    item = manual.op_create(TABLE, body)
    return manual.respond(201, item, {"Location": f"/users/{item['id']}"})


def get_user(event: dict[str, Any]) -> dict[str, Any]:
    user_id: Any = (event.get("pathParameters") or {}).get("id")
    errors = manual.check_id(user_id)
    if errors:
        return manual.invalid(errors)
    item = manual.op_get(TABLE, user_id)
    return manual.not_found() if item is None else manual.respond(200, item)


def update_user(event: dict[str, Any]) -> dict[str, Any]:
    user_id: Any = (event.get("pathParameters") or {}).get("id")
    errors = manual.check_id(user_id)
    body, error = manual.parse_json_body(event)
    if error is not None and not errors:
        return error
    errors += manual.check_user_body(body, patch=True) if error is None else []
    if errors:
        return manual.invalid(errors)
    item = manual.op_update(TABLE, user_id, body)
    return manual.not_found() if item is None else manual.respond(200, item)


def delete_user(event: dict[str, Any]) -> dict[str, Any]:
    user_id: Any = (event.get("pathParameters") or {}).get("id")
    errors = manual.check_id(user_id)
    if errors:
        return manual.invalid(errors)
    return manual.respond(204) if manual.op_delete(TABLE, user_id) else manual.not_found()


ROUTES = {
    ("GET", "/hello"): hello,
    ("GET", "/users"): list_users,
    ("POST", "/users"): create_user,
    ("GET", "/users/{id}"): get_user,
    ("PATCH", "/users/{id}"): update_user,
    ("DELETE", "/users/{id}"): delete_user,
}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    operation = ROUTES.get((event.get("httpMethod", ""), event.get("resource", "")))
    if operation is None:
        return manual.respond(404, {"message": "Not found"})
    try:
        return operation(event)
    except Exception:
        return manual.respond(500, {"message": "Internal server error"})
