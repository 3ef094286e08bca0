"""The DynamoDB table of the framework alternatives, created on first use.

A lazy boto3 `Table` resource, so a route that never touches DynamoDB (GET /hello)
never imports boto3, as in our per-operation functions. The benchmark replaces it
with `set_table()` (an in-memory table) when DynamoDB is to be excluded.
"""

from __future__ import annotations

import os
from typing import Any

_table: Any = None


def table() -> Any:
    global _table
    if _table is None:
        import boto3

        _table = boto3.resource("dynamodb").Table(os.environ.get("TABLE_NAME", "UsersTable"))
    return _table


def set_table(replacement: Any) -> None:
    global _table
    _table = replacement
