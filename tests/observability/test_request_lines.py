"""The log line and the EMF metrics line of every operation, successes and errors alike.

Each handler runs for real (moto DynamoDB); its records are rendered as Lambda's JSON log
format renders them (tests/support/lambda_logs.py) and its EMF lines are collected. Every
event carries a bearer token, an API key, Cognito claims with an email and a name, and a
body with a name and an email: none of them may appear in any line, on any path.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from codegen.openapi.parser import parse_api
from generated import observability
from generated.routes import ROUTES
from tests.support.contract import body_of
from tests.support.dynamodb_faults import throttling_response
from tests.support.events import LambdaContext, api_event
from tests.support.lambda_logs import LogStream
from users import service

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

    from users.store import Store

ROOT = Path(__file__).resolve().parents[2]
API = parse_api(ROOT / "openapi.yaml")
NAME = "Ada Quietname"
EMAIL = "ada.quiet@example.org"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2VuLWJvZHk.c2lnbmF0dXJl"
API_KEY = "k3yV4lu3NeverLogged0123456789"
CLIENT_ID = "4s1b2c3d4e5f6g7h8i9j0k1l2m"
SECRETS = (NAME, "Quietname", EMAIL, "ada.quiet", TOKEN, API_KEY, "Bearer")
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def event(
    method: str, resource: str, headers: dict[str, str] | None = None, **kwargs: Any
) -> dict[str, Any]:
    """An event as API Gateway sends it after a Cognito authorizer and an API key check."""
    credentials = {"Authorization": f"Bearer {TOKEN}", "x-api-key": API_KEY}
    built = api_event(method, resource, headers={**credentials, **(headers or {})}, **kwargs)
    built["requestContext"]["identity"]["apiKey"] = API_KEY
    built["requestContext"]["authorizer"] = {
        "claims": {
            "client_id": CLIENT_ID,
            "email": EMAIL,
            "name": NAME,
            "token_use": "access",
            "scope": "users/read",
        }
    }
    return built


@dataclass
class Case:
    operation: str
    status: int
    build: Callable[[str], dict[str, Any]]  # user id -> event
    error_code: str | None = None
    raises: Exception | None = None  # raised inside the handler (500 / 503 paths)
    counters: dict[str, int] = field(default_factory=dict)
    # The `userId` the handler puts on the line (`annotate`): "seed" (the stored user),
    # "unknown" (UNKNOWN_ID), "created" (the new user's), None (no userId field).
    user: str | None = None


def _bug() -> Exception:
    return KeyError(f"no field for {EMAIL} / {NAME}")


def _throttled() -> Exception:
    return ClientError(
        {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": f"{EMAIL}"}},
        "PutItem",
    )


def _user(user_id: str) -> dict[str, str]:
    return {"id": user_id}


NEW_USER = {"name": NAME, "email": EMAIL}
# Stored before each request (emails are unique: a different one).
SEED_USER = {"name": NAME, "email": f"seed.{EMAIL}"}
BUILDERS: dict[str, Callable[[str], dict[str, Any]]] = {
    "hello": lambda _: event("GET", "/hello"),
    "listUsers": lambda _: event("GET", "/users"),
    "createUser": lambda _: event("POST", "/users", body=NEW_USER),
    "getUser": lambda uid: event("GET", "/users/{id}", path_parameters=_user(uid)),
    "updateUser": lambda uid: event(
        "PATCH", "/users/{id}", path_parameters=_user(uid), body={"name": NAME}
    ),
    "deleteUser": lambda uid: event("DELETE", "/users/{id}", path_parameters=_user(uid)),
}
CASES = [
    Case("hello", 200, BUILDERS["hello"]),
    Case("listUsers", 200, BUILDERS["listUsers"]),
    Case("listUsers", 400, lambda _: event("GET", "/users", query={"limit": "0"}), "BadRequest"),
    Case("createUser", 201, BUILDERS["createUser"], counters={"UsersCreated": 1}, user="created"),
    Case(
        "createUser",
        400,
        lambda _: event("POST", "/users", body={"name": NAME, "email": f"{EMAIL} x"}),
        "BadRequest",
    ),
    Case(
        "createUser",
        409,
        lambda _: event("POST", "/users", body=SEED_USER),
        "Conflict",
        counters={"Conflicts": 1},
    ),
    Case("getUser", 200, BUILDERS["getUser"]),
    Case(
        "getUser",
        404,
        lambda _: event("GET", "/users/{id}", path_parameters=_user(UNKNOWN_ID)),
        "NotFound",
    ),
    Case("updateUser", 200, BUILDERS["updateUser"]),
    Case(
        "updateUser",
        400,
        lambda uid: event("PATCH", "/users/{id}", path_parameters=_user(uid), body={"email": NAME}),
        "BadRequest",
    ),
    Case(
        "updateUser",
        404,
        lambda _: event(
            "PATCH", "/users/{id}", path_parameters=_user(UNKNOWN_ID), body={"name": NAME}
        ),
        "NotFound",
    ),
    Case("deleteUser", 204, BUILDERS["deleteUser"], counters={"UsersDeleted": 1}, user="seed"),
    Case(
        "deleteUser",
        404,
        lambda _: event("DELETE", "/users/{id}", path_parameters=_user(UNKNOWN_ID)),
        "NotFound",
        user="unknown",
    ),
    # Every operation's 500 (a bug) and 503 (DynamoDB throttling), raised in the handler.
    *(Case(op, 500, BUILDERS[op], "KeyError", raises=_bug()) for op in BUILDERS),
    *(
        Case(op, 503, BUILDERS[op], "ProvisionedThroughputExceededException", raises=_throttled())
        for op in BUILDERS
    ),
]
HANDLERS = {route.operation_id: route.handler for route in ROUTES}


def handler_of(operation: str) -> tuple[Any, Callable[..., Any]]:
    module_name, _, function = HANDLERS[operation].rpartition(".")
    module = importlib.import_module(module_name)
    return module, getattr(module, function)


def test_the_cases_cover_every_operation_and_error_status() -> None:
    assert {case.operation for case in CASES} == {op.operation_id for op in API.operations}
    assert set(BUILDERS) == set(HANDLERS)
    assert {400, 404, 500, 503} <= {case.status for case in CASES}


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c.operation}-{c.status}-{c.error_code or 'ok'}" for c in CASES]
)
def test_one_log_line_and_one_metrics_line_per_request(
    case: Case, store: Store, log_stream: LogStream, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_id = service.create_user(store, SEED_USER, "/users").user["id"]
    module, handler = handler_of(case.operation)
    if case.raises is not None:
        error = case.raises

        def fail(*args: object, **kwargs: object) -> None:
            raise error

        monkeypatch.setattr(module, "validate", fail)
    request = case.build(user_id)
    context = LambdaContext()
    log_stream.clear()

    response = handler(request, context)

    assert response["statusCode"] == case.status, body_of(response)
    api_request_id = request["requestContext"]["requestId"]
    assert response["headers"]["x-amzn-RequestId"] == api_request_id
    (record,) = log_stream.request_records
    expected = {
        "operationId": case.operation,
        "status": case.status,
        "lambdaRequestId": context.aws_request_id,
        "apiRequestId": api_request_id,
        "clientId": CLIENT_ID,
    }
    if case.error_code is not None:
        expected["errorCode"] = case.error_code
    assert {key: record.get(key) for key in expected} == expected
    assert ("errorCode" in record) == (case.status >= 400)
    assert isinstance(record["latencyMs"], float) and record["latencyMs"] >= 0
    users = {"seed": user_id, "unknown": UNKNOWN_ID, None: None}
    if case.user == "created":
        users["created"] = body_of(response)["id"]
    assert record.get("userId") == users[case.user]
    if case.raises is None:
        # One line per request: the handler says what it did on the request line, in no
        # record of its own. (A 500/503 also logs where it failed: `guarded`'s record.)
        assert len(log_stream.records) == 1, log_stream.log_lines
    level = "ERROR" if case.status == 500 else "WARNING" if case.status == 503 else "INFO"
    assert record["level"] == level
    assert record["message"].startswith(f"{case.operation} {case.status} ")

    (metrics,) = log_stream.metrics
    directive = metrics["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == API.observability.namespace == "UsersApi"
    assert directive["Dimensions"] == [["Service", "Operation"]]
    assert [m["Name"] for m in directive["Metrics"]] == [
        "Requests", "Latency", "Errors4xx", "Errors5xx"
    ]  # fmt: skip
    assert metrics["Operation"] == case.operation and metrics["Service"] == "UsersApi"
    assert metrics["Requests"] == 1 and metrics["Latency"] == record["latencyMs"]
    assert metrics["Errors4xx"] == (1 if 400 <= case.status < 500 else 0)
    assert metrics["Errors5xx"] == (1 if case.status >= 500 else 0)
    assert metrics["apiRequestId"] == api_request_id
    counters = {key: metrics[key] for key in case.counters}
    assert counters == case.counters
    if case.counters:
        assert metrics["_aws"]["CloudWatchMetrics"][1]["Dimensions"] == [["Service"]]
    else:
        assert len(metrics["_aws"]["CloudWatchMetrics"]) == 1

    # Nothing personal or secret, in any line, the error paths included.
    for secret in SECRETS:
        assert secret not in log_stream.text, secret


def test_no_client_id_field_without_an_authorizer(
    users_table: Table, log_stream: LogStream
) -> None:
    _, handler = handler_of("listUsers")
    handler(api_event("GET", "/users"), LambdaContext())
    (record,) = log_stream.request_records
    assert "clientId" not in record and record["status"] == 200


def test_throttled_attempts_are_counted_even_when_the_retry_succeeds(
    users_table: Table, store: Store, log_stream: LogStream
) -> None:
    """DynamoDB throttles once, botocore's retry absorbs it: 200, and the throttle counted.
    (Once: a third attempt, after two random backoffs, may not fit the request's deadline,
    utils.deadline, by design.)

    moto never throttles, so the throttles are injected below botocore's retry logic with
    a `before-send` hook that answers as DynamoDB does (HTTP 400, its error type in the
    body); the retry handler and the counting hook see them as real throttles.
    """
    user_id = service.create_user(store, SEED_USER, "/users").user["id"]
    remaining = [1]

    def throttle(request: Any, **kwargs: object) -> AWSResponse | None:
        if remaining[0] == 0:
            return None
        remaining[0] -= 1
        return throttling_response(request.url)

    events: Any = users_table.meta.client.meta.events  # stubs want handlers returning None
    events.register("before-send.dynamodb.GetItem", throttle)
    try:
        _, handler = handler_of("getUser")
        log_stream.clear()
        response = handler(BUILDERS["getUser"](user_id), LambdaContext())
    finally:
        events.unregister("before-send.dynamodb.GetItem", throttle)
    assert response["statusCode"] == 200 and remaining == [0]
    (metrics,) = log_stream.metrics
    assert metrics["DynamoDBThrottles"] == 1
    assert metrics["_aws"]["CloudWatchMetrics"][1]["Metrics"] == [
        {"Name": "DynamoDBThrottles", "Unit": "Count"}
    ]


def test_counters_of_one_request_do_not_leak_into_the_next(log_stream: LogStream) -> None:
    observability.count("UsersCreated")  # counted outside any request: begin() forgets it
    started = observability.begin()
    observability.finish({}, LambdaContext(), 200, started)
    (metrics,) = log_stream.metrics
    assert "UsersCreated" not in metrics


def test_ids_added_to_one_request_line_do_not_leak_into_the_next(
    log_stream: LogStream,
) -> None:
    started = observability.begin()
    observability.annotate(userId=UNKNOWN_ID)
    observability.finish({}, LambdaContext(), 204, started)
    observability.annotate(userId="left-over")  # outside any request: begin() forgets it
    started = observability.begin()
    observability.finish({}, LambdaContext(), 200, started)
    first, second = log_stream.request_records
    assert first["userId"] == UNKNOWN_ID and "userId" not in second


@pytest.mark.parametrize(
    "fields",
    [{"email": EMAIL}, {"userName": NAME}, {"apiRequestId": "x"}, {"clientId": "x"}, {"userId": 7}],
    ids=["email", "not-an-id", "line-field", "client-id", "not-a-string"],
)
def test_only_id_fields_can_be_added_to_the_line(fields: dict[str, Any]) -> None:
    observability.begin()
    with pytest.raises(ValueError, match="not an id field"):
        observability.annotate(**fields)


def test_an_idempotent_replay_is_counted_and_creates_nobody(
    store: Store, log_stream: LogStream
) -> None:
    _, handler = handler_of("createUser")
    request = event("POST", "/users", body=NEW_USER, headers={"Idempotency-Key": "k-1"})
    first = handler(request, LambdaContext())
    second = handler(request, LambdaContext())
    assert first["statusCode"] == second["statusCode"] == 201
    created, replayed = log_stream.metrics
    assert created["UsersCreated"] == 1 and "IdempotentReplays" not in created
    assert replayed["IdempotentReplays"] == 1 and "UsersCreated" not in replayed
    for secret in SECRETS:
        assert secret not in log_stream.text, secret
