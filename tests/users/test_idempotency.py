"""Idempotent createUser (issue 12) on moto: the Idempotency-Key record's life.

Concurrency across processes is proven over HTTP on DynamoDB Local
(tests/integration/test_integrity_concurrency.py); here each rule is checked alone.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

import pytest
from samtranslator.yaml_helper import yaml_parse

from tests.support import faults
from tests.support.contract import body_of, invoke
from tests.support.dynamo import TEMPLATE_PATH
from tests.support.events import api_event
from users import create_user, idempotency, service
from users.errors import KeyReused, RequestInFlight
from users.store import Store
from utils import dynamodb as ddb
from utils.caller import ANONYMOUS
from utils.dynamodb import get_item, put_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

ADA = {"name": "Ada", "email": "ada@example.com"}
KEY = "8e0f7c1a-5b43-4f0e-9d8a-0d1c5e7b2a10"


def _post(body: Any, key: str | None = KEY, caller: str | None = None) -> dict[str, Any]:
    headers = {} if key is None else {"Idempotency-Key": key}
    event = api_event("POST", "/users", body=body, headers=headers)
    if caller is not None:
        event["requestContext"]["authorizer"] = {"claims": {"client_id": caller}}
    return invoke(create_user.handler, event)


def _users(store: Store) -> list[dict[str, Any]]:
    return store.users.scan()["Items"]


def _record(store: Store, caller: str = ANONYMOUS, key: str = KEY) -> Any:
    return get_item(store.idempotency, {"key": idempotency.record_key(caller, key)})


def test_a_retry_gets_the_first_201_and_creates_nothing(store: Store) -> None:
    first = _post(ADA)
    assert first["statusCode"] == 201
    again = _post({"email": "ada@example.com", "name": "Ada"})  # same body, other key order
    assert again["statusCode"] == 201
    assert body_of(again) == body_of(first)
    assert again["headers"]["Location"] == first["headers"]["Location"]
    assert len(_users(store)) == 1
    record = _record(store)
    assert record["status"] == idempotency.COMPLETED and "lock_expires_at" not in record
    assert 0 < int(record["expires_at"]) - time.time() <= idempotency.RETENTION_SECONDS


def test_a_replay_after_the_user_was_deleted_is_409_not_a_dead_201(store: Store) -> None:
    first = body_of(_post(ADA))
    service.delete_user(store, first["id"])
    replay = _post(ADA)
    assert replay["statusCode"] == 409
    assert body_of(replay) == {
        "message": "The user created with this Idempotency-Key has since been deleted"
    }
    assert _users(store) == []


def test_the_same_key_with_another_body_is_422(store: Store) -> None:
    assert _post(ADA)["statusCode"] == 201
    response = _post({**ADA, "name": "Ada L"})
    assert response["statusCode"] == 422
    assert body_of(response) == {"message": "Idempotency-Key already used with a different request"}
    assert len(_users(store)) == 1


def test_a_request_while_the_first_runs_is_409_in_flight(store: Store) -> None:
    begun = idempotency.begin(store.idempotency, ANONYMOUS, KEY, ADA)
    assert isinstance(begun, idempotency.Attempt)
    response = _post(ADA)
    assert response["statusCode"] == 409
    assert "in progress" in body_of(response)["message"]
    with pytest.raises(KeyReused):  # another body is 422 even while in flight
        idempotency.begin(store.idempotency, ANONYMOUS, KEY, {**ADA, "name": "X"})
    assert _users(store) == []


def test_a_failed_request_does_not_use_up_its_key(store: Store) -> None:
    holder = service.create_user(store, {"name": "Grace", "email": "ADA@example.com"}, "/users")
    refused = _post(ADA)
    assert refused["statusCode"] == 409  # the email is taken
    assert _record(store) is None  # the key is free again
    service.delete_user(store, holder.user["id"])
    assert _post(ADA)["statusCode"] == 201


def test_a_503_does_not_use_up_its_key(store: Store) -> None:
    client = store.users.meta.client
    with faults.answered_with(client, "TransactWriteItems", [faults.throttled()]):
        assert _post(ADA)["statusCode"] == 503
    assert _record(store) is None
    assert _post(ADA)["statusCode"] == 201


def test_a_crashed_request_blocks_its_key_only_until_its_lock_expires(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    begun = idempotency.begin(store.idempotency, ANONYMOUS, KEY, ADA)
    assert isinstance(begun, idempotency.Attempt)  # ... and it never finishes
    assert _post(ADA)["statusCode"] == 409
    later = time.time() + idempotency.lock_seconds() + 1
    monkeypatch.setattr(time, "time", lambda: later)
    taken_over = _post(ADA)
    assert taken_over["statusCode"] == 201
    # The crashed attempt can no longer complete or release the key.
    assert idempotency.abandon(store.idempotency, begun) is False
    assert _record(store)["status"] == idempotency.COMPLETED


def test_an_attempt_whose_lock_was_taken_over_commits_nothing(store: Store) -> None:
    """Its completion is conditioned on still owning the record: the whole transaction
    (user and claim included) is cancelled."""
    begun = idempotency.begin(store.idempotency, ANONYMOUS, KEY, ADA)
    assert isinstance(begun, idempotency.Attempt)
    put_item(store.idempotency, {**_record(store), "attempt": "someone-else"})
    user = service.User(
        id="0b5f0d9e-39a4-4d5c-9d55-2f4b8c2c1a11",
        name="Ada",
        email="ada@example.com",
        created_at="2026-11-24T10:00:00Z",
        updated_at="2026-11-24T10:00:00Z",
    )
    completion = idempotency.complete_action(store.idempotency, begun, {"user": dict(user)})
    with pytest.raises(RequestInFlight):
        service._put_user(store, user, begun.token, completion)
    assert _users(store) == [] and store.emails.scan()["Items"] == []


def test_an_expired_record_is_ignored_even_before_ttl_deletes_it(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = body_of(_post(ADA))
    service.delete_user(store, first["id"])
    later = time.time() + idempotency.RETENTION_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    again = _post(ADA)
    assert again["statusCode"] == 201
    assert body_of(again)["id"] != first["id"]


def test_keys_are_scoped_to_the_caller(store: Store) -> None:
    assert _post(ADA, caller="team-a")["statusCode"] == 201
    other = {"name": "Bob", "email": "bob@example.com"}
    # The same key from another client is another request, not a 422.
    assert _post(other, caller="team-b")["statusCode"] == 201
    assert len(_users(store)) == 2
    assert idempotency.record_key("a", "bc") != idempotency.record_key("ab", "c")


def test_without_a_key_every_create_is_new(store: Store) -> None:
    assert _post(ADA, key=None)["statusCode"] == 201
    assert _post(ADA, key=None)["statusCode"] == 409  # the email, not a replay
    assert store.idempotency.scan()["Items"] == []


@pytest.mark.parametrize("key", ["", "k" * 256])
def test_the_key_is_1_to_255_characters(users_table: Table, key: str) -> None:
    response = _post(ADA, key=key)
    assert response["statusCode"] == 400
    assert body_of(response)["errors"][0]["location"] == "header.idempotency-key"


def test_a_lost_answer_after_commit_replays_nothing_twice(store: Store) -> None:
    with faults.lost_answers(store.users.meta.client, "TransactWriteItems") as statuses:
        first = _post(ADA)
    assert statuses == [200, 400]  # moto ran the repeat again: it ignores the token
    assert first["statusCode"] == 201
    assert len(_users(store)) == 1
    assert _record(store)["status"] == idempotency.COMPLETED
    assert body_of(_post(ADA)) == body_of(first)


def _clock_at(monkeypatch: pytest.MonkeyPatch, now: float) -> None:
    monkeypatch.setattr(time, "time", lambda: now)


def test_the_lock_lasts_the_function_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ddb.READ_TIMEOUT_VARIABLE, raising=False)
    ddb.clear_cache()  # the request budget is read once per process
    template = yaml_parse(TEMPLATE_PATH.read_text(encoding="utf-8"))
    assert template["Globals"]["Function"]["Timeout"] == idempotency.lock_seconds() == 10


@pytest.mark.parametrize(
    ("read_timeout", "worst_case"),
    [
        # The arithmetic beside utils.dynamodb.CLIENT_CONFIG: budget 3.5 + backoff 2 +
        # release 2.5 + its backoff 1 = 9 s of DynamoDB, + 1 s of the handler itself.
        (None, 10.0),
        # A local read timeout of 5 s lengthens the budget (3.5 -> 7.5) and the release's
        # attempt (2.5 -> 6.5): 18 s.
        ("5", 18.0),
    ],
)
def test_the_lock_outlasts_the_worst_case_of_the_request_holding_it(
    store: Store, monkeypatch: pytest.MonkeyPatch, read_timeout: str | None, worst_case: float
) -> None:
    if read_timeout is None:
        monkeypatch.delenv(ddb.READ_TIMEOUT_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(ddb.READ_TIMEOUT_VARIABLE, read_timeout)
    ddb.clear_cache()  # the request budget is read once per process
    # Mid-second: a lock counted from the second rounded down would end 0.5 s early.
    started = math.floor(time.time()) + 0.5
    _clock_at(monkeypatch, started)
    assert isinstance(
        idempotency.begin(store.idempotency, ANONYMOUS, KEY, ADA), idempotency.Attempt
    )
    lock = float(_record(store)["lock_expires_at"])
    assert lock >= started + worst_case
    assert lock < started + worst_case + 1  # rounded up to the second, no more
    # And the lock holds until then: a request just before it ends still meets it.
    _clock_at(monkeypatch, started + worst_case - 0.01)
    assert _post(ADA)["statusCode"] == 409


def test_the_in_progress_409_says_when_to_retry(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crashed first request holds the key: the 409 carries Retry-After, a retry that
    waits that long creates the user, and one that comes a second earlier is still 409."""
    started = math.floor(time.time()) + 0.5
    _clock_at(monkeypatch, started)
    assert isinstance(
        idempotency.begin(store.idempotency, ANONYMOUS, KEY, ADA), idempotency.Attempt
    )
    asked = started + 3.25
    _clock_at(monkeypatch, asked)
    refused = _post(ADA)  # the handler, checked against openapi.yaml's 409
    assert refused["statusCode"] == 409
    assert "in progress" in body_of(refused)["message"]
    retry_after = int(refused["headers"]["Retry-After"])
    lock = float(_record(store)["lock_expires_at"])
    assert retry_after == math.ceil(lock - asked) >= 1
    _clock_at(monkeypatch, asked + retry_after - 1)
    assert _post(ADA)["statusCode"] == 409  # not a second too generous
    _clock_at(monkeypatch, asked + retry_after)
    assert _post(ADA)["statusCode"] == 201
    assert len(_users(store)) == 1


def test_other_409s_of_create_carry_no_retry_after(store: Store) -> None:
    service.create_user(store, {"name": "Grace", "email": "ada@example.com"}, "/users")
    refused = _post(ADA)  # the email is taken: retrying would not help
    assert refused["statusCode"] == 409
    assert "Retry-After" not in refused["headers"]


def test_a_retry_after_is_at_least_one_second(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = math.floor(time.time()) + 0.5
    _clock_at(monkeypatch, started)
    assert isinstance(
        idempotency.begin(store.idempotency, ANONYMOUS, KEY, ADA), idempotency.Attempt
    )
    lock = float(_record(store)["lock_expires_at"])
    _clock_at(monkeypatch, lock - 0.999)  # rounded down, the lock is not free yet
    refused = _post(ADA)
    assert refused["statusCode"] == 409
    assert refused["headers"]["Retry-After"] == "1"


def test_the_record_table_expires_records_with_ttl() -> None:
    template = yaml_parse(TEMPLATE_PATH.read_text(encoding="utf-8"))
    ttl = template["Resources"]["IdempotencyTable"]["Properties"]["TimeToLiveSpecification"]
    assert ttl == {"AttributeName": "expires_at", "Enabled": True}
