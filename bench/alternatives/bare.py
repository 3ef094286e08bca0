"""The bare handler: one function for every operation, routed by a dict, validated and
answered by hand (bench/alternatives/manual.py), no framework. Its job is ours
(bench/alternatives/jobs.py); for the users operations that includes boto3, through
`users.service`, exactly as ours.
"""

from __future__ import annotations

from bench.alternatives import jobs, manual

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from bench.alternatives.jobs import Outcome


def hello(event: dict[str, Any]) -> Outcome:
    return jobs.hello(event.get("path"))


def list_users(event: dict[str, Any]) -> Outcome:
    query = event.get("queryStringParameters") or {}
    limit, errors = manual.check_limit(query.get("limit"))
    token = query.get("next_token")
    errors += manual.check_token(token)
    if errors:
        return manual.invalid(errors)
    return jobs.users().list_users(limit, token)


def create_user(event: dict[str, Any]) -> Outcome:
    body, error = manual.parse_json_body(event)
    if error is not None:
        return error
    key = manual.header(event, "Idempotency-Key")
    errors = manual.check_user_body(body, patch=False) + manual.check_key(key)
    if errors:
        return manual.invalid(errors)
    return jobs.users().create_user(event, body, key)


def get_user(event: dict[str, Any]) -> Outcome:
    user_id: Any = (event.get("pathParameters") or {}).get("id")
    errors = manual.check_id(user_id)
    if errors:
        return manual.invalid(errors)
    return jobs.users().get_user(user_id)


def update_user(event: dict[str, Any]) -> Outcome:
    user_id: Any = (event.get("pathParameters") or {}).get("id")
    errors = manual.check_id(user_id)
    body, error = manual.parse_json_body(event)
    if error is not None and not errors:
        return error
    errors += manual.check_user_body(body, patch=True) if error is None else []
    if errors:
        return manual.invalid(errors)
    return jobs.users().update_user(user_id, body)


def delete_user(event: dict[str, Any]) -> Outcome:
    user_id: Any = (event.get("pathParameters") or {}).get("id")
    errors = manual.check_id(user_id)
    if errors:
        return manual.invalid(errors)
    return jobs.users().delete_user(user_id)


ROUTES = {
    ("GET", "/hello"): hello,
    ("GET", "/users"): list_users,
    ("POST", "/users"): create_user,
    ("GET", "/users/{id}"): get_user,
    ("PATCH", "/users/{id}"): update_user,
    ("DELETE", "/users/{id}"): delete_user,
}


@jobs.with_lines
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    operation = ROUTES.get((event.get("httpMethod", ""), event.get("resource", "")))
    if operation is None:
        return manual.respond(jobs.Outcome(404, {"message": "Not found"}, {}))
    return manual.respond(operation(event))
