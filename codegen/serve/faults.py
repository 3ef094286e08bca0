"""DynamoDB's error answers by the names `serve --chaos` knows: what DynamoDB sends for a
throttle, a server error or a transaction conflict. `serve --chaos` (codegen/serve/chaos.py)
answers them at the DynamoDB endpoint; the tests inject the same faults into one client,
below botocore's retry logic (tests/support/botocore_faults.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_PREFIX = "com.amazonaws.dynamodb.v20120810#"


@dataclass(frozen=True)
class Fault:
    """A DynamoDB JSON-protocol error answer."""

    status: int
    code: str
    message: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def wire(self) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body as DynamoDB sends them."""
        body = {"__type": f"{_PREFIX}{self.code}", "Message": self.message, **self.fields}
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "injected"}
        return self.status, headers, json.dumps(body).encode()


def cancelled(*codes: str | None) -> Fault:
    """TransactionCanceledException with one CancellationReason per action, in order."""
    reasons = [{"Code": "None"} if code is None else {"Code": code} for code in codes]
    return Fault(
        400,
        "TransactionCanceledException",
        f"Transaction cancelled, please refer cancellation reasons for specific reasons {codes}",
        {"CancellationReasons": reasons},
    )


def throttled() -> Fault:
    return Fault(400, "ThrottlingException", "Rate of requests exceeds the allowed rate")


def conflict(body: bytes | None) -> Fault:
    """TransactionConflict on every action of a TransactWriteItems whose request `body` this
    is (another transaction holds the items); on a single-item call, DynamoDB's own
    conflict answer."""
    try:
        request = json.loads(body or b"{}")
        actions = request.get("TransactItems") if isinstance(request, dict) else None
    except (TypeError, ValueError):
        actions = None
    if isinstance(actions, list) and actions:
        return cancelled(*["TransactionConflict"] * len(actions))
    return Fault(400, "TransactionConflictException", "Transaction is ongoing for the item")


# Every fault by the name `serve --chaos` and the tests use. Throttling is a 400 with the
# code (DynamoDB API Reference, "Error handling": ProvisionedThroughputExceededException,
# ThrottlingException, RequestLimitExceeded); InternalServerError a 500; the 503 is the
# front end's ServiceUnavailable.
THROTTLES: dict[str, Fault] = {
    "throttle": Fault(400, "ThrottlingException", "Rate of requests exceeds the allowed rate"),
    "provisioned": Fault(
        400,
        "ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded",
    ),
    "limit": Fault(400, "RequestLimitExceeded", "Throughput exceeds the current account limit"),
}
SERVER_ERRORS: dict[str, Fault] = {
    "internal": Fault(500, "InternalServerError", "Internal server error"),
    "unavailable": Fault(503, "ServiceUnavailable", "Service unavailable"),
}


# Every name `serve --chaos` (and the tests' injections) accept: the answers above, and
# what happens to the connection (`conflict` answers `conflict(body)`).
NAMES = (*THROTTLES, *SERVER_ERRORS, "conflict", "reset", "timeout", "unreachable")
