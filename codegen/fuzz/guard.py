"""Keep a fuzz run's writes off every record it did not create.

A write (POST, PUT, PATCH, DELETE) whose path parameter is an id that could name a stored
record -- a UUID in the form the API accepts -- goes out only if this run created that id.
Otherwise the id is replaced by the last one the run created that still exists, or, when
there is none, by a fresh random UUID, which names no record. So schemathesis' stateful
links that follow ids from a list answer (listUsers -> updateUser, deleteUser) never change
or delete a user the run did not create. (The run's own user rather than always a missing
one: a 404 after the scenario's POST succeeded reads, to schemathesis'
`ensure_resource_availability`, as "created resource not found".) Ids the API refuses by
their form are left alone: they cannot reach a record, and the negative checks need them as
generated.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Set
from typing import Any
from urllib.parse import urlsplit

# The form of id the API accepts (format uuid, src/generated/validation.py `is_uuid`):
# anything else is refused with 400 before a handler reads a table.
ACCEPTED_ID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def created_id(location: str) -> str:
    """The id a 201's `Location` names: its last path segment."""
    return urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1].lower()


def replacements(
    method: str,
    parameters: Mapping[str, Any] | None,
    created: Set[str],
    alive: str | None = None,
) -> dict[str, str]:
    """name -> another id, for each path parameter that must not be written to: `alive` (a
    record the run created and did not delete), else a fresh one."""
    if method.upper() not in WRITES or not parameters:
        return {}
    replaced: dict[str, str] = {}
    for name, value in parameters.items():
        might_exist = isinstance(value, str) and ACCEPTED_ID.fullmatch(value)
        if might_exist and value.lower() not in created:
            replaced[name] = alive if alive is not None else str(uuid.uuid4())
    return replaced
