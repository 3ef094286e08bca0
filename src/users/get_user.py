"""GET /users/{id}: 200 with the user, 404 if there is none, 400 if the id is not a UUID."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generated.operations.get_user import validate
from generated.runtime import Response, guarded
from users import service
from users.errors import USER_NOT_FOUND
from utils.dynamodb import get_table
from utils.events import path_parameter
from utils.response import error, success


@guarded
def handler(event: Mapping[str, Any], context: Any) -> Response:
    request = validate(event)  # the id must be a UUID (format: uuid in the spec)
    if isinstance(request, dict):
        # No id at all (`pathParameters` null or missing, which API Gateway never routes
        # here but a direct invocation can send) means no such user, not a malformed one.
        # Asked only once validation failed: a valid request has an id.
        if path_parameter(event, "id") is None:
            return error(USER_NOT_FOUND, 404)
        return request
    user = service.get_user(get_table(), request.id)
    if user is None:
        return error(USER_NOT_FOUND, 404)
    return success(user)
