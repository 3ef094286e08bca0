"""POST /users: 201 with the new user and its `Location`; 409 if its id is already taken."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generated.operations.create_user import validate
from generated.runtime import Response, guarded
from users import service
from utils import metrics
from utils.dynamodb import get_table
from utils.events import client_path
from utils.response import error, success


@guarded
def handler(event: Mapping[str, Any], context: Any) -> Response:
    request = validate(event)  # malformed JSON, missing or invalid name/email: 400
    if isinstance(request, dict):
        return request
    user = service.create_user(get_table(), request.body)
    if user is None:  # a uuid4 collision: never overwrite, let the client retry
        metrics.count(metrics.CONFLICTS)
        return error(service.USER_EXISTS, 409)
    metrics.count(metrics.USERS_CREATED)
    # Relative to what the client called, so it includes the stage or base path.
    return success(user, 201, {"Location": f"{client_path(event) or '/users'}/{user['id']}"})
