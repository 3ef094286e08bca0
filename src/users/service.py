"""The users domain: what a user is and how users are stored, independent of HTTP.

Handlers validate the request (generated validators), call one function here and turn
the result into a response. Every function takes the `Table` so tests can hand in any.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from utils.dynamodb import (
    Item,
    delete_existing_item,
    get_item,
    put_new_item,
    scan_page,
    update_existing_item,
)
from utils.pagination import InvalidCursorError, decode_cursor, encode_cursor

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

KEY_NAMES = ("id",)
EDITABLE_FIELDS = ("name", "email")
USER_NOT_FOUND = "User not found"
USER_EXISTS = "User already exists"


class User(TypedDict):
    """The `User` schema of openapi.yaml: exactly what clients see."""

    id: str
    name: str
    email: str
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class UserPage:
    users: list[User]
    next_token: str | None

    def as_body(self) -> dict[str, Any]:
        """The `UserList` schema."""
        return {"users": self.users, "count": len(self.users), "next_token": self.next_token}


def utc_now() -> str:
    """Now as an RFC 3339 `date-time` in UTC, to the second: `2026-11-24T10:00:00Z`."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def new_user_id() -> str:
    return str(uuid.uuid4())


def is_user_id(value: str) -> bool:
    """A UUID in the canonical lower-case hyphenated form this service issues."""
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def to_user(item: Mapping[str, Any]) -> User:
    """The client's view of a stored item: the `User` fields only, whatever else is stored."""
    return User(
        id=item["id"],
        name=item["name"],
        email=item["email"],
        created_at=item["created_at"],
        updated_at=item["updated_at"],
    )


def create_user(table: Table, fields: Mapping[str, Any]) -> User | None:
    """Store a new user from the validated `NewUser` body; None if the new id is taken."""
    now = utc_now()
    user = User(
        id=new_user_id(),
        name=fields["name"],
        email=fields["email"],
        created_at=now,
        updated_at=now,
    )
    item: Item = dict(user)
    return user if put_new_item(table, item, KEY_NAMES) else None


def get_user(table: Table, user_id: str) -> User | None:
    item = get_item(table, {"id": user_id})
    return None if item is None else to_user(item)


def list_users(table: Table, limit: int, next_token: str | None = None) -> UserPage:
    """One page of at most `limit` users, resuming after `next_token`.

    The page is what a single Scan call returned, even when that is fewer than `limit`
    (or none) while more remain: filling the page with more calls would make one request's
    latency and read cost unbounded. `next_token` is None only when DynamoDB says the
    scan is complete. Raises InvalidCursorError for a token this service did not issue.

    A token outlives its user: DynamoDB resumes a Scan from the key's position whether or
    not that item still exists. (moto 5.2 does not: it answers an empty, final page.)
    """
    start_key = None if next_token is None else decode_user_cursor(next_token)
    page = scan_page(table, limit, start_key)
    return UserPage(
        users=[to_user(item) for item in page.items],
        next_token=None if page.last_key is None else encode_cursor(page.last_key),
    )


def decode_user_cursor(token: str) -> dict[str, str]:
    key = decode_cursor(token, KEY_NAMES)
    if not is_user_id(key["id"]):
        raise InvalidCursorError("not a token from a previous page")
    return key


def update_user(table: Table, user_id: str, changes: Mapping[str, Any]) -> User | None:
    """Apply the validated `UserPatch` (only the fields given) and touch `updated_at`;
    the updated user, or None if there is no such user."""
    fields = {name: changes[name] for name in EDITABLE_FIELDS if name in changes}
    item = update_existing_item(table, {"id": user_id}, {**fields, "updated_at": utc_now()})
    return None if item is None else to_user(item)


def delete_user(table: Table, user_id: str) -> bool:
    """True if the user existed and is now deleted."""
    return delete_existing_item(table, {"id": user_id})
