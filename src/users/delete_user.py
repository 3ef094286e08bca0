"""DELETE /users/{id}: 204 (the user and its email claim are gone), 404 if there was no
such user, 503 when DynamoDB is busy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generated.observability import annotate
from generated.operations.delete_user import validate
from generated.runtime import Response, guarded
from users import service, store
from utils import metrics
from utils.response import success


@guarded
def handler(event: Mapping[str, Any], context: Any) -> Response:
    request = validate(event)
    if isinstance(request, dict):
        return request
    # Which user, on the request line (which names the client already): the audit trail
    # of a delete is that one line, 404s and 503s included. An id, never an email or name.
    annotate(userId=request.id)
    service.delete_user(store.current(), request.id)  # no such user: UserNotFound, a 404
    metrics.count(metrics.USERS_DELETED)
    return success(None, 204)
