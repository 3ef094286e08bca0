"""The same API validated by openapi-core's request unmarshalling at run time: the spec
(openapi.yaml) loaded at import, as people use openapi-core; `unmarshal_request` checks
and coerces parameters, headers and the body; the handler dispatches on the route and
answers by hand; our job (bench/alternatives/jobs.py).
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from bench.alternatives import jobs, manual
from bench.alternatives.jobs import Outcome

SPEC = Path(os.environ.get("BENCH_SPEC", Path(__file__).resolve().parents[2] / "openapi.yaml"))
openapi = OpenAPI.from_file_path(str(SPEC))


class EventRequest:
    """openapi-core's `Request` protocol over an API Gateway REST proxy event."""

    host_url = "http://127.0.0.1:3000"

    def __init__(self, event: dict[str, Any]) -> None:
        headers = event.get("headers") or {}
        multi_query = event.get("multiValueQueryStringParameters") or {}
        self.parameters = RequestParameters(
            query=ImmutableMultiDict([(k, v) for k, vs in multi_query.items() for v in vs]),
            header=Headers(headers),
            cookie=ImmutableMultiDict(),
        )
        self.path: str = event.get("path", "")
        self.method: str = event.get("httpMethod", "").lower()
        raw = event.get("body")
        if raw is None:
            self.body: bytes | None = None
        elif event.get("isBase64Encoded"):
            self.body = base64.b64decode(raw)
        else:
            self.body = raw.encode("utf-8")
        self.content_type: str = self.parameters.header.get("Content-Type", "").lower()


def _errors(result: Any) -> manual.Errors:
    out: manual.Errors = []
    for error in result.errors:
        nested = getattr(error, "schema_errors", None) or getattr(
            error.__cause__, "schema_errors", None
        )
        if nested:
            for item in nested:
                where = ".".join(str(p) for p in item.path)
                out.append(
                    {"location": f"body.{where}" if where else "body", "detail": item.message}
                )
        else:
            out.append({"location": type(error).__name__, "detail": str(error)})
    return out


def _dispatch(event: dict[str, Any]) -> Outcome:
    result = openapi.unmarshal_request(EventRequest(event))
    if result.errors:
        if any(type(e).__name__ == "MediaTypeNotFound" for e in result.errors):
            return Outcome(415, {"message": "Content-Type must be application/json"}, {})
        return manual.invalid(_errors(result))
    params = result.parameters
    route = (event.get("httpMethod"), event.get("resource"))
    if route == ("GET", "/hello"):
        return jobs.hello(event.get("path"))
    users = jobs.users()
    if route == ("GET", "/users"):
        return users.list_users(params.query["limit"], params.query.get("next_token"))
    if route == ("POST", "/users"):
        key = params.header.get("Idempotency-Key")
        return users.create_user(event, dict(result.body or {}), key)
    user_id = str(params.path["id"])
    if route == ("GET", "/users/{id}"):
        return users.get_user(user_id)
    if route == ("PATCH", "/users/{id}"):
        return users.update_user(user_id, dict(result.body or {}))
    if route == ("DELETE", "/users/{id}"):
        return users.delete_user(user_id)
    return Outcome(404, {"message": "Not found"}, {})


@jobs.with_lines
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return manual.respond(_dispatch(event))
