"""Unique emails (issue 12) on moto: the claims, the 409s, and the transaction's
CancellationReasons mapped by position (failures injected with botocore hooks)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.support import faults
from tests.support.contract import body_of, invoke
from tests.support.events import api_event
from users import create_user, delete_user, emails, service, update_user
from users.errors import Busy, EmailTaken, UserNotFound
from users.store import Store
from utils.dynamodb import get_item, put_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


def _claims(store: Store) -> dict[str, str]:
    return {str(item["email"]): str(item["owner"]) for item in store.emails.scan()["Items"]}


def _create(store: Store, email: str, name: str = "Ada") -> service.User:
    return service.create_user(store, {"name": name, "email": email}, "/users").user


def _user_event(method: str, user_id: str, body: Any = None) -> dict[str, Any]:
    return api_event(method, "/users/{id}", path_parameters={"id": user_id}, body=body)


@pytest.mark.parametrize(
    ("given", "normal"),
    [("Ada@Example.COM", "ada@example.com"), ("  ada@example.com\t", "ada@example.com")],
)
def test_emails_compare_trimmed_and_case_insensitively(given: str, normal: str) -> None:
    assert emails.normalise(given) == normal


def test_create_claims_the_email_and_keeps_it_as_given(store: Store) -> None:
    user = _create(store, "Ada@Example.com")
    assert get_item(store.users, {"id": user["id"]}) == user  # stored as given
    assert _claims(store) == {"ada@example.com": user["id"]}


@pytest.mark.parametrize("clash", ["ada@example.com", "ADA@EXAMPLE.COM", " ada@Example.com "])
def test_a_second_user_with_the_email_is_refused_and_nothing_is_stored(
    store: Store, clash: str
) -> None:
    first = _create(store, "Ada@example.com")
    with pytest.raises(EmailTaken):
        _create(store, clash, name="Eve")
    assert [item["id"] for item in store.users.scan()["Items"]] == [first["id"]]
    assert _claims(store) == {"ada@example.com": first["id"]}


def test_409_from_the_handler(users_table: Table) -> None:
    body = {"name": "Ada", "email": "ada@example.com"}
    assert invoke(create_user.handler, api_event("POST", "/users", body=body))["statusCode"] == 201
    clash = {"name": "Eve", "email": "ADA@example.com"}
    response = invoke(create_user.handler, api_event("POST", "/users", body=clash))
    assert response["statusCode"] == 409
    assert body_of(response) == {"message": "Email already in use"}


def test_changing_the_email_moves_the_claim(store: Store) -> None:
    user = _create(store, "ada@example.com")
    updated = service.update_user(store, user["id"], {"email": "ada@lovelace.example"})
    assert updated["email"] == "ada@lovelace.example"
    assert _claims(store) == {"ada@lovelace.example": user["id"]}
    _create(store, "ada@example.com", name="New Ada")  # the old email is free again


def test_changing_the_email_to_itself_in_another_case_is_no_clash(store: Store) -> None:
    user = _create(store, "ada@example.com")
    updated = service.update_user(store, user["id"], {"email": " ADA@example.com "[1:-1]})
    assert updated["email"] == "ADA@example.com"
    assert get_item(store.users, {"id": user["id"]}) == updated
    assert _claims(store) == {"ada@example.com": user["id"]}


def test_changing_to_another_users_email_is_409_and_changes_nothing(
    users_table: Table, store: Store
) -> None:
    ada = _create(store, "ada@example.com")
    grace = _create(store, "grace@example.com", name="Grace")
    response = invoke(
        update_user.handler,
        _user_event("PATCH", ada["id"], {"name": "Ada L", "email": "Grace@example.com"}),
    )
    assert response["statusCode"] == 409
    assert body_of(response) == {"message": "Email already in use"}
    assert get_item(store.users, {"id": ada["id"]}) == ada
    assert _claims(store) == {"ada@example.com": ada["id"], "grace@example.com": grace["id"]}


def test_a_name_only_change_leaves_the_claims_alone(store: Store) -> None:
    user = _create(store, "ada@example.com")
    assert service.update_user(store, user["id"], {"name": "Countess"})["name"] == "Countess"
    assert _claims(store) == {"ada@example.com": user["id"]}


def test_delete_frees_the_email(users_table: Table, store: Store) -> None:
    user = _create(store, "ada@example.com")
    response = invoke(delete_user.handler, _user_event("DELETE", user["id"]))
    assert response["statusCode"] == 204
    assert _claims(store) == {}
    assert _create(store, "ADA@example.com")["email"] == "ADA@example.com"


# -- data from before claims existed (see ops/email_claims.py) ---------------------------


def test_users_without_a_claim_can_still_change_and_be_deleted(store: Store) -> None:
    legacy = service.User(**{**_create(store, "x@example.com"), "email": "old@example.com"})
    put_item(store.users, dict(legacy))  # as stored before claims existed: no claim for its email
    store.emails.delete_item(Key={"email": "x@example.com"})
    moved = service.update_user(store, legacy["id"], {"email": "new@example.com"})
    assert moved["email"] == "new@example.com"
    assert _claims(store) == {"new@example.com": legacy["id"]}
    service.delete_user(store, legacy["id"])
    assert _claims(store) == {}


def test_a_duplicate_from_before_claims_leaves_the_other_users_claim(store: Store) -> None:
    holder = _create(store, "shared@example.com")
    duplicate = service.User(**{**holder, "id": "0b5f0d9e-39a4-4d5c-9d55-2f4b8c2c1a11"})
    put_item(store.users, dict(duplicate))  # shares the email; the claim is the holder's
    service.update_user(store, duplicate["id"], {"email": "mine@example.com"})
    assert _claims(store) == {
        "shared@example.com": holder["id"],
        "mine@example.com": duplicate["id"],
    }
    service.delete_user(store, duplicate["id"])
    assert _claims(store) == {"shared@example.com": holder["id"]}


# -- CancellationReasons by position, injected (moto cannot be made to conflict) -------


def test_a_transaction_conflict_that_lasts_is_503_with_retry_after(store: Store) -> None:
    body = {"name": "Ada", "email": "ada@example.com"}
    client = store.users.meta.client
    conflicts = [faults.cancelled(None, "TransactionConflict")] * service.MAX_TRANSACTION_TRIES
    with faults.answered_with(client, "TransactWriteItems", conflicts):
        response = invoke(create_user.handler, api_event("POST", "/users", body=body))
    assert response["statusCode"] == 503
    assert int(response["headers"]["Retry-After"]) >= 1
    assert body_of(response) == {"message": "Service temporarily unavailable, retry later"}
    assert store.users.scan()["Items"] == []


@pytest.mark.parametrize(
    "reasons",
    [("ThrottlingError", None, None), (None, None, "ProvisionedThroughputExceeded")],
)
def test_throttling_inside_a_transaction_is_busy(store: Store, reasons: tuple[Any, ...]) -> None:
    user = _create(store, "ada@example.com")
    throttled = [faults.cancelled(*reasons)] * service.MAX_TRANSACTION_TRIES
    with (
        faults.answered_with(store.users.meta.client, "TransactWriteItems", throttled),
        pytest.raises(Busy),
    ):
        service.update_user(store, user["id"], {"email": "new@example.com"})
    assert get_item(store.users, {"id": user["id"]}) == user


def test_throttling_of_the_transaction_call_is_503(store: Store) -> None:
    body = {"name": "Ada", "email": "ada@example.com"}
    client = store.users.meta.client
    with faults.answered_with(client, "TransactWriteItems", [faults.throttled()]):
        response = invoke(create_user.handler, api_event("POST", "/users", body=body))
    assert response["statusCode"] == 503 and "Retry-After" in response["headers"]
    assert store.users.scan()["Items"] == []


def test_a_user_changed_since_the_read_is_read_again(store: Store) -> None:
    user = _create(store, "ada@example.com")
    # The first transaction is told the user's condition failed (another write got there
    # first); the second, after a fresh read, goes through.
    client = store.users.meta.client
    with faults.answered_with(
        client, "TransactWriteItems", [faults.cancelled("ConditionalCheckFailed", None, None)]
    ):
        updated = service.update_user(store, user["id"], {"email": "new@example.com"})
    assert updated["email"] == "new@example.com"
    assert _claims(store) == {"new@example.com": user["id"]}


def test_losing_every_race_is_busy_not_a_loop(store: Store) -> None:
    user = _create(store, "ada@example.com")
    lost = [faults.cancelled("ConditionalCheckFailed", None)] * service.MAX_TRANSACTION_TRIES
    with (
        faults.answered_with(store.users.meta.client, "TransactWriteItems", lost),
        pytest.raises(Busy),
    ):
        service.delete_user(store, user["id"])
    assert get_item(store.users, {"id": user["id"]}) == user


def test_deleting_a_missing_user_is_not_found(store: Store) -> None:
    with pytest.raises(UserNotFound):
        service.delete_user(store, "0b5f0d9e-39a4-4d5c-9d55-2f4b8c2c1a11")


def test_a_lost_answer_after_commit_is_still_one_user(store: Store) -> None:
    """The create commits, its answer is lost, botocore sends it again: moto runs it again
    (it ignores ClientRequestToken), every condition fails against our own writes, and the
    service recognises its own committed user instead of answering 409."""
    with faults.lost_answers(store.users.meta.client, "TransactWriteItems") as statuses:
        user = _create(store, "ada@example.com")
    assert statuses == [200, 400]  # moto re-ran it and cancelled it
    assert store.users.scan()["Items"] == [user]
    assert _claims(store) == {"ada@example.com": user["id"]}


def test_the_pauses_between_tries_stay_well_within_the_function_timeout() -> None:
    pauses = sum(service.pause_limit(n) for n in range(service.MAX_TRANSACTION_TRIES - 1))
    assert 1.0 <= pauses <= 2.0  # long enough to outlast a conflict, short against 10 s


def test_a_conflict_that_clears_is_retried_not_503(store: Store) -> None:
    conflict = faults.cancelled(None, "TransactionConflict")
    with faults.answered_with(store.users.meta.client, "TransactWriteItems", [conflict] * 2):
        user = _create(store, "ada@example.com")
    assert store.users.scan()["Items"] == [user]


def test_a_transaction_still_in_progress_under_our_token_is_tried_again(store: Store) -> None:
    in_progress = faults.Fault(400, "TransactionInProgressException", "Transaction in progress")
    with faults.answered_with(store.users.meta.client, "TransactWriteItems", [in_progress]):
        user = _create(store, "ada@example.com")
    assert store.users.scan()["Items"] == [user]
