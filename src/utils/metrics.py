"""The service's own counters: what happened to users, beyond requests and statuses.

    from utils import metrics
    metrics.count(metrics.USERS_CREATED)

Each count joins the request's Embedded Metric Format line (`generated.observability`),
in the spec's CloudWatch namespace under the `Service` dimension only, so the dashboard
shows every counter without knowing its name. The names are declared here once.
"""

from __future__ import annotations

from generated.observability import count
from generated.runtime import THROTTLING_CODES  # the runtime's 503s own the DynamoDB codes

USERS_CREATED = "UsersCreated"
USERS_DELETED = "UsersDeleted"
CONFLICTS = "Conflicts"  # 409s: a user that already exists
IDEMPOTENT_REPLAYS = "IdempotentReplays"  # a repeated Idempotency-Key answered from storage
DYNAMODB_THROTTLES = "DynamoDBThrottles"  # each throttled DynamoDB attempt, retried or not

__all__ = [
    "CONFLICTS",
    "DYNAMODB_THROTTLES",
    "IDEMPOTENT_REPLAYS",
    "USERS_CREATED",
    "USERS_DELETED",
    "count",
    "count_throttle",
]


def count_throttle(response: object = None, **kwargs: object) -> None:
    """botocore `needs-retry.dynamodb` handler: count an attempt DynamoDB throttled.

    botocore emits the event after every attempt, before deciding to retry, and takes the
    first non-None answer of its handlers as the decision (botocore/endpoint.py
    `_needs_retry`): this one always answers None, so the retry policy is unchanged. It
    sees the throttles the retries absorbed, which no response status shows.
    """
    parsed = response[1] if isinstance(response, tuple) and len(response) == 2 else None
    error = parsed.get("Error") if isinstance(parsed, dict) else None
    if isinstance(error, dict) and error.get("Code") in THROTTLING_CODES:
        count(DYNAMODB_THROTTLES)
