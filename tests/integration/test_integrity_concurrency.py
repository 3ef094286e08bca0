"""Issue 12's proofs on Amazon DynamoDB Local: unique emails and Idempotency-Key under
real concurrency, over HTTP through `python -m codegen serve` (one thread per request,
like concurrent Lambda instances sharing the tables), then a scan of every table checks
the invariants. Threads are bounded in number and every request has a timeout.

What DynamoDB Local cannot do (throttle; lose an answer after commit) is injected with
botocore hooks on the handlers' own client, in this process, on the same DynamoDB Local.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from codegen.serve.dynamodb_tables import ensure_tables
from tests.support import faults
from tests.support.credentials import auth_headers
from tests.support.dynamo import TEMPLATE_PATH
from tests.support.dynamodb_local import DynamoDBLocal, server_fixtures
from tests.support.servers import ServerProcess
from users import emails, service, store
from users.errors import Busy
from utils import dynamodb as ddb

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TABLES = {
    "TABLE_NAME": "integrity-users",
    "EMAILS_TABLE_NAME": "integrity-emails",
    "IDEMPOTENCY_TABLE_NAME": "integrity-idempotency",
}
TIMEOUT = 30  # seconds, per request: a hung request fails the test instead of hanging it
# DynamoDB Local is a JVM on a shared 2-core machine: a burst of 50 transactions can take
# longer than the functions' 1 s read timeout (utils.dynamodb), a 503 about the machine.
SERVER_ENV = {**TABLES, "DYNAMODB_READ_TIMEOUT_SECONDS": "10"}


ddb_local, server = server_fixtures(SERVER_ENV)


# /users needs an access token and an API key (issue 11): the checkout's own.
AUTH = auth_headers()


def _all_at_once(count: int, call: Callable[[int], Any]) -> list[Any]:
    """`call(i)` for i in range(count), on `count` threads released together."""
    start = threading.Barrier(count, timeout=TIMEOUT)

    def run(i: int) -> Any:
        start.wait()
        return call(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count), timeout=TIMEOUT * 3))


def _scan(ddb_local: DynamoDBLocal, variable: str) -> list[dict[str, Any]]:
    return ddb_local.items(TABLES[variable])


def assert_invariants(ddb_local: DynamoDBLocal) -> None:
    users = {item["id"]: item for item in _scan(ddb_local, "TABLE_NAME")}
    claims = {item["email"]: item["owner"] for item in _scan(ddb_local, "EMAILS_TABLE_NAME")}
    for email, owner in claims.items():  # every claim points to a user with that email
        assert owner in users, f"claim without its user: {owner}"
        assert emails.normalise(str(users[owner]["email"])) == email
    for user_id, user in users.items():  # every user's email has exactly its claim
        assert claims.get(emails.normalise(str(user["email"]))) == user_id
    normalised = Counter(emails.normalise(str(user["email"])) for user in users.values())
    assert not [email for email, count in normalised.items() if count > 1]  # no duplicates


def test_50_concurrent_creates_with_one_email_make_one_user(
    ddb_local: DynamoDBLocal, server: ServerProcess
) -> None:
    # Varied case. (Surrounding spaces never get this far over HTTP: the spec's `email`
    # format refuses them with a 400; users.emails trims anyway, tested on moto.)
    variants = ["same@example.com", "Same@Example.com", "SAME@EXAMPLE.COM", "same@EXAMPLE.com"]

    def create(i: int) -> requests.Response:
        body = {"name": f"User {i}", "email": variants[i % len(variants)]}
        return requests.post(f"{server.url}/users", json=body, headers=AUTH, timeout=TIMEOUT)

    responses = _all_at_once(50, create)
    statuses = Counter(response.status_code for response in responses)
    assert statuses == {201: 1, 409: 49}, (statuses, server.process.output()[-3000:])
    assert all(
        r.json() == {"message": "Email already in use"} for r in responses if r.status_code == 409
    )
    winner = next(r.json() for r in responses if r.status_code == 201)
    users = [
        u
        for u in _scan(ddb_local, "TABLE_NAME")
        if emails.normalise(u["email"]) == "same@example.com"
    ]
    assert [u["id"] for u in users] == [winner["id"]]
    claims = [c for c in _scan(ddb_local, "EMAILS_TABLE_NAME") if c["email"] == "same@example.com"]
    assert claims == [{"email": "same@example.com", "owner": winner["id"]}]
    assert_invariants(ddb_local)


def test_concurrent_swaps_changes_and_deletes_keep_the_invariants(
    ddb_local: DynamoDBLocal, server: ServerProcess
) -> None:
    def post(email: str) -> str:
        created = requests.post(
            f"{server.url}/users",
            json={"name": "Racer", "email": email},
            headers=AUTH,
            timeout=TIMEOUT,
        )
        assert created.status_code == 201, created.text
        return str(created.json()["id"])

    ada, grace = post("swap-a@example.com"), post("swap-b@example.com")
    victim = post("victim-0@example.com")
    pool = ["swap-a@example.com", "Swap-B@example.com", "swap-c@example.com"]
    rng = random.Random(12)
    plan = [("PATCH", rng.choice([ada, grace]), rng.choice(pool)) for _ in range(24)]
    plan += [("PATCH", victim, f"victim-{i % 3}@example.com") for i in range(1, 6)]
    plan += [("DELETE", victim, "")] * 3
    rng.shuffle(plan)

    def act(i: int) -> tuple[str, int]:
        method, user_id, email = plan[i]
        url = f"{server.url}/users/{user_id}"
        if method == "DELETE":
            return method, requests.delete(url, headers=AUTH, timeout=TIMEOUT).status_code
        answer = requests.patch(url, json={"email": email}, headers=AUTH, timeout=TIMEOUT)
        return method, answer.status_code

    results = Counter(_all_at_once(len(plan), act))
    allowed = {("PATCH", 200), ("PATCH", 404), ("PATCH", 409), ("PATCH", 503)}
    allowed |= {("DELETE", 204), ("DELETE", 404), ("DELETE", 503)}
    assert set(results) <= allowed, results
    assert results[("PATCH", 200)] > 0  # the race did run
    assert_invariants(ddb_local)
    # The two racers still exist, with distinct emails from the pool.
    users = {item["id"]: item for item in _scan(ddb_local, "TABLE_NAME")}
    assert {emails.normalise(users[ada]["email"]), emails.normalise(users[grace]["email"])} <= {
        emails.normalise(email) for email in pool
    }


def test_20_concurrent_creates_with_one_idempotency_key_make_one_user(
    ddb_local: DynamoDBLocal, server: ServerProcess
) -> None:
    body = {"name": "Keyed", "email": "keyed@example.com"}
    headers = {**AUTH, "Idempotency-Key": "2f7c9a54-1a0b-4c55-8d63-8f7d0e2c9b11"}

    def create(_: int) -> requests.Response:
        return requests.post(f"{server.url}/users", json=body, headers=headers, timeout=TIMEOUT)

    responses = _all_at_once(20, create)
    created = [r for r in responses if r.status_code == 201]
    in_flight = [r for r in responses if r.status_code == 409]
    assert len(created) + len(in_flight) == 20, Counter(r.status_code for r in responses)
    assert created, "at least the first request completes"
    assert len({r.text for r in created}) == 1  # every 201 is the same answer
    assert len({r.headers["Location"] for r in created}) == 1
    assert all("in progress" in r.json()["message"] for r in in_flight)
    # Each says when the lock expires: at most the lock's 28 s (users.idempotency's
    # lock_seconds with the server's 10 s read timeout: 12.5 + 2 + 11.5 + 1 + 1), and one
    # more for the lock's expiry rounded up to the second.
    waits = [r.headers.get("Retry-After") for r in in_flight]
    assert all(1 <= int(wait or 0) <= 28 + 1 for wait in waits), waits
    users = [u for u in _scan(ddb_local, "TABLE_NAME") if u["email"] == "keyed@example.com"]
    assert len(users) == 1
    replay = requests.post(f"{server.url}/users", json=body, headers=headers, timeout=TIMEOUT)
    assert (replay.status_code, replay.text) == (201, created[0].text)
    assert replay.headers["Location"] == created[0].headers["Location"]
    assert_invariants(ddb_local)


# -- in this process, on the same DynamoDB Local, with faults injected --------------------


@pytest.fixture
def local_store(ddb_local: DynamoDBLocal, monkeypatch: pytest.MonkeyPatch) -> Iterator[store.Store]:
    """The handlers' own tables and client, pointed at DynamoDB Local."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", ddb_local.endpoint_url)
    for variable, name in TABLES.items():
        monkeypatch.setenv(variable, name)
    ensure_tables(TEMPLATE_PATH, ddb_local.resource())
    ddb.clear_cache()
    yield store.current()
    ddb.clear_cache()


def test_client_request_token_makes_a_resent_transaction_a_no_op(
    ddb_local: DynamoDBLocal, local_store: store.Store
) -> None:
    """The create commits, its answer is lost, botocore resends the same request: DynamoDB
    (Local implements ClientRequestToken, moto does not) answers the repeat with success
    instead of running it again."""
    with faults.lost_answers(local_store.users.meta.client, "TransactWriteItems") as statuses:
        user = service.create_user(
            local_store, {"name": "Token", "email": "token@example.com"}, "/users"
        ).user
    assert statuses == [200, 200]
    assert [u for u in _scan(ddb_local, "TABLE_NAME") if u["id"] == user["id"]] == [user]
    assert_invariants(ddb_local)


def test_throttled_transactions_are_retried_by_the_sdk_then_busy(
    ddb_local: DynamoDBLocal, local_store: store.Store
) -> None:
    client = local_store.users.meta.client
    # One throttle, then the SDK's retry goes through. (A third attempt after two throttles
    # starts only if it could still end within the request's deadline, utils.deadline:
    # after two random backoffs it often could not, by design.)
    with faults.sent_with(client, "TransactWriteItems", [faults.throttled()]):
        user = service.create_user(
            local_store, {"name": "Slow", "email": "throttled@example.com"}, "/users"
        ).user
    assert any(u["id"] == user["id"] for u in _scan(ddb_local, "TABLE_NAME"))
    attempts = [faults.throttled()] * ddb.MAX_ATTEMPTS
    with (
        faults.sent_with(client, "TransactWriteItems", attempts),
        pytest.raises(Exception) as caught,
    ):
        service.create_user(
            local_store, {"name": "Slower", "email": "throttled-2@example.com"}, "/users"
        )
    # Not a domain error: a throttled call is left to `guarded`, which answers 503.
    assert not isinstance(caught.value, Busy)
    from generated.runtime import is_unavailable

    assert is_unavailable(caught.value)
    assert not [
        c for c in _scan(ddb_local, "EMAILS_TABLE_NAME") if c["email"] == "throttled-2@example.com"
    ]
    assert_invariants(ddb_local)
