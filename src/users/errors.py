"""What the users domain refuses, as exceptions that know their HTTP answer.

The service raises them and the handlers let them through: `generated.runtime.guarded`
answers each with `{"message": message}`, its status and headers, and counts its
`metric` (every 409 is a `Conflicts`), so each answer is written once.
"""

from __future__ import annotations

from generated.runtime import HttpError
from utils.metrics import CONFLICTS

USER_NOT_FOUND = "User not found"
EMAIL_TAKEN = "Email already in use"


class DomainError(HttpError):
    """A refusal of the users domain; a subclass sets `status`, `message` (and `headers`,
    `metric`)."""

    def __init__(self) -> None:
        super().__init__(self.message)


class UserNotFound(DomainError):
    status = 404
    message = USER_NOT_FOUND


class UserExists(DomainError):
    """The new id is taken: a uuid4 collision, never overwritten; retrying is safe."""

    status = 409
    metric = CONFLICTS
    message = "User already exists"


class EmailTaken(DomainError):
    """Another user holds this email's claim (users.emails)."""

    status = 409
    metric = CONFLICTS
    message = EMAIL_TAKEN


class RequestInFlight(DomainError):
    """A request with this Idempotency-Key is still running (or its lock was taken over)."""

    status = 409
    metric = CONFLICTS
    message = "A request with this Idempotency-Key is still in progress; retry later"


class CreatedUserGone(DomainError):
    """The Idempotency-Key's create completed, but that user has since been deleted: a
    201 pointing at a missing user would say "created" about nothing."""

    status = 409
    metric = CONFLICTS
    message = "The user created with this Idempotency-Key has since been deleted"


class KeyReused(DomainError):
    """The Idempotency-Key was first used with another body (IETF draft
    "The Idempotency-Key HTTP Header Field": 422 for a reused key)."""

    status = 422
    message = "Idempotency-Key already used with a different request"


class Busy(Exception):
    """DynamoDB cancelled the transaction for contention or throttling, every try: retry
    later. Not a DomainError: `generated.runtime.guarded` answers it as a failure:
    503 with Retry-After (`transient`), and logs the request id with `code`, the
    cancellation reason (TransactionConflict, ThrottlingError, ...)."""

    transient = True

    def __init__(self, code: str = "TransactionCancelled") -> None:
        super().__init__(code)
        self.code = code
