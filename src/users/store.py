"""The tables the users functions work on, named by their environment (template.yaml
`Globals`: TABLE_NAME, EMAILS_TABLE_NAME, IDEMPOTENCY_TABLE_NAME): the handlers' one way
to reach a table."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from utils.dynamodb import get_table

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


class Store:
    """A plain class, not a dataclass: creating a dataclass costs every cold start about
    1 ms (`python -X importtime`)."""

    __slots__ = ("emails", "idempotency", "users")

    def __init__(self, users: Table, emails: Table, idempotency: Table) -> None:
        self.users = users
        self.emails = emails  # users.emails: one claim per normalised email
        self.idempotency = idempotency  # users.idempotency: Idempotency-Key records


def current() -> Store:
    """The tables of this function's environment, built once per process: a warm call
    looks up only the users Table (utils.dynamodb's cache). A new users Table (another
    endpoint or `$TABLE_NAME`, or `clear_cache`) builds the Store again."""
    global _current
    users = get_table()
    cached = _current
    if cached is not None and cached.users is users:
        return cached
    _current = Store(
        users=users,
        # The logical ids are the local defaults: what `codegen serve` creates them as.
        emails=get_table(os.environ.get("EMAILS_TABLE_NAME") or "EmailsTable"),
        idempotency=get_table(os.environ.get("IDEMPOTENCY_TABLE_NAME") or "IdempotencyTable"),
    )
    return _current


_current: Store | None = None
