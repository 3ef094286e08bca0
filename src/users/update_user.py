"""PATCH /users/{id}: change only the fields given; 200 with the user, 404 if there is none."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generated.operations.update_user import validate
from generated.runtime import Response, guarded
from users import service
from utils.dynamodb import get_table
from utils.events import path_parameter
from utils.response import error, success


@guarded
def handler(event: Mapping[str, Any], context: Any) -> Response:
    request = validate(event)  # UUID id; body a non-empty UserPatch
    if isinstance(request, dict):
        # No id at all is no such user, not a malformed one (see users.get_user).
        if path_parameter(event, "id") is None:
            return error(service.USER_NOT_FOUND, 404)
        return request
    user = service.update_user(get_table(), request.id, request.body)
    if user is None:
        return error(service.USER_NOT_FOUND, 404)
    return success(user)
