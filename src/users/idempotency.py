"""Idempotency-Key records for createUser, in their own table, written with conditions so
the guarantee holds across concurrent Lambda instances (not only within one process).

The design follows Stripe's `Idempotency-Key`, the IETF draft "The Idempotency-Key HTTP
Header Field" and the idempotency utility of Powertools for AWS Lambda:

- `begin` puts an IN_PROGRESS record keyed by caller + key, with a fingerprint of the
  body and a lock that expires once the request that took it cannot be running any more
  (`lock_seconds`), so a crashed request does not block its key for good. The put is
  conditional: if a live record exists, its stored state decides the answer (replay, 422
  other body, 409 still running, with `Retry-After`: the seconds left on the lock).
- `complete_action` is a transaction action: the record becomes COMPLETED, with the
  response, in the SAME TransactWriteItems as the user and its email claim, and only if
  it is still IN_PROGRESS and owned by this attempt. Nothing is ever half-written.
- `abandon` deletes the record of a request that failed (4xx/5xx), again only if this
  attempt still owns it, so the key can be used again.

Completed records expire after 24 hours through DynamoDB TTL. TTL deletes lazily,
"typically within a few days" ("Working with expired items", DynamoDB Developer
Guide), so expiry is also checked on every use: `begin`'s condition treats an expired
record as absent.
"""

from __future__ import annotations

import json
import math
import time
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from users.errors import KeyReused, RequestInFlight
from utils.dynamodb import (
    LONGEST_BACKOFF_SECONDS,
    Item,
    cleanup_allowance,
    delete_item_if,
    put_item_unless,
    request_budget,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

RETENTION_SECONDS = 24 * 60 * 60
# The terms of a request's worst case that utils.dynamodb does not name (see lock_seconds).
FIRST_BACKOFF_SECONDS = 1.0  # standard mode's longest pause before a first retry, 2**0 s
HANDLER_SECONDS = 1.0  # the handler's own time: the function timeout's 10 s minus 9 s

IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"

# DynamoDB refuses expression attribute names an expression does not use: one map each.
_FREE_NAMES = {
    "#k": "key",
    "#status": "status",
    "#lock": "lock_expires_at",
    "#expires": "expires_at",
}
_OWNED_NAMES = {"#status": "status", "#attempt": "attempt"}
_COMPLETE_NAMES = {
    **_OWNED_NAMES,
    "#response": "response",
    "#lock": "lock_expires_at",
    "#expires": "expires_at",
}
# No record, or an expired one (TTL may not have deleted it yet), or an IN_PROGRESS one
# whose owner has run past the function timeout.
_FREE = "attribute_not_exists(#k) OR #expires <= :now OR (#status = :in_progress AND #lock <= :now)"
_OWNED = "#status = :in_progress AND #attempt = :attempt"


# Plain classes rather than dataclasses: each dataclass costs the cold start of every
# users function about 1 ms (`python -X importtime`).


class Attempt:
    """This request holds the key's lock."""

    __slots__ = ("attempt", "record_key")

    def __init__(self, record_key: str, attempt: str) -> None:
        self.record_key = record_key
        self.attempt = attempt  # a fresh UUID: owner of the lock, and the ClientRequestToken

    @property
    def token(self) -> str:
        return self.attempt


class Replay:
    """The key's first request completed: answer what it answered."""

    __slots__ = ("response",)

    def __init__(self, response: Mapping[str, Any]) -> None:
        self.response = response


def record_key(caller: str, key: str) -> str:
    """Scoped to the caller, so two clients choosing the same key never collide. Hashed:
    fixed length whatever the key, and no client-chosen text stored as a key. The parts
    are length-prefixed so ("ab", "c") and ("a", "bc") differ."""
    import hashlib  # already loaded by botocore; imported here as only keyed creates need it

    composite = f"{len(caller)}:{caller}:{key}".encode()
    return hashlib.sha256(composite).hexdigest()


def fingerprint(body: Any) -> str:
    """The same body in any key order or spacing gives the same fingerprint."""
    import hashlib

    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def lock_seconds() -> float:
    """The longest the request taking the lock can still run, so that no other attempt
    takes the key over from a live one: the worst case beside utils.dynamodb's
    CLIENT_CONFIG, from the same constants as the request's deadline, term by term:
    - the DynamoDB budget, `request_budget()` (3.5 s; it started before the lock);
    - one pause after the budget's last attempt, at most LONGEST_BACKOFF_SECONDS (2 s; a
      transaction pause, at most 0.8 s, is shorter: tests/utils/test_dynamodb.py);
    - releasing a failed create: one attempt in `cleanup_allowance()` (2.5 s), then at
      most FIRST_BACKOFF_SECONDS (1 s) before its retry is refused;
    - the handler's own HANDLER_SECONDS (1 s).
    Deployed: 3.5 + 2 + 2.5 + 1 + 1 = 10 s, the function timeout (tests/users/
    test_idempotency.py checks they agree). A local DYNAMODB_READ_TIMEOUT_SECONDS of 5 s
    lengthens the budget and the release's window by 4 s each: 18 s."""
    return (
        request_budget()
        + LONGEST_BACKOFF_SECONDS
        + cleanup_allowance()
        + FIRST_BACKOFF_SECONDS
        + HANDLER_SECONDS
    )


def begin(table: Table, caller: str, key: str, body: Any) -> Attempt | Replay:
    """Take the key's lock, or raise KeyReused (other body) / RequestInFlight (with
    Retry-After), or return the Replay of a completed request."""
    started = time.time()
    now = int(started)
    attempt = Attempt(record_key(caller, key), str(uuid.uuid4()))
    body_hash = fingerprint(body)
    record: Item = {
        "key": attempt.record_key,
        "status": IN_PROGRESS,
        "attempt": attempt.attempt,
        "fingerprint": body_hash,
        # Rounded up: the free condition compares it with a later `now` rounded down, so
        # the key is taken over only once the whole `lock_seconds()` has passed.
        "lock_expires_at": math.ceil(started + lock_seconds()),
        "expires_at": now + RETENTION_SECONDS,
    }
    existing = put_item_unless(
        table, record, _FREE, _FREE_NAMES, {":now": now, ":in_progress": IN_PROGRESS}
    )
    if existing is None:
        return attempt
    if existing.get("fingerprint") != body_hash:
        raise KeyReused()
    if existing.get("status") == COMPLETED and isinstance(existing.get("response"), Mapping):
        return Replay(existing["response"])
    in_flight = RequestInFlight()
    # The lock is free for a request whose rounded-down `now` has reached it: a retry this
    # many seconds later (rounded up, at least 1) no longer meets it.
    lock = float(existing.get("lock_expires_at") or 0)
    in_flight.headers = {"Retry-After": str(max(1, math.ceil(lock - started)))}
    raise in_flight


def complete_action(table: Table, attempt: Attempt, response: Mapping[str, Any]) -> dict[str, Any]:
    """The transaction action that records `response` as the key's answer for 24 hours."""
    now = int(time.time())
    return {
        "Update": {
            "TableName": table.name,
            "Key": {"key": attempt.record_key},
            "UpdateExpression": (
                "SET #status = :completed, #response = :response, #expires = :expires REMOVE #lock"
            ),
            "ConditionExpression": _OWNED,
            "ExpressionAttributeNames": _COMPLETE_NAMES,
            "ExpressionAttributeValues": {
                ":completed": COMPLETED,
                ":response": dict(response),
                ":expires": now + RETENTION_SECONDS,
                ":in_progress": IN_PROGRESS,
                ":attempt": attempt.attempt,
            },
        }
    }


def abandon(table: Table, attempt: Attempt) -> bool:
    """Free the key after a failed request; False if this attempt no longer owned it
    (completed after all, or taken over after the lock expired)."""
    return delete_item_if(
        table,
        {"key": attempt.record_key},
        _OWNED,
        _OWNED_NAMES,
        {":in_progress": IN_PROGRESS, ":attempt": attempt.attempt},
    )
