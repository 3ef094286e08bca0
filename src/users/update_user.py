"""PATCH /users/{id}: change only the fields given; 200 with the user, 404 if there is none,
409 if the new email is another user's, 503 when DynamoDB is busy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generated.operations.update_user import validate
from generated.runtime import Response, guarded
from users import service, store
from utils.response import success


@guarded
def handler(event: Mapping[str, Any], context: Any) -> Response:
    request = validate(event)  # UUID id; body a non-empty UserPatch
    if isinstance(request, dict):
        return request
    # users.errors' refusals (404, 409) reach guarded, which answers them.
    return success(service.update_user(store.current(), request.id, request.body))
