"""A request's time budget for DynamoDB: no attempt starts that could not end in time.

botocore bounds one *attempt* (connect and read timeouts) and the number of attempts of
one call, but not a request that makes several calls (a keyed create: begin, transaction,
perhaps a release; an email change: read + transaction, tried again under contention).
Without a bound for the whole request, a slow DynamoDB could keep a function past its
timeout, where API Gateway answers a bare 502/504 and the function is killed mid-way.

`budget(seconds)` sets a deadline for the current thread (the local server runs requests
in threads); `check()` runs on botocore's `request-created` event, which fires once per
*attempt* before it is signed and sent, and raises `DeadlineExceeded` when an attempt of
`attempt_seconds` (connect + read timeout) would end after the deadline. An exception
there is not caught by botocore's retry loop (unlike one on `before-send`), so it ends the
call at once; the service answers 503 with Retry-After. The numbers are in utils.dynamodb,
beside the botocore Config they depend on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class DeadlineExceeded(Exception):
    """No time left in this request's budget for another DynamoDB attempt.
    `generated.runtime.guarded` answers it with 503 and Retry-After (`transient`)."""

    transient = True
    code = "DeadlineExceeded"

    def __init__(self) -> None:
        super().__init__("DynamoDB time budget of the request spent")


_state = threading.local()


def remaining() -> float | None:
    """Seconds left before this thread's deadline; None without a budget."""
    deadline: float | None = getattr(_state, "deadline", None)
    return None if deadline is None else deadline - time.monotonic()


@contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Run the block with a deadline `seconds` from now (an enclosing budget's deadline
    wins when it is earlier: nesting never extends a request's time)."""
    previous: float | None = getattr(_state, "deadline", None)
    deadline = time.monotonic() + seconds
    _state.deadline = deadline if previous is None else min(previous, deadline)
    try:
        yield
    finally:
        _state.deadline = previous


@contextmanager
def grace(seconds: float) -> Iterator[None]:
    """A fresh allowance of `seconds` from now, even past the budget: for the clean-up
    after a failure (releasing an Idempotency-Key), which must get its one try."""
    previous: float | None = getattr(_state, "deadline", None)
    _state.deadline = time.monotonic() + seconds
    try:
        yield
    finally:
        _state.deadline = previous


def checker(attempt_seconds: float) -> Any:
    """The `request-created` handler: refuse an attempt that could outlast the deadline."""

    def check(**_: Any) -> None:
        deadline: float | None = getattr(_state, "deadline", None)
        if deadline is not None and time.monotonic() + attempt_seconds > deadline:
            raise DeadlineExceeded()

    return check
