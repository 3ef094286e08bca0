"""DELETE /users/{id}: 204 (the user and its email claim are gone), 404 if there was no
such user, 503 when DynamoDB is busy."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from generated.operations.delete_user import validate
from generated.runtime import Response, guarded
from users import service, store
from users.errors import USER_NOT_FOUND, DomainError
from utils import metrics
from utils.caller import caller_id
from utils.events import path_parameter
from utils.response import error, success

_LOG = logging.getLogger(__name__)


@guarded
def handler(event: Mapping[str, Any], context: Any) -> Response:
    request = validate(event)
    if isinstance(request, dict):
        # No id at all is no such user, not a malformed one (see users.get_user).
        if path_parameter(event, "id") is None:
            return error(USER_NOT_FOUND, 404)
        return request
    try:
        service.delete_user(store.current(), request.id)
    except DomainError as refused:
        return error(refused.message, refused.status, refused.headers)
    metrics.count(metrics.USERS_DELETED)
    # An audit line: which client team deleted which user (ids only, never a token or key).
    _LOG.info("user %s deleted by client %s", request.id, caller_id(event))
    return success(None, 204)
