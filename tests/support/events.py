"""API Gateway REST proxy events (payload v1) and Lambda contexts for calling handlers directly.

Shaped like what API Gateway sends on the default execute-api domain: `path` is the path
inside the API, `requestContext.path` carries the stage in front of it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

STAGE = "Prod"


@dataclass
class LambdaContext:
    """The parts of the Lambda context object the handlers and `guarded` use."""

    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_name: str = "test-function"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:test-function"
    remaining_millis: int = 10_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_millis


def api_event(
    method: str,
    resource: str,
    *,
    path_parameters: Mapping[str, str] | None = None,
    query: Mapping[str, str | list[str]] | None = None,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The event for `method resource` (a spec path such as `/users/{id}`).

    `body` may be a `str` (sent as is, e.g. malformed JSON) or anything JSON-serialisable
    (sent as JSON with `Content-Type: application/json`). A query value that is a list
    stands for a repeated parameter.
    """
    path = resource
    for name, value in (path_parameters or {}).items():
        path = path.replace("{" + name + "}", value)
    all_headers = {"Accept": "application/json", "Host": "api.example.com"}
    if body is not None and not isinstance(body, str):
        body = json.dumps(body)
        all_headers["Content-Type"] = "application/json"
    all_headers.update(headers or {})
    multi_query = {k: v if isinstance(v, list) else [v] for k, v in (query or {}).items()}
    request_id = str(uuid.uuid4())
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method.upper(),
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        # API Gateway sends null, not {}, when there are none.
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": dict(path_parameters) if path_parameters else None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method.upper(),
            "path": f"/{STAGE}{path}",
            "stage": STAGE,
            "requestId": request_id,
            "accountId": "123456789012",
            "apiId": "abcdef1234",
            "protocol": "HTTP/1.1",
            "identity": {"sourceIp": "127.0.0.1", "userAgent": "pytest"},
        },
        "body": body,
        "isBase64Encoded": False,
    }
