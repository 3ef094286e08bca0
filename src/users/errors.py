"""What the users domain refuses, as exceptions that know their HTTP answer.

The service raises them; a handler turns one into `error(exc.message, exc.status,
exc.headers)`, so each status and message is written once.
"""

from __future__ import annotations

USER_NOT_FOUND = "User not found"
EMAIL_TAKEN = "Email already in use"


class DomainError(Exception):
    status = 500
    message = "Internal server error"
    headers: dict[str, str] = {}  # noqa: RUF012 - read-only class defaults

    def __init__(self) -> None:
        super().__init__(self.message)


class UserNotFound(DomainError):
    status = 404
    message = USER_NOT_FOUND


class UserExists(DomainError):
    """The new id is taken: a uuid4 collision, never overwritten; retrying is safe."""

    status = 409
    message = "User already exists"


class EmailTaken(DomainError):
    """Another user holds this email's claim (users.emails)."""

    status = 409
    message = EMAIL_TAKEN


class RequestInFlight(DomainError):
    """A request with this Idempotency-Key is still running (or its lock was taken over)."""

    status = 409
    message = "A request with this Idempotency-Key is still in progress; retry later"


class CreatedUserGone(DomainError):
    """The Idempotency-Key's create completed, but that user has since been deleted: a
    201 pointing at a missing user would say "created" about nothing."""

    status = 409
    message = "The user created with this Idempotency-Key has since been deleted"


class KeyReused(DomainError):
    """The Idempotency-Key was first used with another body (IETF draft
    "The Idempotency-Key HTTP Header Field": 422 for a reused key)."""

    status = 422
    message = "Idempotency-Key already used with a different request"


class Busy(Exception):
    """DynamoDB cancelled the transaction for contention or throttling, every try: retry
    later. Not a DomainError: handlers let it reach `generated.runtime.guarded`, which
    answers 503 with Retry-After (`transient`) and logs the request id with `code`, the
    cancellation reason (TransactionConflict, ThrottlingError, ...)."""

    transient = True

    def __init__(self, code: str = "TransactionCancelled") -> None:
        super().__init__(code)
        self.code = code
