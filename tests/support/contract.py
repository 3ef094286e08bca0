"""The oracle for handler responses: openapi.yaml, through openapi-core.

`assert_contract(event, response)` fails when a handler answers something the spec does not
document for that operation (status, body schema, formats, declared headers), without the
CORS header, or with internals (traceback, exception class, table name) in it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from tests.support.dynamo import TABLE_NAME
from tests.support.events import LambdaContext

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"

# What must never reach a client in an error: tracebacks, exception and module names, ARNs.
_LEAKS = re.compile(
    r"Traceback|File \"|\w+(Error|Exception)\b|botocore|boto3|dynamodb|arn:aws", re.IGNORECASE
)


@functools.cache
def _openapi() -> OpenAPI:
    return OpenAPI.from_file_path(str(SPEC_PATH))


@functools.cache
def _document() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return document


def _resolve(node: Any) -> Any:
    while isinstance(node, Mapping) and "$ref" in node:
        target: Any = _document()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def declared_headers(method: str, resource: str, status: int) -> set[str]:
    """The headers the spec declares for this response (openapi-core checks their values
    but not their presence), but those it marks `required: false`: a header only some
    answers of the status carry (createUser's 409 has Retry-After only while in flight)."""
    operation = _document()["paths"][resource][method.lower()]
    response = _resolve(operation["responses"].get(str(status), {}))
    headers = response.get("headers", {})
    return {
        name for name, header in headers.items() if _resolve(header).get("required") is not False
    }


def assert_contract(
    event: Mapping[str, Any], response: Mapping[str, Any], *, table_name: str = TABLE_NAME
) -> None:
    status = response["statusCode"]
    headers: dict[str, str] = dict(response.get("headers") or {})
    body: str = response.get("body") or ""
    assert headers.get("Access-Control-Allow-Origin") == "*", headers
    if body:
        assert headers.get("Content-Type", "").startswith("application/json"), headers
        json.loads(body)  # well-formed JSON
    if status >= 400:
        leak = _LEAKS.search(body) or re.search(rf"\b{re.escape(table_name)}\b", body)
        assert leak is None, f"internals leak into the response: {body}"
    for name in declared_headers(event["httpMethod"], event["resource"], status):
        assert name in headers, f"{status} must carry {name}: {headers}"

    server = _document()["servers"][0]["url"]
    request = MockRequest(
        server,
        event["httpMethod"].lower(),
        event["path"],
        path_pattern=event["resource"],
        args=event.get("queryStringParameters") or {},
        headers=event.get("headers") or {},
        data=(event.get("body") or "").encode(),
    )
    _openapi().validate_response(
        request,
        MockResponse(
            body.encode(),
            status_code=status,
            headers=headers,
            content_type=headers.get("Content-Type", "application/json"),
        ),
    )


def body_of(response: Mapping[str, Any]) -> Any:
    """The decoded JSON body, or None for an empty body."""
    body = response.get("body")
    return json.loads(body) if body else None


def invoke(
    handler: Callable[[dict[str, Any], Any], dict[str, Any]],
    event: dict[str, Any],
    *,
    context: Any = None,
) -> dict[str, Any]:
    """Call a handler as Lambda would and check its answer against the contract."""
    response = handler(event, context if context is not None else LambdaContext())
    assert_contract(event, response)
    return response
