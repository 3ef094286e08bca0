"""The same API as a Chalice app (Chalice routes + the hand-written checks).

Chalice has no schema validation: the route functions use `manual`, like the
bare handler. `app(event, context)` is the Lambda handler; `chalice local`
serves it from a generated project whose app.py imports this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalice.app import Chalice, Request, Response

from bench.alternatives import manual, storage

app = Chalice(app_name="bench-users")
handler = app


def _request() -> Request:
    request = app.current_request
    assert request is not None  # set by Chalice before it calls a route
    return request


def _respond(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Response:
    out: dict[str, str | list[str]] = {**manual.CORS_HEADERS, **(headers or {})}
    if status == 204 or body is None:
        return Response(body="", status_code=status, headers=out)
    return Response(body=body, status_code=status, headers=out)


def _invalid(errors: manual.Errors) -> Response:
    return _respond(400, {"message": "Invalid request", "errors": errors})


def _not_found() -> Response:
    return _respond(404, {"message": "User not found"})


@app.route("/hello", methods=["GET"])
def hello() -> Response:
    return _respond(200, {"message": "Hello from Lambda", "path": "/hello"})


@app.route("/users", methods=["GET"])
def list_users() -> Response:
    query: Mapping[str, str] = _request().query_params or {}
    limit, errors = manual.check_limit(query.get("limit"))
    token = query.get("next_token")
    errors += manual.check_token(token)
    start, token_errors = manual.decode_token(token) if not errors else (None, [])
    errors += token_errors
    if errors:
        return _invalid(errors)
    return _respond(200, manual.op_list(storage.table(), limit, start))


@app.route("/users", methods=["POST"], content_types=["application/json"])
def create_user() -> Response:
    body = _request().json_body
    errors = manual.check_user_body(body, patch=False)
    if errors:
        return _invalid(errors)
    item = manual.op_create(storage.table(), body)
    return _respond(201, item, {"Location": f"/users/{item['id']}"})


@app.route("/users/{id}", methods=["GET"])
def get_user(id: str) -> Response:
    errors = manual.check_id(id)
    if errors:
        return _invalid(errors)
    item = manual.op_get(storage.table(), id)
    return _not_found() if item is None else _respond(200, item)


@app.route("/users/{id}", methods=["PATCH"], content_types=["application/json"])
def update_user(id: str) -> Response:
    body = _request().json_body
    errors = manual.check_id(id) + manual.check_user_body(body, patch=True)
    if errors:
        return _invalid(errors)
    item = manual.op_update(storage.table(), id, body)
    return _not_found() if item is None else _respond(200, item)


@app.route("/users/{id}", methods=["DELETE"])
def delete_user(id: str) -> Response:
    errors = manual.check_id(id)
    if errors:
        return _invalid(errors)
    return _respond(204) if manual.op_delete(storage.table(), id) else _not_found()
