"""ops.email_claims on moto: report duplicates, back-fill claims where that is safe."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from ops import email_claims
from tests.support import faults
from tests.support.dynamo import TABLE_NAMES
from users import service
from users.store import Store
from utils.dynamodb import put_item

ARGS = [
    "--users-table",
    TABLE_NAMES["TABLE_NAME"],
    "--emails-table",
    TABLE_NAMES["EMAILS_TABLE_NAME"],
]


def _legacy_user(store: Store, email: str) -> str:
    """A user as stored before claims existed: no claim."""
    user_id = str(uuid.uuid4())
    put_item(
        store.users,
        {
            "id": user_id,
            "name": "Legacy",
            "email": email,
            "created_at": "2025-01-01T00:00:00Z",
            "updated_at": "2025-01-01T00:00:00Z",
        },
    )
    return user_id


def _claims(store: Store) -> dict[str, str]:
    return {str(c["email"]): str(c["owner"]) for c in store.emails.scan()["Items"]}


def _run(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict[str, Any]]:
    status = email_claims.main([*ARGS, *extra])
    return status, json.loads(capsys.readouterr().out)


def test_report_only_writes_nothing_and_names_no_email(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    service.create_user(store, {"name": "Claimed", "email": "claimed@example.com"}, "/users")
    lone = _legacy_user(store, "Lone@Example.com")
    twins = sorted(
        [_legacy_user(store, "twin@example.com"), _legacy_user(store, " TWIN@example.com")]
    )
    status, report = _run(capsys)
    assert status == 1
    assert report == {
        "users": 4,
        "claims": 1,
        "already_claimed": 1,
        "missing_claims": 1,
        "backfilled": 0,
        "skipped_user_ids": [],
        "duplicate_user_ids": [twins],
        "stale_claim_owner_ids": [],
    }
    assert "example.com" not in json.dumps(report)
    assert lone not in _claims(store).values()


def test_apply_backfills_single_holders_and_leaves_duplicates(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    lone = _legacy_user(store, "Lone@Example.com")
    _legacy_user(store, "twin@example.com")
    _legacy_user(store, "Twin@example.com")
    status, report = _run(capsys, "--apply")
    assert status == 1  # the duplicates still need a person
    assert (report["missing_claims"], report["backfilled"]) == (1, 1)
    assert _claims(store) == {"lone@example.com": lone}


def test_clean_data_after_apply_exits_0(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    ids = [_legacy_user(store, f"user{i}@example.com") for i in range(3)]
    assert _run(capsys)[0] == 1  # claims missing
    status, report = _run(capsys, "--apply")
    assert status == 0 and report["backfilled"] == 3
    assert sorted(_claims(store).values()) == sorted(ids)
    status, report = _run(capsys, "--apply")  # idempotent
    assert status == 0 and report["already_claimed"] == 3 and report["backfilled"] == 0


def test_stale_claims_are_reported(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    ghost = str(uuid.uuid4())
    put_item(store.emails, {"email": "gone@example.com", "owner": ghost})
    status, report = _run(capsys)
    assert status == 1 and report["stale_claim_owner_ids"] == [ghost]


def test_a_user_who_changed_email_meanwhile_is_skipped(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    user_id = _legacy_user(store, "before@example.com")
    changed = faults.cancelled(None, "ConditionalCheckFailed")
    with faults.answered_with(store.users.meta.client, "TransactWriteItems", [changed]):
        report = email_claims.audit(store.users, store.emails)
        email_claims.backfill(store.users, store.emails, report)
    assert report.skipped == [user_id] and report.backfilled == []
    assert _claims(store) == {}
