"""The tables the users functions work on, named by their environment (template.yaml
`Globals`: TABLE_NAME, EMAILS_TABLE_NAME, IDEMPOTENCY_TABLE_NAME)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from utils.dynamodb import get_table, get_table_from

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
    """The tables of this function's environment; each Table is built once per process
    (utils.dynamodb caches them), so this is a few dictionary lookups on a warm call."""
    return Store(
        users=get_table(),
        emails=get_table_from("EMAILS_TABLE_NAME", "EmailsTable"),
        idempotency=get_table_from("IDEMPOTENCY_TABLE_NAME", "IdempotencyTable"),
    )
