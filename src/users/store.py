"""The tables the users functions work on, named by their environment (template.yaml
`Globals`: TABLE_NAME, EMAILS_TABLE_NAME, IDEMPOTENCY_TABLE_NAME)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from utils.dynamodb import get_table, get_table_from

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


@dataclass(frozen=True, slots=True)
class Store:
    users: Table
    emails: Table  # users.emails: one claim per normalised email
    idempotency: Table  # users.idempotency: createUser's Idempotency-Key records


def current() -> Store:
    """The tables of this function's environment; each Table is built once per process
    (utils.dynamodb caches them), so this is a few dictionary lookups on a warm call."""
    return Store(
        users=get_table(),
        emails=get_table_from("EMAILS_TABLE_NAME", "EmailsTable"),
        idempotency=get_table_from("IDEMPOTENCY_TABLE_NAME", "IdempotencyTable"),
    )
