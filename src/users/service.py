"""The users domain: what a user is and how users are stored, independent of HTTP.

Handlers validate the request (generated validators), call one function here and turn
the result (or the users.errors exception) into a response. Every function takes the
tables (`users.store.Store`, or the users `Table` for reads) so tests can hand in any.
Every write that touches an email is one TransactWriteItems with conditions, never a
read-then-write whose write is unconditioned (users.emails).
"""

from __future__ import annotations

import functools
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, TypedDict, TypeVar

from users import emails, idempotency
from users.errors import (
    Busy,
    CreatedUserGone,
    EmailTaken,
    RequestInFlight,
    UserExists,
    UserNotFound,
)
from users.store import Store
from utils import deadline, metrics
from utils.caller import ANONYMOUS
from utils.dynamodb import (
    TransactionCancelled,
    cleanup_allowance,
    get_item,
    request_budget,
    scan_page,
    set_expression,
    transact_write,
    update_existing_item,
)
from utils.pagination import InvalidCursorError, decode_cursor, encode_cursor

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

KEY_NAMES = ("id",)
EDITABLE_FIELDS = ("name", "email")
# A transaction cancelled by contention (TransactionConflict, throttling) or, for
# read-then-transact writes, by a change since the read, is tried this many times in all
# before answering 503. Worst case, the pauses add up to about 0.05 * (2**5 - 1) = 1.55 s
# (each at most MAX_PAUSE_SECONDS), within the function timeout with the SDK's own
# retries (tests/utils/test_dynamodb.py budgets those).
MAX_TRANSACTION_TRIES = 6
FIRST_PAUSE_SECONDS = 0.05
MAX_PAUSE_SECONDS = 0.8
_LOG = logging.getLogger(__name__)
_P = ParamSpec("_P")
_R = TypeVar("_R")


def budgeted(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run one operation under the request's DynamoDB deadline (utils.deadline; the
    arithmetic is beside utils.dynamodb's Config): an attempt that could not end in time
    is not started, and `guarded` answers 503 with Retry-After."""

    @functools.wraps(function)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with deadline.budget(request_budget()):
            return function(*args, **kwargs)

    return run


class User(TypedDict):
    """The `User` schema of openapi.yaml: exactly what clients see."""

    id: str
    name: str
    email: str
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class UserPage:
    users: list[User]
    next_token: str | None

    def as_body(self) -> dict[str, Any]:
        """The `UserList` schema."""
        return {"users": self.users, "count": len(self.users), "next_token": self.next_token}


def utc_now() -> str:
    """Now as an RFC 3339 `date-time` in UTC, to the second: `2026-11-24T10:00:00Z`."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def new_user_id() -> str:
    """A random (version 4) UUID in canonical lower-case hyphenated form."""
    return str(uuid.uuid4())


def is_user_id(value: str) -> bool:
    """A UUID in the canonical lower-case hyphenated form this service issues."""
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def to_user(item: Mapping[str, Any]) -> User:
    """The client's view of a stored item: the `User` fields only, whatever else is stored."""
    return User(
        id=item["id"],
        name=item["name"],
        email=item["email"],
        created_at=item["created_at"],
        updated_at=item["updated_at"],
    )


class Created:
    """A plain class: a dataclass costs every cold start about 1 ms."""

    __slots__ = ("location", "user")

    def __init__(self, user: User, location: str) -> None:
        self.user = user
        self.location = location  # the `Location` of the 201


@budgeted
def create_user(
    store: Store,
    fields: Mapping[str, Any],
    location_prefix: str,
    caller: str = ANONYMOUS,
    idempotency_key: str | None = None,
) -> Created:
    """Store a new user from the validated `NewUser` body, with its email claim.

    With an `idempotency_key`, a repeat of a completed create by the same caller with the
    same body returns the first result and creates nothing (users.idempotency), unless
    that user has been deleted since. Raises EmailTaken, KeyReused, RequestInFlight,
    CreatedUserGone or Busy.
    """
    now = utc_now()
    user = User(
        id=new_user_id(),
        name=fields["name"],
        email=fields["email"],
        created_at=now,
        updated_at=now,
    )
    created = Created(user, f"{location_prefix}/{user['id']}")
    if idempotency_key is None:
        _put_user(store, user, token=user["id"])
        metrics.count(metrics.USERS_CREATED)
        return created
    begun = idempotency.begin(store.idempotency, caller, idempotency_key, fields)
    if isinstance(begun, idempotency.Replay):
        replayed = to_user(begun.response["user"])
        if get_item(store.users, {"id": replayed["id"]}) is None:
            raise CreatedUserGone()
        metrics.count(metrics.IDEMPOTENT_REPLAYS)  # answered from storage, nothing created
        return Created(replayed, str(begun.response["location"]))
    response = {"user": dict(user), "location": created.location}
    try:
        _put_user(
            store,
            user,
            token=begun.token,
            completion=idempotency.complete_action(store.idempotency, begun, response),
        )
    except BaseException:
        # A failed request must not use up its key. Conditioned on ownership, so a create
        # that committed after all (its answer lost) keeps its COMPLETED record.
        _abandon_quietly(store, begun)
        raise
    metrics.count(metrics.USERS_CREATED)
    return created


def _put_user(
    store: Store, user: User, token: str, completion: dict[str, Any] | None = None
) -> None:
    """One transaction: the user, its email claim and (keyed) the idempotency record's
    completion. Positions matter: CancellationReasons are aligned with the actions."""
    actions = [
        {
            "Put": {
                "TableName": store.users.name,
                "Item": dict(user),
                "ConditionExpression": "attribute_not_exists(#id)",
                "ExpressionAttributeNames": {"#id": "id"},
            }
        },
        emails.put_claim(store.emails, user["email"], user["id"]),
    ]
    if completion is not None:
        actions.append(completion)
    for attempt in range(MAX_TRANSACTION_TRIES):
        cancelled = _commit(store, actions, _attempt_token(token, attempt))
        if cancelled is None:
            return
        # Our id is a fresh uuid4 and the item carries this request's timestamps: if it is
        # stored, the transaction committed on an earlier attempt whose answer was lost,
        # and botocore's retry met our own writes. DynamoDB answers such a retry with
        # success thanks to ClientRequestToken; moto ignores the token, so check anyway.
        if cancelled.failed(0) and get_item(store.users, {"id": user["id"]}) == user:
            return
        if cancelled.failed(1):
            raise EmailTaken() from cancelled
        if cancelled.failed(0):
            raise UserExists() from cancelled  # a uuid4 collision: retrying is safe
        if cancelled.failed(2):  # our lock expired and another request took the key
            raise RequestInFlight() from cancelled
        if not cancelled.busy:
            raise cancelled
        _pause(attempt)
    raise Busy(cancelled.code if cancelled else "TransactionCanceled")


def _commit(store: Store, actions: list[dict[str, Any]], token: str) -> TransactionCancelled | None:
    """Run one transaction: None if it committed, else why it was cancelled (positions of
    `reasons` follow `actions`; `busy`: contention, worth another try)."""
    try:
        transact_write(store.users, actions, token)
    except TransactionCancelled as cancelled:
        return cancelled
    return None


def _attempt_token(token: str, attempt: int) -> str:
    """The ClientRequestToken of our `attempt`-th try (at most 36 characters). botocore's
    own retries of one try resend its token; a new try after a cancellation is a new
    request, so it gets a token of its own."""
    return token if attempt == 0 else f"{token[:32]}-r{attempt:02d}"


def _pause(attempt: int) -> None:
    """Exponential backoff with full jitter before trying a cancelled transaction again
    (AWS Architecture Blog, "Exponential Backoff and Jitter"). botocore does not retry a
    TransactionConflict: it is a TransactionCanceledException, and the other transaction
    on the item (another request for the same email) usually finishes within milliseconds,
    after which our retry gets a definite answer (a 409, say) instead of a 503."""
    if attempt + 1 < MAX_TRANSACTION_TRIES:  # no pause before giving up
        import random  # only under contention: 2.6 ms of every cold start otherwise

        time.sleep(random.uniform(0, pause_limit(attempt)))


def pause_limit(attempt: int) -> float:
    """The longest pause after try number `attempt` (from 0)."""
    return float(min(MAX_PAUSE_SECONDS, FIRST_PAUSE_SECONDS * 2.0**attempt))


def _abandon_quietly(store: Store, attempt: idempotency.Attempt) -> None:
    """Release the key of a failed create. It gets one attempt even when the request's
    budget is spent (a held key would refuse the client's retry with 409 until its lock
    expires); if that fails too, the lock expires with the function timeout."""
    try:
        with deadline.grace(cleanup_allowance()):
            idempotency.abandon(store.idempotency, attempt)
    except Exception:  # the original error matters more; the lock expires anyway
        _LOG.warning("Could not release an idempotency record", exc_info=True)


@budgeted
def get_user(table: Table, user_id: str) -> User | None:
    item = get_item(table, {"id": user_id})
    return None if item is None else to_user(item)


@budgeted
def list_users(table: Table, limit: int, next_token: str | None = None) -> UserPage:
    """One page of at most `limit` users, resuming after `next_token`.

    The page is what a single Scan call returned, even when that is fewer than `limit`
    (or none) while more remain: filling the page with more calls would make one request's
    latency and read cost unbounded. `next_token` is None only when DynamoDB says the
    scan is complete. Raises InvalidCursorError for a token this service did not issue.

    A token outlives its user: DynamoDB resumes a Scan from the key's position whether or
    not that item still exists. (moto 5.2 does not: it answers an empty, final page.)
    """
    start_key = None if next_token is None else decode_user_cursor(next_token)
    page = scan_page(table, limit, start_key)
    return UserPage(
        users=[to_user(item) for item in page.items],
        next_token=None if page.last_key is None else encode_cursor(page.last_key),
    )


def decode_user_cursor(token: str) -> dict[str, str]:
    key = decode_cursor(token, KEY_NAMES)
    if not is_user_id(key["id"]):
        raise InvalidCursorError("not a token from a previous page")
    return key


@budgeted
def update_user(store: Store, user_id: str, changes: Mapping[str, Any]) -> User:
    """Apply the validated `UserPatch` (only the fields given) and touch `updated_at`.

    A new email moves its claim in the same transaction: delete the old claim (if this
    user holds it), put the new one, update the user conditioned on the email just read.
    If the user changed in between, read again (bounded). The same email in another case
    is not a clash: no claim moves. Raises UserNotFound, EmailTaken or Busy.
    """
    fields = {name: changes[name] for name in EDITABLE_FIELDS if name in changes}
    if "email" not in fields:
        item = update_existing_item(
            store.users, {"id": user_id}, {**fields, "updated_at": utc_now()}
        )
        if item is None:
            raise UserNotFound()
        return to_user(item)
    keep_old_claim = False
    for attempt in range(MAX_TRANSACTION_TRIES):
        current = get_item(store.users, {"id": user_id})
        if current is None:
            raise UserNotFound()
        new = {**fields, "updated_at": utc_now()}
        moves = emails.normalise(current["email"]) != emails.normalise(fields["email"])
        actions = [_update_if_email(store, user_id, current["email"], new)]
        if moves:
            actions.append(emails.put_claim(store.emails, fields["email"], user_id))
            if not keep_old_claim:
                actions.append(emails.release_claim(store.emails, current["email"], user_id))
        cancelled = _commit(store, actions, new_user_id())
        if cancelled is None:
            return to_user({**current, **new})
        if cancelled.failed(0):  # changed or deleted since the read: read again
            continue
        if cancelled.failed(1):
            raise EmailTaken() from cancelled
        if cancelled.failed(2):
            # Another user holds the old email's claim: data from before claims
            # (duplicates; see ops/email_claims.py). Leave their claim alone.
            keep_old_claim = True
            continue
        if not cancelled.busy:
            raise cancelled
        _pause(attempt)
    # Lost the race MAX_TRANSACTION_TRIES times: let the client retry.
    raise Busy(cancelled.code if cancelled else "TransactionCanceled")


def _update_if_email(
    store: Store, user_id: str, email: str, changes: Mapping[str, Any]
) -> dict[str, Any]:
    """Transaction action: SET `changes` on the user, if it exists with this email."""
    update, name_placeholders, value_placeholders = set_expression(len(changes))
    return {
        "Update": {
            "TableName": store.users.name,
            "Key": {"id": user_id},
            "UpdateExpression": update,
            "ConditionExpression": "#email = :email",
            "ExpressionAttributeNames": {
                "#email": "email",
                **dict(zip(name_placeholders, changes, strict=True)),
            },
            "ExpressionAttributeValues": {
                ":email": email,
                **dict(zip(value_placeholders, changes.values(), strict=True)),
            },
        }
    }


@budgeted
def delete_user(store: Store, user_id: str) -> None:
    """Delete the user and free its email, in one transaction conditioned on the email
    just read (re-read if it changed). Raises UserNotFound or Busy.

    A retry after a lost answer finds no user and says 404 on moto, which ignores
    ClientRequestToken; DynamoDB answers the retry with the first success.
    """
    keep_claim = False
    for attempt in range(MAX_TRANSACTION_TRIES):
        current = get_item(store.users, {"id": user_id})
        if current is None:
            raise UserNotFound()
        actions = [
            {
                "Delete": {
                    "TableName": store.users.name,
                    "Key": {"id": user_id},
                    "ConditionExpression": "#email = :email",
                    "ExpressionAttributeNames": {"#email": "email"},
                    "ExpressionAttributeValues": {":email": current["email"]},
                }
            }
        ]
        if not keep_claim:
            actions.append(emails.release_claim(store.emails, current["email"], user_id))
        cancelled = _commit(store, actions, new_user_id())
        if cancelled is None:
            return
        if cancelled.failed(0):  # changed since the read: read again
            continue
        if cancelled.failed(1):  # another user's claim (duplicates from before claims)
            keep_claim = True
            continue
        if not cancelled.busy:
            raise cancelled
        _pause(attempt)
    raise Busy(cancelled.code if cancelled else "TransactionCanceled")
