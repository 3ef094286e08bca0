"""Unique emails: one claim item per normalised email in its own table.

DynamoDB has no unique index; the documented way is a claim item written in the same
TransactWriteItems as the user, conditioned on `attribute_not_exists` ("Simulating
Amazon DynamoDB unique constraints using transactions", AWS Database Blog). The claim
table is separate from the users table so listUsers' Scan pages never contain a claim.
A claim is `{"email": normalised, "owner": user id}`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

KEY = "email"
OWNER = "owner"
_NAMES = {"#e": KEY}
_OWNER_NAMES = {"#e": KEY, "#o": OWNER}


def normalise(email: str) -> str:
    """The form emails are compared in: trimmed, case-insensitive. Users keep the email as
    they gave it; only the claim's key is normalised."""
    return email.strip().lower()


def put_claim(table: Table, email: str, owner: str) -> dict[str, Any]:
    """A transaction action claiming `email` for `owner`; fails if anyone holds it."""
    return {
        "Put": {
            "TableName": table.name,
            "Item": {KEY: normalise(email), OWNER: owner},
            "ConditionExpression": "attribute_not_exists(#e)",
            "ExpressionAttributeNames": _NAMES,
        }
    }


def release_claim(table: Table, email: str, owner: str) -> dict[str, Any]:
    """A transaction action deleting `owner`'s claim on `email`.

    Fails only if *another* user holds the claim; a missing claim is fine, so users
    stored before claims existed (see ops/email_claims.py) can still change or delete.
    """
    return {
        "Delete": {
            "TableName": table.name,
            "Key": {KEY: normalise(email)},
            "ConditionExpression": "attribute_not_exists(#e) OR #o = :owner",
            "ExpressionAttributeNames": _OWNER_NAMES,
            "ExpressionAttributeValues": {":owner": owner},
        }
    }
