"""The same API as a Chalice app: Chalice's routing and responses, the hand-written checks
(Chalice has no schema validation), our job (bench/alternatives/jobs.py).

`handler(event, context)` is the Lambda handler: Chalice's app, writing the request's
lines around it as ours do.
"""

from __future__ import annotations

from collections.abc import Mapping

from chalice.app import Chalice, Request, Response

from bench.alternatives import jobs, manual
from bench.alternatives.jobs import Outcome

app = Chalice(app_name="bench-users")


def _request() -> Request:
    request = app.current_request
    assert request is not None  # set by Chalice before it calls a route
    return request


def _respond(outcome: Outcome) -> Response:
    headers: dict[str, str | list[str]] = {**manual.CORS_HEADERS, **outcome.headers}
    body = "" if outcome.body is None else outcome.body
    return Response(body=body, status_code=outcome.status, headers=headers)


@app.route("/hello", methods=["GET"])
def hello() -> Response:
    return _respond(jobs.hello(_request().to_original_event().get("path")))


@app.route("/users", methods=["GET"])
def list_users() -> Response:
    query: Mapping[str, str] = _request().query_params or {}
    limit, errors = manual.check_limit(query.get("limit"))
    token = query.get("next_token")
    errors += manual.check_token(token)
    if errors:
        return _respond(manual.invalid(errors))
    return _respond(jobs.users().list_users(limit, token))


@app.route("/users", methods=["POST"], content_types=["application/json"])
def create_user() -> Response:
    request = _request()
    body = request.json_body
    key = request.headers.get("Idempotency-Key")
    errors = manual.check_user_body(body, patch=False) + manual.check_key(key)
    if errors:
        return _respond(manual.invalid(errors))
    return _respond(jobs.users().create_user(request.to_original_event(), body, key))


@app.route("/users/{id}", methods=["GET"])
def get_user(id: str) -> Response:
    errors = manual.check_id(id)
    if errors:
        return _respond(manual.invalid(errors))
    return _respond(jobs.users().get_user(id))


@app.route("/users/{id}", methods=["PATCH"], content_types=["application/json"])
def update_user(id: str) -> Response:
    body = _request().json_body
    errors = manual.check_id(id) + manual.check_user_body(body, patch=True)
    if errors:
        return _respond(manual.invalid(errors))
    return _respond(jobs.users().update_user(id, body))


@app.route("/users/{id}", methods=["DELETE"])
def delete_user(id: str) -> Response:
    errors = manual.check_id(id)
    if errors:
        return _respond(manual.invalid(errors))
    return _respond(jobs.users().delete_user(id))


handler = jobs.with_lines(app)
