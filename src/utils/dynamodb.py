"""DynamoDB access for the handlers: one `Table` per endpoint and table name per process,
and the few operations the handlers need, each written once.

The same code talks to AWS, moto or DynamoDB Local: boto3 itself honours
`AWS_ENDPOINT_URL_DYNAMODB` (and `AWS_ENDPOINT_URL`). The cache is keyed by the former, so
a process whose DynamoDB moves (the local server's embedded one, on a new port in each
server a test starts) gets a new client without being told.
"""

from __future__ import annotations

import functools
import gc
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from botocore.config import Config
from botocore.exceptions import ClientError

from utils import deadline
from utils.metrics import count_throttle

if TYPE_CHECKING:  # the stubs are a dev dependency; the Lambda package does not ship them
    from mypy_boto3_dynamodb.service_resource import DynamoDBServiceResource, Table

Item = dict[str, Any]
Key = Mapping[str, Any]

DEFAULT_TABLE_NAME = "users"
TABLE_NAME_VARIABLE = "TABLE_NAME"
ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_DYNAMODB"

# Fail fast rather than let the SDK defaults (60 s connect + 60 s read) run past the
# function timeout (10 s in template.yaml), where API Gateway would answer a bare 502/504
# instead of our 503. DynamoDB answers single-item calls in milliseconds, so 1 s of
# silence already means trouble.
CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 1.0
MAX_ATTEMPTS = 3  # first call + 2 retries ("standard" mode also retries throttling)
CLIENT_CONFIG = Config(
    connect_timeout=CONNECT_TIMEOUT_SECONDS,
    read_timeout=READ_TIMEOUT_SECONDS,
    # Not `max_attempts`: botocore counts that one as *retries* (max_attempts=3 makes 4
    # calls); `total_max_attempts` includes the first call.
    retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
)
# The retry budget, in the worst case (tests/utils/test_retry_budget.py checks each line
# against the template's Timeout and botocore's own backoff):
# - one attempt: ATTEMPT_SECONDS = connect 1 s + read 1 s = 2 s;
# - one call: MAX_ATTEMPTS x 2 s + standard-mode backoff before each retry, at most
#   rand(0, 1) x 2**(i - 1) s after a throttling error (1 s, then 2 s) = 6 + 3 = 9 s;
# - one request makes several calls (a keyed create: claim the key, the transaction tried
#   up to users.service.MAX_TRANSACTION_TRIES times with pauses of at most 0.8 s, release
#   the key on failure), so a request also has a deadline (utils.deadline): no attempt
#   starts that could end after REQUEST_BUDGET_SECONDS (3.5 s). The last attempt ends by
#   then; at most one pause follows (a backoff, <= LONGEST_BACKOFF_SECONDS = 2 s, or a
#   transaction pause, <= 0.8 s) before the next attempt is refused at once: 5.5 s;
# - releasing a failed create's Idempotency-Key then gets a window for one attempt of its
#   own (CLEANUP_SECONDS = 2 s + 0.5 s of slack, so the attempt is not refused by the
#   time spent getting to it), and at most a 1 s backoff before its retry is refused: 3.5 s.
# Worst case 3.5 + 2 + 3.5 = 9 s, inside the 10 s function timeout with 1 s for the
# handler itself; API Gateway's 29 s integration timeout is never the one that fires.
# (A `x-amz-retry-after` header could lengthen a backoff; DynamoDB does not send it.)
ATTEMPT_SECONDS = CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS
LONGEST_BACKOFF_SECONDS = 2.0 ** (MAX_ATTEMPTS - 2)
REQUEST_BUDGET_SECONDS = 3.5
CLEANUP_SECONDS = ATTEMPT_SECONDS + 0.5

# Local runs only: Amazon DynamoDB Local (a JVM) on a busy laptop or CI runner can take
# longer than 1 s to answer a burst of concurrent transactions, which would turn into
# 503s that say nothing about the code. The template never sets it, so deployed
# functions keep the budgeted 1 s (tests/utils/test_dynamodb.py). The request budget and
# the clean-up allowance grow with it, so an attempt still fits.
READ_TIMEOUT_VARIABLE = "DYNAMODB_READ_TIMEOUT_SECONDS"


def _read_timeout() -> float:
    override = os.environ.get(READ_TIMEOUT_VARIABLE)
    return float(override) if override else READ_TIMEOUT_SECONDS


def request_budget() -> float:
    """REQUEST_BUDGET_SECONDS, lengthened by a local read-timeout override. Read once per
    process (`clear_cache` forgets it): it runs on every request."""
    global _request_budget
    if _request_budget is None:
        _request_budget = REQUEST_BUDGET_SECONDS + max(0.0, _read_timeout() - READ_TIMEOUT_SECONDS)
    return _request_budget


_request_budget: float | None = None


def attempt_seconds() -> float:
    """One attempt: ATTEMPT_SECONDS, lengthened by a local read-timeout override."""
    return CONNECT_TIMEOUT_SECONDS + max(_read_timeout(), READ_TIMEOUT_SECONDS)


def cleanup_allowance() -> float:
    """CLEANUP_SECONDS: the window for one attempt, with its slack."""
    return attempt_seconds() + CLEANUP_SECONDS - ATTEMPT_SECONDS


def _client_config() -> Config:
    override = os.environ.get(READ_TIMEOUT_VARIABLE)
    if not override:
        return CLIENT_CONFIG
    return CLIENT_CONFIG.merge(Config(read_timeout=float(override)))


_lock = threading.Lock()
_session: boto3.session.Session | None = None  # keeps the parsed service model
# One resource (client) per endpoint, one Table per (endpoint, table name).
_resources: dict[str | None, DynamoDBServiceResource] = {}
_tables: dict[tuple[str | None, str], Table] = {}
_DESERIALIZER = TypeDeserializer()


def get_table(table_name: str | None = None) -> Table:
    """The `Table` for `table_name`, else `$TABLE_NAME`, else "users"; built once per process
    and endpoint (`$AWS_ENDPOINT_URL_DYNAMODB`).

    Reused across warm invocations, so only the cold start pays for the session and the
    endpoint resolution. Building a Table makes no API call. Both variables are read on
    every call, so a changed endpoint or table name gets its own client or Table, never the
    one built for the old values: about 3 us a call on the shared 2-core machine (an unset
    variable costs `os.environ.get` the most), against 0.05 us for the process-wide
    Table it replaced, the price of a cache that cannot go stale.

    The cache is shared by threads (the local server is threaded): the Table's actions
    delegate to the thread-safe client, and this module never touches the resource's lazily
    loaded attributes, which are the part of boto3 resources that is not thread-safe.
    """
    environ = os.environ
    endpoint = environ.get(ENDPOINT_VARIABLE)
    name = table_name or environ.get(TABLE_NAME_VARIABLE) or DEFAULT_TABLE_NAME
    table = _tables.get((endpoint, name))
    if table is None:
        with _lock:
            table = _tables.get((endpoint, name))
            if table is None:
                table = _tables[(endpoint, name)] = _new_table(endpoint, name)
    return table


def _new_table(endpoint: str | None, name: str) -> Table:
    """A Table (and, the first time for `endpoint`, its resource), with the cyclic garbage
    collector paused while boto3 builds them.

    Building the resource loads botocore's models: tens of thousands of objects that live
    as long as the process, so the collections they trigger find nothing to free (0
    objects, measured) but walk them all: on a cold start, a full collection of about
    20 ms and ~40 young ones within the first call (bench/, `gc.callbacks`). The collector
    is off only while the objects are built, and is restored to what it was.
    """
    global _session
    enabled = gc.isenabled()
    gc.disable()
    try:
        resource = _resources.get(endpoint)
        if resource is None:
            _session = _session or boto3.session.Session()
            # boto3 reads the endpoint from the environment itself; passing the value the
            # cache is keyed by makes the key and the client agree.
            resource = _session.resource("dynamodb", endpoint_url=endpoint, config=_client_config())
            # Each throttled attempt, retried or not, counts (utils.metrics).
            resource.meta.client.meta.events.register("needs-retry.dynamodb", count_throttle)
            # Every attempt is checked against the request's deadline (utils.deadline).
            resource.meta.client.meta.events.register(
                "request-created.dynamodb", deadline.checker(attempt_seconds())
            )
            _resources[endpoint] = resource
        return resource.Table(name)
    finally:
        if enabled:
            gc.enable()


def clear_cache() -> None:
    """Forget the cached clients and tables, so the next `get_table` builds a new client
    from the current environment (region, credentials, read timeout): for tests and tools
    that change them. A change of endpoint or table name needs no call: they are keys."""
    global _request_budget
    with _lock:
        _resources.clear()
        _tables.clear()
        _request_budget = None


def get_item(table: Table, key: Key) -> Item | None:
    """The item with this key, or None.

    Strongly consistent: GetItem is eventually consistent by default, so a read right after
    a create or update could otherwise miss it (costs twice the read capacity).
    """
    response = table.get_item(Key=dict(key), ConsistentRead=True)
    return response.get("Item")


def put_item(table: Table, item: Item) -> Item:
    """Save `item` (replacing any item with the same key) and return it."""
    table.put_item(Item=item)
    return item


@dataclass(frozen=True, slots=True)
class ScanPage:
    items: list[Item]
    last_key: Item | None  # DynamoDB's LastEvaluatedKey: where the next page starts


def scan_page(table: Table, limit: int, start_key: Key | None = None) -> ScanPage:
    """One Scan call: at most `limit` items, and the key to resume from.

    `Limit` caps the items DynamoDB *evaluates*, not the items it returns: a page may hold
    fewer (a 1 MB response cap, or a filter), and `LastEvaluatedKey` can be present even
    when nothing is left (DynamoDB stops at `Limit` without looking ahead), so the page
    after a full one may be empty. Callers must go on until `last_key` is None.
    """
    arguments: dict[str, Any] = {"Limit": limit}
    if start_key is not None:
        arguments["ExclusiveStartKey"] = dict(start_key)
    response = table.scan(**arguments)
    return ScanPage(items=response.get("Items", []), last_key=response.get("LastEvaluatedKey"))


def update_existing_item(table: Table, key: Key, changes: Mapping[str, Any]) -> Item | None:
    """SET only the attributes in `changes` on the item with `key`; the whole new item, or
    None if there is no such item (nothing written: an update must not create one).

    UpdateItem is an upsert unless conditioned, hence `attribute_exists` on the key.
    Every attribute name goes through a placeholder: many plain words (`name`, `status`,
    `date`, ...) are DynamoDB reserved words and are rejected in an expression.
    """
    if not changes:
        raise ValueError("nothing to update")
    if key.keys() & changes.keys():
        raise ValueError("the key attributes of an item cannot be updated")
    key_names, condition = _key_condition("attribute_exists", tuple(key))
    update, name_placeholders, value_placeholders = set_expression(len(changes))
    names = dict(key_names)
    names.update(zip(name_placeholders, changes, strict=True))
    values = dict(zip(value_placeholders, changes.values(), strict=True))
    try:
        response = table.update_item(
            Key=dict(key),
            UpdateExpression=update,
            ConditionExpression=condition,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if _is_condition_failure(exc):
            return None
        raise
    return response["Attributes"]


# The expressions depend only on the key's attribute names and the number of changes: built
# once, not on every call (string building was half of a warm DELETE's helper time, bench).
# Callers pass copies of the cached name maps, so nothing downstream can change them.


@functools.cache
def _key_condition(function: str, key_names: tuple[str, ...]) -> tuple[dict[str, str], str]:
    """(`{"#k0": name, ...}`, `function(#k0) AND ...`) for a key's attribute names."""
    names = {f"#k{i}": name for i, name in enumerate(key_names)}
    return names, " AND ".join(f"{function}({placeholder})" for placeholder in names)


@functools.cache
def set_expression(count: int) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(`SET #f0 = :f0, ...`, `("#f0", ...)`, `(":f0", ...)`) for `count` attributes."""
    names = tuple(f"#f{i}" for i in range(count))
    values = tuple(f":f{i}" for i in range(count))
    expression = "SET " + ", ".join(f"{n} = {v}" for n, v in zip(names, values, strict=True))
    return expression, names, values


def put_item_unless(
    table: Table,
    item: Item,
    condition: str,
    names: Mapping[str, str],
    values: Mapping[str, Any],
) -> Item | None:
    """Save `item` if `condition` holds: None. Else nothing is written and the item that
    failed the condition is returned (`ReturnValuesOnConditionCheckFailure=ALL_OLD`: the
    same atomic answer, no second read that could race)."""
    try:
        table.put_item(
            Item=item,
            ConditionExpression=condition,
            ExpressionAttributeNames=dict(names),
            ExpressionAttributeValues=dict(values),
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as exc:
        if _is_condition_failure(exc):
            # The error's item is in DynamoDB's wire format: boto3 only translates results.
            old: Mapping[str, Any] = exc.response.get("Item") or {}  # type: ignore[assignment]
            return {name: _DESERIALIZER.deserialize(value) for name, value in old.items()}
        raise
    return None


def delete_item_if(
    table: Table, key: Key, condition: str, names: Mapping[str, str], values: Mapping[str, Any]
) -> bool:
    """Delete the item with `key` if `condition` holds; False (nothing deleted) if not."""
    return _written(
        table.delete_item,
        Key=dict(key),
        ConditionExpression=condition,
        ExpressionAttributeNames=dict(names),
        ExpressionAttributeValues=dict(values),
    )


def _written(write: Callable[..., Any], **arguments: Any) -> bool:
    """`write(**arguments)`, a conditional write: False when its condition refused it
    (nothing was written), True when it was written."""
    try:
        write(**arguments)
    except ClientError as exc:
        if _is_condition_failure(exc):
            return False
        raise
    return True


# CancellationReasons codes that mean "try again later", not "a condition failed"
# (DynamoDB API Reference, TransactWriteItems: TransactionConflict when another
# transaction or write is in progress on an item, throttling per table/partition).
_BUSY_REASONS = frozenset(
    {
        "TransactionConflict",
        "ThrottlingError",
        "ProvisionedThroughputExceeded",
        "RequestLimitExceeded",
    }
)
CONDITION_FAILED = "ConditionalCheckFailed"


class TransactionCancelled(Exception):
    """TransactWriteItems wrote nothing. `reasons[i]` is the code of action i
    (`ConditionalCheckFailed`, `TransactionConflict`, ...; None for an action that was
    fine): DynamoDB aligns CancellationReasons with the actions by position.
    `in_progress`: a transaction with the same ClientRequestToken is still running
    (TransactionInProgressException), so there are no reasons yet."""

    def __init__(self, reasons: tuple[str | None, ...], in_progress: bool = False) -> None:
        super().__init__(f"transaction cancelled: {reasons or 'in progress'}")
        self.reasons = reasons
        self.in_progress = in_progress

    def failed(self, position: int) -> bool:
        """Did the condition of action `position` fail?"""
        return position < len(self.reasons) and self.reasons[position] == CONDITION_FAILED

    @property
    def code(self) -> str:
        """The reason to log: the first action's code, or TransactionInProgress."""
        if self.in_progress:
            return "TransactionInProgress"
        return next((reason for reason in self.reasons if reason), "TransactionCanceled")

    @property
    def busy(self) -> bool:
        """Cancelled by contention or throttling rather than by a condition: retry later."""
        return self.in_progress or any(reason in _BUSY_REASONS for reason in self.reasons)


def transact_write(table: Table, actions: list[dict[str, Any]], token: str) -> None:
    """One TransactWriteItems: every action or none. Raises TransactionCancelled, and
    ClientError for anything else (throttling of the call itself: see generated.runtime).

    Through the resource's client, which boto3 gives its high-level serialisation: the
    actions carry plain Python values like the Table methods do. `token` is the
    ClientRequestToken (at most 36 characters): DynamoDB answers a repeat of the same
    request with the same token within 10 minutes with success instead of running it
    again, which makes botocore's own retries of a transaction idempotent (a retry after
    a lost response would otherwise fail its conditions against its own writes).
    """
    try:
        table.meta.client.transact_write_items(
            TransactItems=actions,  # type: ignore[arg-type]  # plain values: see above
            ClientRequestToken=token,
        )
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = error.get("Code")
        if code == "TransactionCanceledException":
            reasons = exc.response.get("CancellationReasons") or []
            raise TransactionCancelled(
                tuple(
                    None if reason.get("Code") in (None, "None") else str(reason["Code"])
                    for reason in reasons
                )
            ) from exc
        if code == "TransactionInProgressException":
            raise TransactionCancelled((), in_progress=True) from exc
        raise


def _is_condition_failure(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"
