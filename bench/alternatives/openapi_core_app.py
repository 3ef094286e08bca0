"""The same API validated by openapi-core's request unmarshalling at run time.

The spec (openapi.yaml) is loaded at import, as people do with openapi-core;
`unmarshal_request` finds the operation, coerces parameters and validates the
body; the handler then dispatches on the matched operation.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from bench.alternatives import manual, storage

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


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    result = openapi.unmarshal_request(EventRequest(event))
    if result.errors:
        if any(type(e).__name__ == "MediaTypeNotFound" for e in result.errors):
            return manual.respond(415, {"message": "Content-Type must be application/json"})
        return manual.invalid(_errors(result))
    params = result.parameters
    route = (event.get("httpMethod"), event.get("resource"))
    try:
        if route == ("GET", "/hello"):
            return manual.respond(200, {"message": "Hello from Lambda", "path": event.get("path")})
        if route == ("GET", "/users"):
            start, errors = manual.decode_token(params.query.get("next_token"))
            if errors:
                return manual.invalid(errors)
            return manual.respond(
                200, manual.op_list(storage.table(), params.query["limit"], start)
            )
        if route == ("POST", "/users"):
            item = manual.op_create(storage.table(), dict(result.body or {}))
            return manual.respond(201, item, {"Location": f"/users/{item['id']}"})
        user_id = str(params.path["id"])
        if route == ("GET", "/users/{id}"):
            found = manual.op_get(storage.table(), user_id)
            return manual.not_found() if found is None else manual.respond(200, found)
        if route == ("PATCH", "/users/{id}"):
            updated = manual.op_update(storage.table(), user_id, dict(result.body or {}))
            return manual.not_found() if updated is None else manual.respond(200, updated)
        if route == ("DELETE", "/users/{id}"):
            deleted = manual.op_delete(storage.table(), user_id)
            return manual.respond(204) if deleted else manual.not_found()
    except Exception:
        return manual.respond(500, {"message": "Internal server error"})
    return manual.respond(404, {"message": "Not found"})
