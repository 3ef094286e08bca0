"""POST /users: 201 with the new user and its `Location`; 409 if its email is taken (or its
Idempotency-Key is still in flight), 422 if that key came with another body, 503 when
DynamoDB is busy. A retry with the same Idempotency-Key and body gets the first 201."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generated.observability import annotate
from generated.operations.create_user import validate
from generated.runtime import Response, guarded
from users import service, store
from utils.caller import caller_id
from utils.events import client_path
from utils.response import success


@guarded
def handler(event: Mapping[str, Any], context: Any) -> Response:
    request = validate(event)  # malformed JSON, missing or invalid name/email: 400
    if isinstance(request, dict):
        return request
    # users.errors' refusals (409, 422) reach guarded, which answers them.
    created = service.create_user(
        store.current(),
        request.body,
        # Relative to what the client called, so it includes the stage or base path.
        location_prefix=client_path(event) or "/users",
        caller=caller_id(event),  # keys are scoped to the client team
        idempotency_key=request.idempotency_key,
    )
    annotate(userId=created.user["id"])  # the new user's id on the request line
    return success(created.user, 201, {"Location": created.location})
