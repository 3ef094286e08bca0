"""Report duplicate emails in a deployed users table, and back-fill the email claims.

Stacks deployed before API version 1.1.0 have users but no claims (users.emails), and
may hold several users with the same email. Run this once after deploying 1.1.0:

    python -m ops.email_claims --users-table NAME --emails-table NAME            # report
    python -m ops.email_claims --users-table NAME --emails-table NAME --apply    # back-fill

(The names are the stack outputs `UsersTableName` and `EmailsTableName`; credentials
and region come from the usual AWS environment; `--endpoint-url` for DynamoDB Local.)

What it does, in the order a safe migration needs:
- groups every user by normalised email (the rule the API enforces);
- an email held by exactly one user and not yet claimed gets its claim, in a
  transaction that also checks the user still has exactly that email, so a user
  changing their email meanwhile is skipped rather than given a wrong claim
  (run again to pick it up);
- an email held by several users is REPORTED, never fixed: which account keeps the
  email is a decision for people. Those users keep working (users.emails tolerates a
  claim held by another user when they change email or are deleted);
- a claim whose owner is missing or has another email is reported (stale).

Output is JSON on stdout with counts and user ids only: no email leaves the tables.
Exit status: 0 when every user's email is claimed and nothing needs a person, 1 when
duplicates or stale claims remain (or, without --apply, claims are missing), 2 on a
usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import ClientError

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:  # the one definition of the rule: users.emails
    sys.path.insert(0, str(ROOT / "src"))

from users import emails  # noqa: E402

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


@dataclass
class Report:
    users: int = 0
    claims: int = 0
    already_claimed: int = 0
    missing_claims: list[str] = field(default_factory=list)  # user ids to back-fill
    backfilled: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # changed or claimed meanwhile
    duplicates: list[list[str]] = field(default_factory=list)  # user ids per email
    stale_claims: list[str] = field(default_factory=list)  # owner ids of stale claims

    @property
    def needs_attention(self) -> bool:
        unclaimed = len(self.missing_claims) - len(self.backfilled)
        return bool(self.duplicates or self.stale_claims or self.skipped or unclaimed)

    def as_json(self) -> dict[str, Any]:
        return {
            "users": self.users,
            "claims": self.claims,
            "already_claimed": self.already_claimed,
            "missing_claims": len(self.missing_claims),
            "backfilled": len(self.backfilled),
            "skipped_user_ids": self.skipped,
            "duplicate_user_ids": self.duplicates,
            "stale_claim_owner_ids": self.stale_claims,
        }


def scan(table: Table) -> Iterator[dict[str, Any]]:
    arguments: dict[str, Any] = {"ConsistentRead": True}
    while True:
        page = table.scan(**arguments)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        arguments["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def audit(users_table: Table, emails_table: Table) -> Report:
    """What is there; writes nothing."""
    report = Report()
    holders: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for user in scan(users_table):
        report.users += 1
        holders[emails.normalise(str(user["email"]))].append(user)
    claims = {str(c[emails.KEY]): str(c[emails.OWNER]) for c in scan(emails_table)}
    report.claims = len(claims)
    for email, users in sorted(holders.items(), key=lambda pair: str(pair[1][0]["id"])):
        if len(users) > 1:
            report.duplicates.append(sorted(str(user["id"]) for user in users))
        elif claims.get(email) == users[0]["id"]:
            report.already_claimed += 1
        elif email not in claims:
            report.missing_claims.append(str(users[0]["id"]))
    for email, owner in sorted(claims.items(), key=lambda pair: pair[1]):
        users = holders.get(email, [])
        if not any(str(user["id"]) == owner for user in users):
            report.stale_claims.append(owner)
    return report


def backfill(users_table: Table, emails_table: Table, report: Report) -> None:
    """Claim each email of `report.missing_claims`, if its user still has it unclaimed."""
    client = users_table.meta.client
    by_id = {str(user["id"]): user for user in scan(users_table)}
    for user_id in report.missing_claims:
        user = by_id.get(user_id)
        if user is None:
            report.skipped.append(user_id)
            continue
        claim = emails.put_claim(emails_table, str(user["email"]), user_id)
        still_has_it = {
            "ConditionCheck": {
                "TableName": users_table.name,
                "Key": {"id": user_id},
                "ConditionExpression": "#email = :email",
                "ExpressionAttributeNames": {"#email": "email"},
                "ExpressionAttributeValues": {":email": user["email"]},
            }
        }
        try:
            client.transact_write_items(TransactItems=[claim, still_has_it])  # type: ignore[list-item]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            report.skipped.append(user_id)
        else:
            report.backfilled.append(user_id)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ops.email_claims", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--users-table", required=True, help="the stack output UsersTableName")
    parser.add_argument("--emails-table", required=True, help="the stack output EmailsTableName")
    parser.add_argument("--apply", action="store_true", help="write the missing claims")
    parser.add_argument("--endpoint-url", help="a DynamoDB endpoint such as DynamoDB Local")
    arguments = parser.parse_args(argv)
    dynamodb = boto3.resource("dynamodb", endpoint_url=arguments.endpoint_url)
    users_table = dynamodb.Table(arguments.users_table)
    emails_table = dynamodb.Table(arguments.emails_table)
    try:
        report = audit(users_table, emails_table)
        if arguments.apply:
            backfill(users_table, emails_table, report)
    except ClientError as exc:
        print(f"email_claims: {exc.response.get('Error', {}).get('Message', exc)}", file=sys.stderr)
        return 2
    print(json.dumps(report.as_json(), indent=2))
    return 1 if report.needs_attention else 0


if __name__ == "__main__":
    sys.exit(main())
