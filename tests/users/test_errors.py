"""500 and 503 from every users handler: DynamoDB failing in each way it can.

The failures are injected below the handlers (botocore's Stubber on the very client the
handlers use, a closed port, a silent server), so the path through the handler, the
service, the helpers and the generated `guarded` is the real one.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from botocore.stub import Stubber

from generated.runtime import RETRY_LATER_CODES
from tests.support.contract import body_of, invoke
from tests.support.dynamo import TABLE_NAME
from tests.support.events import LambdaContext, api_event
from users import create_user, delete_user, get_user, list_users, service, update_user
from utils import dynamodb as ddb

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
USER_ID = "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b"

# (handler, its DynamoDB call, the service function it uses, a valid event)
CASES: list[tuple[str, Handler, str, str, dict[str, Any]]] = [
    ("get", get_user.handler, "get_item", "get_user",
     api_event("GET", "/users/{id}", path_parameters={"id": USER_ID})),
    ("list", list_users.handler, "scan", "list_users", api_event("GET", "/users")),
    ("create", create_user.handler, "transact_write_items", "create_user",
     api_event("POST", "/users", body={"name": "Ada", "email": "ada@example.com"})),
    ("update", update_user.handler, "update_item", "update_user",
     api_event("PATCH", "/users/{id}", path_parameters={"id": USER_ID}, body={"name": "A"})),
    # delete reads the user's email first (to free its claim in the same transaction)
    ("delete", delete_user.handler, "get_item", "delete_user",
     api_event("DELETE", "/users/{id}", path_parameters={"id": USER_ID})),
]  # fmt: skip
IDS = [case[0] for case in CASES]
HANDLERS = [case[1:] for case in CASES]


@pytest.mark.parametrize("code", sorted(RETRY_LATER_CODES))
@pytest.mark.parametrize(("handler", "operation", "function", "event"), HANDLERS, ids=IDS)
def test_503_with_retry_after_when_dynamodb_is_busy(
    users_table: Table, handler: Handler, operation: str, function: str, event: dict[str, Any],
    code: str,
) -> None:  # fmt: skip
    with Stubber(users_table.meta.client) as stubber:
        stubber.add_client_error(operation, code, f"{code} on table {TABLE_NAME}", 400)
        response = invoke(handler, event)
    assert response["statusCode"] == 503
    assert int(response["headers"]["Retry-After"]) >= 1
    assert body_of(response) == {"message": "Service temporarily unavailable, retry later"}


@pytest.mark.parametrize(("handler", "operation", "function", "event"), HANDLERS, ids=IDS)
def test_500_for_any_other_dynamodb_error_logged_with_the_request_id(
    users_table: Table, handler: Handler, operation: str, function: str, event: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    message = (
        f"User: arn:aws:sts::123456789012:assumed-role/fn is not authorized to perform: "
        f"dynamodb:{operation} on resource: arn:aws:dynamodb:us-east-1:123:table/{TABLE_NAME}"
    )
    context = LambdaContext()
    with Stubber(users_table.meta.client) as stubber, caplog.at_level(logging.ERROR):
        stubber.add_client_error(operation, "AccessDeniedException", message, 400)
        response = invoke(handler, event, context=context)
    assert response["statusCode"] == 500
    assert body_of(response) == {"message": "Internal server error"}
    # The details are on the request's log line, only there, and never the message.
    (line,) = [
        r for r in caplog.records if getattr(r, "lambdaRequestId", None) == context.aws_request_id
    ]
    assert getattr(line, "errorCode", None) == "AccessDeniedException"
    assert TABLE_NAME not in caplog.text + repr(vars(line))


@pytest.mark.parametrize(("handler", "operation", "function", "event"), HANDLERS, ids=IDS)
def test_500_for_a_bug(
    users_table: Table, handler: Handler, operation: str, function: str, event: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    def bug(*args: object, **kwargs: object) -> None:
        raise KeyError(f"'created_at' missing in {TABLE_NAME}")

    monkeypatch.setattr(service, function, bug)
    response = invoke(handler, event)
    assert response["statusCode"] == 500
    assert body_of(response) == {"message": "Internal server error"}


@pytest.fixture
def unreachable(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """DynamoDB at a loopback port where nothing listens: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{port}")
    ddb.clear_cache()
    yield
    ddb.clear_cache()


# A read and a write (each run waits out botocore's real backoff between attempts).
@pytest.mark.parametrize(
    ("handler", "operation", "function", "event"), [HANDLERS[0], HANDLERS[2]], ids=IDS[0:3:2]
)
def test_503_when_dynamodb_is_unreachable(
    unreachable: None, handler: Handler, operation: str, function: str, event: dict[str, Any]
) -> None:
    response = invoke(handler, event)
    assert response["statusCode"] == 503
    assert "Retry-After" in response["headers"]


@pytest.fixture
def silent_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """DynamoDB that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{server.getsockname()[1]}")
    ddb.clear_cache()
    yield
    ddb.clear_cache()
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


@pytest.mark.slow
def test_503_within_the_budget_when_dynamodb_hangs(silent_endpoint: None) -> None:
    event = api_event("GET", "/users/{id}", path_parameters={"id": str(uuid.uuid4())})
    started = time.monotonic()
    response = invoke(get_user.handler, event)
    elapsed = time.monotonic() - started
    assert response["statusCode"] == 503
    # Each attempt waited its read timeout, and no attempt started that could end after
    # the request's deadline (utils.deadline; the budget tests/utils/test_dynamodb.py
    # checks against the function's Timeout): two of the three fit.
    budget = ddb.REQUEST_BUDGET_SECONDS + ddb.LONGEST_BACKOFF_SECONDS
    assert 2 * ddb.READ_TIMEOUT_SECONDS <= elapsed < budget, elapsed
