"""schemathesis hooks of `python -m codegen fuzz`: record what the run creates, touch nothing else.

Loaded by schemathesis itself from this file's path (`SCHEMATHESIS_HOOKS`), in its own
process: it imports nothing from `codegen`. It writes one JSON line per event to the ledger
file named by `CODEGEN_FUZZ_LEDGER`, which `codegen fuzz` reads after the run:

- `{"created": LOCATION}` for every 201 with a `Location` (the user the run created);
- `{"redirected": ...}` each time a write was turned away from an id the run did not create.

The guard (`before_call`): a write (PATCH, PUT, DELETE, POST) whose path parameter is an id
that could name a stored record -- a UUID in the form the API accepts -- goes out only if
this run created that id; otherwise the id is replaced by a fresh random UUID, which names
no record. So schemathesis' stateful links that follow ids from a list answer (listUsers ->
updateUser, deleteUser) can never change or delete a user this run did not create. Ids the
API rejects by their form are left alone: they cannot reach a record, and the negative
checks need them as generated.
"""

from __future__ import annotations

import json
import os
import re
import threading
import uuid
from typing import Any
from urllib.parse import urlsplit

import schemathesis

LEDGER_VARIABLE = "CODEGEN_FUZZ_LEDGER"
# The form of id the API accepts (src/generated/validation.py `is_uuid`): anything else is
# refused with 400 before any handler reads the table.
ACCEPTED_ID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_lock = threading.Lock()
_created: set[str] = set()


def _record(event: dict[str, Any]) -> None:
    path = os.environ.get(LEDGER_VARIABLE)
    if not path:
        return
    with _lock, open(path, "a", encoding="utf-8") as ledger:
        ledger.write(json.dumps(event) + "\n")
        ledger.flush()


def _last_segment(location: str) -> str:
    return urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1].lower()


def guarded_path_parameters(
    method: str, parameters: dict[str, Any] | None, created: set[str]
) -> dict[str, str]:
    """The replacements for `parameters` (name -> fresh id) that keep a write off others' data."""
    if method.upper() not in WRITES or not parameters:
        return {}
    replaced: dict[str, str] = {}
    for name, value in parameters.items():
        might_exist = isinstance(value, str) and ACCEPTED_ID.fullmatch(value)
        if might_exist and value.lower() not in created:
            replaced[name] = str(uuid.uuid4())
    return replaced


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    with _lock:
        created = set(_created)
    replaced = guarded_path_parameters(case.method, case.path_parameters, created)
    for name, fresh in replaced.items():
        _record({"redirected": case.path_parameters[name], "to": fresh, "method": case.method})
        case.path_parameters[name] = fresh


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    _record({"call": case.method, "status": response.status_code})
    location = response.headers.get("location") or response.headers.get("Location")
    if isinstance(location, list):  # schemathesis keeps every value of a header
        location = location[0] if location else None
    if response.status_code == 201 and location:
        with _lock:
            _created.add(_last_segment(location))
        _record({"created": location})
