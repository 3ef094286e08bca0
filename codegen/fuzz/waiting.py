"""Wait out a 429 or a 503 as its `Retry-After` says, then send the request again.

API Gateway answers 429 when a usage plan's rate or burst is exceeded; the API answers 503
with `Retry-After` when DynamoDB throttles (openapi.yaml). Neither says anything about the
operation under test, so neither should become a failure: the request is sent again after
the wait, and the checks see the answer that follows. schemathesis 4's own `--rate-limit
auto` waits out 429s only, and only instead of a fixed rate; this keeps the fixed rate (the
team's usage plan) and waits out both. It is a `requests` response hook, which schemathesis
passes on to `requests` from the `before_call` hook's keyword arguments (hooks.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

RETRY_STATUSES = frozenset({429, 503})
MAX_RETRIES = 5
MAX_WAIT_SECONDS = 60.0
DEFAULT_WAIT_SECONDS = 1.0  # a 429 without Retry-After: API Gateway sends none


def retry_after_seconds(value: str | None, now: float | None = None) -> float:
    """Seconds to wait from a `Retry-After` value (delta-seconds or an HTTP date), capped."""
    if not value:
        return DEFAULT_WAIT_SECONDS
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - (
                time.time() if now is None else now
            )
        except (TypeError, ValueError):
            seconds = DEFAULT_WAIT_SECONDS
    return min(max(seconds, 0.0), MAX_WAIT_SECONDS)


def waiting_hook(
    on_wait: Callable[[int, float], None], sleep: Callable[[float], None] = time.sleep
) -> Callable[..., Any]:
    """A `requests` response hook: the final answer after waiting out 429s and 503s."""

    def hook(response: Any, *args: Any, **send_kwargs: Any) -> Any:
        for _ in range(MAX_RETRIES):
            if response.status_code not in RETRY_STATUSES:
                break
            seconds = retry_after_seconds(response.headers.get("Retry-After"))
            on_wait(response.status_code, seconds)
            request = response.request.copy()
            connection = response.connection
            response.close()  # give the connection back before sending again
            sleep(seconds)
            response = connection.send(request, **send_kwargs)
        return response

    return hook
