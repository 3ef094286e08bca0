"""DELETE /users/{id}: 204, or 404 if there was no such user (decided by the delete itself)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generated.operations.delete_user import validate
from generated.runtime import Response, guarded
from users import service
from utils import metrics
from utils.dynamodb import get_table
from utils.events import path_parameter
from utils.response import error, success


@guarded
def handler(event: Mapping[str, Any], context: Any) -> Response:
    request = validate(event)
    if isinstance(request, dict):
        # No id at all is no such user, not a malformed one (see users.get_user).
        if path_parameter(event, "id") is None:
            return error(service.USER_NOT_FOUND, 404)
        return request
    if not service.delete_user(get_table(), request.id):
        return error(service.USER_NOT_FOUND, 404)
    metrics.count(metrics.USERS_DELETED)
    return success(None, 204)
