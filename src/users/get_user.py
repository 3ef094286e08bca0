"""GET /users/{id}: 200 with the user, 404 if there is none, 400 if the id is not a UUID."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generated.operations.get_user import validate
from generated.runtime import Response, guarded
from users import service, store
from users.errors import UserNotFound
from utils.response import success


@guarded
def handler(event: Mapping[str, Any], context: Any) -> Response:
    request = validate(event)  # the id must be a UUID (format: uuid in the spec); none: 404
    if isinstance(request, dict):
        return request
    user = service.get_user(store.current().users, request.id)
    if user is None:
        raise UserNotFound()
    return success(user)
