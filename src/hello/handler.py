"""GET /hello: a liveness check that never touches DynamoDB (so it never imports boto3)."""

from __future__ import annotations

from generated.operations.hello import validate
from generated.runtime import guarded
from utils.response import success

# Type-only imports (why not `typing.TYPE_CHECKING`: docs/ARCHITECTURE.md, cold start).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from generated.runtime import Response


@guarded
def handler(event: Mapping[str, Any], context: Any) -> Response:
    request = validate(event)
    if isinstance(request, dict):
        return request
    return success({"message": "Hello from Lambda", "path": event.get("path")})
