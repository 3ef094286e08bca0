"""The users operations' part of the alternatives' job (bench/alternatives/jobs.py): the
same `users.service` calls on `users.store`'s tables as our handlers, the same service
counters (`Conflicts`, `UsersDeleted`) and request-line ids (`userId`), each result as an
`Outcome` the alternative turns into its own response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bench.alternatives.jobs import NO_HEADERS, Outcome
from generated import observability
from users import service, store
from users.errors import USER_NOT_FOUND, DomainError
from utils import metrics
from utils.caller import caller_id
from utils.events import client_path
from utils.pagination import InvalidCursorError


def _refused(refusal: Any) -> Outcome:
    """A users.errors refusal: its status, message and headers; every 409 is a Conflict."""
    if refusal.status == 409:
        observability.count(metrics.CONFLICTS)
    return Outcome(refusal.status, {"message": refusal.message}, dict(refusal.headers))


def list_users(limit: int, next_token: str | None) -> Outcome:
    try:
        page = service.list_users(store.current().users, limit, next_token)
    except InvalidCursorError as exc:
        errors = [{"location": "query.next_token", "detail": str(exc)}]
        return Outcome(400, {"message": "Invalid request: query.next_token", "errors": errors}, {})
    return Outcome(200, page.as_body(), NO_HEADERS)


def create_user(event: Mapping[str, Any], body: Mapping[str, Any], key: str | None) -> Outcome:
    try:
        created = service.create_user(
            store.current(),
            body,
            location_prefix=client_path(event) or "/users",
            caller=caller_id(event),
            idempotency_key=key,
        )
    except DomainError as refusal:
        return _refused(refusal)
    observability.annotate(userId=created.user["id"])
    return Outcome(201, created.user, {"Location": created.location})


def get_user(user_id: str) -> Outcome:
    user = service.get_user(store.current().users, user_id)
    if user is None:
        return Outcome(404, {"message": USER_NOT_FOUND}, NO_HEADERS)
    return Outcome(200, user, NO_HEADERS)


def update_user(user_id: str, changes: Mapping[str, Any]) -> Outcome:
    try:
        return Outcome(200, service.update_user(store.current(), user_id, changes), NO_HEADERS)
    except DomainError as refusal:
        return _refused(refusal)


def delete_user(user_id: str) -> Outcome:
    observability.annotate(userId=user_id)
    try:
        service.delete_user(store.current(), user_id)
    except DomainError as refusal:
        return _refused(refusal)
    observability.count(metrics.USERS_DELETED)
    return Outcome(204, None, NO_HEADERS)
