"""Every users operation meets every DynamoDB fault with botocore's retries running.

The faults (codegen/serve/faults.py, the same `serve --chaos` injects) replace attempts on
`before-send`, against moto over HTTP (ThreadedMotoServer: a real endpoint, so the
replaced attempt is really not sent; moto's in-process mock would run it anyway). What
must hold: a 503 with Retry-After for every transient fault (a 500 otherwise), the CORS
headers and the envelope with no internals (tests.support.contract), a log line with the
request id and the error code, an answer within the function's timeout, and nothing
half-written.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.retries.standard import ExponentialBackoff
from samtranslator.yaml_helper import yaml_parse

from codegen.serve.dynamodb_tables import ensure_tables
from tests.support import botocore_faults as injected
from tests.support import faults
from tests.support.contract import assert_contract, body_of
from tests.support.dynamo import TABLE_NAMES, TEMPLATE_PATH
from tests.support.events import LambdaContext, api_event
from tests.support.moto_server import moto_server
from users import create_user, delete_user, emails, get_user, idempotency, list_users, update_user
from users import store as users_store
from users.service import MAX_TRANSACTION_TRIES
from users.store import Store
from utils import dynamodb as ddb
from utils.caller import ANONYMOUS

TRANSIENT = {
    "throttle": "ThrottlingException",
    "provisioned": "ProvisionedThroughputExceededException",
    "limit": "RequestLimitExceeded",
    "internal": "InternalServerError",
    "unavailable": "ServiceUnavailable",
    "conflict": "Transaction",  # TransactionConflict(Exception), by call
    "reset": "ConnectionClosedError",
    "timeout": "ReadTimeoutError",
    "unreachable": "EndpointConnectionError",
}
OPERATIONS = ["get", "list", "create", "update", "update-email", "delete"]


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def store(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    for variable, name in TABLE_NAMES.items():
        monkeypatch.setenv(variable, name)
    ensure_tables(TEMPLATE_PATH, boto3.resource("dynamodb", endpoint_url=endpoint))
    ddb.clear_cache()
    yield users_store.current()
    ddb.clear_cache()


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """botocore's backoff delays, recorded and not slept (the matrix would take minutes);
    the timing tests below keep them."""
    delays: list[float] = []
    original = ExponentialBackoff.delay_amount

    def record(self: ExponentialBackoff, context: Any) -> float:
        delays.append(original(self, context))
        return 0.0

    monkeypatch.setattr(ExponentialBackoff, "delay_amount", record)
    return delays


def _seed(store: Store) -> dict[str, Any]:
    """A user created without faults (its claim too)."""
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    response = create_user.handler(
        api_event("POST", "/users", body={"name": "Ada", "email": email}), LambdaContext()
    )
    assert response["statusCode"] == 201, response
    user: dict[str, Any] = body_of(response)
    return user


def _event(operation: str, user: dict[str, Any], key: str) -> dict[str, Any]:
    path = {"id": user["id"]}
    fresh = f"{uuid.uuid4().hex[:12]}@example.com"
    return {
        "get": lambda: api_event("GET", "/users/{id}", path_parameters=path),
        "list": lambda: api_event("GET", "/users"),
        "create": lambda: api_event(
            "POST",
            "/users",
            body={"name": "Grace", "email": fresh},
            headers={"Idempotency-Key": key},
        ),
        "update": lambda: api_event(
            "PATCH", "/users/{id}", path_parameters=path, body={"name": "Changed"}
        ),
        "update-email": lambda: api_event(
            "PATCH", "/users/{id}", path_parameters=path, body={"email": fresh}
        ),
        "delete": lambda: api_event("DELETE", "/users/{id}", path_parameters=path),
    }[operation]()


HANDLERS = {
    "get": get_user.handler,
    "list": list_users.handler,
    "create": create_user.handler,
    "update": update_user.handler,
    "update-email": update_user.handler,
    "delete": delete_user.handler,
}


def _state(store: Store) -> tuple[list[Any], list[Any], list[Any]]:
    def scan(table: Any) -> list[Any]:
        return sorted(table.scan(ConsistentRead=True)["Items"], key=repr)

    return scan(store.users), scan(store.emails), scan(store.idempotency)


@pytest.mark.parametrize("fault", list(TRANSIENT))
@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_answers_503_and_writes_nothing(
    store: Store,
    no_backoff: list[float],
    caplog: pytest.LogCaptureFixture,
    operation: str,
    fault: str,
) -> None:
    user = _seed(store)
    before = _state(store)
    event = _event(operation, user, key=str(uuid.uuid4()))
    context = LambdaContext()
    client = store.users.meta.client
    started = time.monotonic()
    with (
        faults.every_attempt(client, injected.injection(fault, 0.0)) as attempts,
        caplog.at_level(logging.WARNING),
    ):
        response = HANDLERS[operation](event, context)
    elapsed = time.monotonic() - started
    assert_contract(event, response, table_name=TABLE_NAMES["TABLE_NAME"])
    for name in TABLE_NAMES.values():
        assert name not in response["body"]
    assert response["statusCode"] == 503, response
    assert int(response["headers"]["Retry-After"]) >= 1
    assert body_of(response) == {"message": "Service temporarily unavailable, retry later"}
    # botocore retried: the first call met the fault on every one of its attempts.
    first_call = attempts[0]
    tries = attempts.count(first_call)
    if fault == "conflict" and first_call == "TransactWriteItems":
        assert tries == MAX_TRANSACTION_TRIES  # our loop; botocore does not retry it
    elif fault == "conflict":
        assert tries >= 1  # botocore's standard mode does not retry it: guarded's 503
    else:
        assert tries >= ddb.MAX_ATTEMPTS
    # One line for the request, at WARNING, naming the fault's code.
    log = [
        r for r in caplog.records if getattr(r, "lambdaRequestId", None) == context.aws_request_id
    ]
    assert len(log) == 1, caplog.text
    assert log[0].levelno == logging.WARNING and getattr(log[0], "status", None) == 503
    assert TRANSIENT[fault] in str(getattr(log[0], "errorCode", "")), vars(log[0])
    assert elapsed < ddb.REQUEST_BUDGET_SECONDS
    assert _state(store) == before  # nothing half-written, nothing lost


@pytest.mark.parametrize("operation", ["get", "create", "delete"])
def test_other_errors_answer_500_with_the_code_in_the_log(
    store: Store, caplog: pytest.LogCaptureFixture, operation: str
) -> None:
    user = _seed(store)
    before = _state(store)
    event = _event(operation, user, key=str(uuid.uuid4()))
    context = LambdaContext()
    denied = faults.Fault(
        400,
        "AccessDeniedException",
        f"User: arn:aws:sts::1:assumed-role/fn is not authorized on {TABLE_NAMES['TABLE_NAME']}",
    )
    with faults.every_attempt(store.users.meta.client, lambda request: injected.http(denied)):
        response = HANDLERS[operation](event, context)
    assert_contract(event, response, table_name=TABLE_NAMES["TABLE_NAME"])
    assert response["statusCode"] == 500
    assert body_of(response) == {"message": "Internal server error"}
    assert "Retry-After" not in response["headers"]
    (line,) = [
        r for r in caplog.records if getattr(r, "lambdaRequestId", None) == context.aws_request_id
    ]
    assert line.levelno == logging.ERROR and getattr(line, "errorCode", None) == (
        "AccessDeniedException"
    )
    assert ".py:" in str(getattr(line, "errorAt", ""))  # where it was raised, no message
    assert TABLE_NAMES["TABLE_NAME"] not in repr(vars(line))
    assert _state(store) == before


def _claims(store: Store) -> dict[str, str]:
    items = store.emails.scan(ConsistentRead=True)["Items"]
    return {str(item[emails.KEY]): str(item[emails.OWNER]) for item in items}


@pytest.mark.parametrize("fault", ["throttle", "internal", "reset", "conflict"])
def test_a_failed_create_leaves_no_user_claim_or_blocking_key(
    store: Store, no_backoff: list[float], fault: str
) -> None:
    key = str(uuid.uuid4())
    body = {"name": "Grace", "email": f"{uuid.uuid4().hex[:12]}@example.com"}
    event = api_event("POST", "/users", body=body, headers={"Idempotency-Key": key})
    users_before, claims_before = _state(store)[0], _claims(store)
    injection = injected.injection(fault, 0.0)
    with faults.sent_with(store.users.meta.client, "TransactWriteItems", [injection] * 10):
        failed = create_user.handler(event, LambdaContext())
    assert failed["statusCode"] == 503
    assert _state(store)[0] == users_before
    assert _claims(store) == claims_before
    record = idempotency.record_key(ANONYMOUS, key)
    assert ddb.get_item(store.idempotency, {"key": record}) is None  # released
    retried = create_user.handler(event, LambdaContext())  # the client's retry, same key
    assert retried["statusCode"] == 201, retried
    assert body_of(retried)["email"] == body["email"]


@pytest.mark.parametrize("fault", ["throttle", "unavailable", "timeout", "conflict"])
def test_a_failed_email_change_leaves_the_old_version_whole(
    store: Store, no_backoff: list[float], fault: str
) -> None:
    user = _seed(store)
    stored = ddb.get_item(store.users, {"id": user["id"]})
    claims = _claims(store)
    event = _event("update-email", user, key="")
    injection = injected.injection(fault, 0.0)
    with faults.sent_with(store.users.meta.client, "TransactWriteItems", [injection] * 10):
        failed = update_user.handler(event, LambdaContext())
    assert failed["statusCode"] == 503
    assert ddb.get_item(store.users, {"id": user["id"]}) == stored
    assert _claims(store) == claims


@pytest.mark.slow
def test_timeouts_on_every_attempt_answer_within_the_function_timeout(store: Store) -> None:
    """Real time, real backoff: a keyed create whose transaction never answers (each
    attempt waits out the 1 s read timeout) still answers 503, within the budget that
    utils.dynamodb's arithmetic promises, and releases its key."""
    timeout = yaml_parse(TEMPLATE_PATH.read_text())["Globals"]["Function"]["Timeout"]
    key = str(uuid.uuid4())
    body = {"name": "Slow", "email": f"{uuid.uuid4().hex[:12]}@example.com"}
    event = api_event("POST", "/users", body=body, headers={"Idempotency-Key": key})
    stall = injected.read_timeout(ddb.READ_TIMEOUT_SECONDS)
    started = time.monotonic()
    with faults.every_attempt(store.users.meta.client, stall) as attempts:
        response = create_user.handler(event, LambdaContext())
    elapsed = time.monotonic() - started
    assert response["statusCode"] == 503
    worst = ddb.REQUEST_BUDGET_SECONDS + ddb.LONGEST_BACKOFF_SECONDS + ddb.CLEANUP_SECONDS + 1
    assert elapsed < worst <= timeout - 1, (elapsed, attempts)
    # No attempt started that could not end by the deadline: the first call (claiming
    # the key) got two 1 s attempts within the 3.5 s budget, not three.
    assert attempts.count("PutItem") == 2
