"""GET /hello: a liveness check that never touches DynamoDB (so it never imports boto3)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generated.operations.hello import validate
from generated.runtime import Response, guarded
from utils.response import success


@guarded
def handler(event: Mapping[str, Any], context: Any) -> Response:
    request = validate(event)
    if isinstance(request, dict):
        return request
    return success({"message": "Hello from Lambda", "path": event.get("path")})
