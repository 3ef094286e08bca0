"""DynamoDB answered in-process at botocore's HTTP layer, for the cold-start children.

`install()` replaces `botocore.httpsession.URLLib3Session.send` with a function that
answers DynamoDB's JSON protocol from a dict, so the whole boto3 stack (import,
session, endpoint resolution, serialisation, signing, parsing) runs as on Lambda,
but no socket is opened. It is installed *when botocore loads that module*, so a
variant that never imports botocore never loads this module either, and every
variant that does pays exactly the same for it.

Why not moto's `mock_aws`: moto imports boto3 itself, so started before the timer
it would hide the boto3 import, the very cost the users budgets are relative to.
"""

from __future__ import annotations

import json
from typing import Any

SEED_ID = "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b"
SEED: dict[str, Any] = {
    "id": {"S": SEED_ID},
    "name": {"S": "Ada Lovelace"},
    "email": {"S": "ada@example.com"},
    "created_at": {"S": "2026-11-24T10:00:00Z"},
    "updated_at": {"S": "2026-11-24T10:00:00Z"},
}
ITEMS: dict[str, dict[str, Any]] = {SEED_ID: dict(SEED)}
CALLS: list[str] = []


def _key(request: dict[str, Any]) -> str:
    return str(request["Key"]["id"]["S"])


def _failed() -> tuple[int, dict[str, Any]]:
    return 400, {
        "__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
        "message": "The conditional request failed",
    }


def respond(target: str, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The status and JSON body DynamoDB would answer to `X-Amz-Target: target`."""
    action = target.rpartition(".")[2]
    CALLS.append(action)
    condition = str(request.get("ConditionExpression", ""))
    if action == "PutItem":
        item = request["Item"]
        if item["id"]["S"] in ITEMS and "attribute_not_exists" in condition:
            return _failed()
        ITEMS[item["id"]["S"]] = item
        return 200, {}
    if action == "GetItem":
        found = ITEMS.get(_key(request))
        return 200, ({} if found is None else {"Item": found})
    if action == "DeleteItem":
        found = ITEMS.pop(_key(request), None)
        if found is None and "attribute_exists" in condition:
            return _failed()
        return 200, ({"Attributes": found} if found and request.get("ReturnValues") else {})
    if action == "UpdateItem":
        found = ITEMS.get(_key(request))
        if found is None:
            return _failed()
        names = request.get("ExpressionAttributeNames", {})
        values = request.get("ExpressionAttributeValues", {})
        for assignment in str(request.get("UpdateExpression", ""))[4:].split(","):
            left, _, right = assignment.partition("=")
            if right.strip() in values:
                found[names.get(left.strip(), left.strip())] = values[right.strip()]
        return 200, {"Attributes": found}
    if action == "TransactWriteItems":
        # Our create (users.service): the user's Put and the email claim's Put in one
        # transaction. Conditions are not evaluated: the cold start makes one call.
        for entry in request["TransactItems"]:
            put = entry.get("Put", {})
            if "id" in put.get("Item", {}):
                ITEMS[put["Item"]["id"]["S"]] = put["Item"]
        return 200, {}
    if action == "Scan":
        items = list(ITEMS.values())[: int(request.get("Limit", 100))]
        return 200, {"Items": items, "Count": len(items), "ScannedCount": len(items)}
    return 400, {"__type": "com.amazon.coral.validate#ValidationException", "message": action}


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data


def install(httpsession: Any) -> None:
    """Patch the freshly loaded `botocore.httpsession` module."""
    from botocore.awsrequest import AWSResponse

    def send(self: Any, request: Any) -> Any:
        body = request.body or b"{}"
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        target = request.headers.get("X-Amz-Target", b"")
        if isinstance(target, bytes):
            target = target.decode("ascii")
        status, payload = respond(target, json.loads(body))
        headers: Any = {
            "Content-Type": "application/x-amz-json-1.0",
            "x-amzn-RequestId": "BENCH0000000000000000000000000000000000000000000000000",
        }
        return AWSResponse(request.url, status, headers, _Raw(json.dumps(payload).encode()))

    httpsession.URLLib3Session.send = send
