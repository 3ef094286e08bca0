"""DELETE /users/{id}: 204, or 404 if there was no such user (decided by the delete itself)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from generated.operations.delete_user import validate
from generated.runtime import Response, guarded
from users import service
from utils.caller import caller_id
from utils.dynamodb import get_table
from utils.events import path_parameter
from utils.response import error, success

_LOG = logging.getLogger(__name__)


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
    # An audit line: which client team deleted which user (ids only, never a token or key).
    _LOG.info("user %s deleted by client %s", request.id, caller_id(event))
    return success(None, 204)
