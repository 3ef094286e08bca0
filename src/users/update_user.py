"""PATCH /users/{id}: change only the fields given; 200 with the user, 404 if there is none,
409 if the new email is another user's, 503 when DynamoDB is busy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generated.operations.update_user import validate
from generated.runtime import Response, guarded
from users import service, store
from users.errors import USER_NOT_FOUND, DomainError
from utils import metrics
from utils.events import path_parameter
from utils.response import error, success


@guarded
def handler(event: Mapping[str, Any], context: Any) -> Response:
    request = validate(event)  # UUID id; body a non-empty UserPatch
    if isinstance(request, dict):
        # No id at all is no such user, not a malformed one (see users.get_user).
        if path_parameter(event, "id") is None:
            return error(USER_NOT_FOUND, 404)
        return request
    try:
        user = service.update_user(store.current(), request.id, request.body)
    except DomainError as refused:
        if refused.status == 409:  # the new email is taken: the service's conflicts
            metrics.count(metrics.CONFLICTS)
        return error(refused.message, refused.status, refused.headers)
    return success(user)
