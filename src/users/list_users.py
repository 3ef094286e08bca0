"""GET /users: one page of users and the `next_token` of the next; 400 on a forged token."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generated.operations.list_users import validate
from generated.runtime import Response, guarded
from users import service, store
from utils.pagination import InvalidCursorError
from utils.response import error, success


@guarded
def handler(event: Mapping[str, Any], context: Any) -> Response:
    request = validate(event)  # limit 1..100 (default 10), next_token 1..512 chars
    if isinstance(request, dict):
        return request
    try:
        page = service.list_users(store.current().users, request.limit, request.next_token)
    except InvalidCursorError as exc:
        return error(
            "Invalid request: query.next_token",
            400,
            errors=[{"location": "query.next_token", "detail": str(exc)}],
        )
    return success(page.as_body())
