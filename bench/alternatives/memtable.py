"""An in-memory stand-in for a boto3 DynamoDB `Table` resource.

Used where "DynamoDB is excluded": as the bare handler's store and, in the warm
benchmark, as the table of every variant, so the DynamoDB call costs the same
(almost nothing) for all of them. Conditions are honoured only as far as the
API needs: `attribute_not_exists(id)` on put, `attribute_exists(id)` on update
and delete.
"""

from __future__ import annotations

from typing import Any

SEED_ID = "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b"
SEED_ITEM: dict[str, Any] = {
    "id": SEED_ID,
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "created_at": "2026-11-24T10:00:00Z",
    "updated_at": "2026-11-24T10:00:00Z",
}


class ConditionalCheckFailed(Exception):
    """Raised like botocore's ConditionalCheckFailedException (same `response` shape)."""

    def __init__(self) -> None:
        super().__init__("The conditional request failed")
        self.response = {"Error": {"Code": "ConditionalCheckFailedException"}}


def _condition_text(condition: Any) -> str:
    if condition is None:
        return ""
    if isinstance(condition, str):
        return condition
    # boto3.dynamodb.conditions objects: use their expression format name.
    return str(getattr(condition, "expression_format", "")) + type(condition).__name__


class _Meta:
    def __init__(self, client: MemClient) -> None:
        self.client = client


class MemClient:
    """The part of the low-level client our handlers use through `table.meta.client`:
    TransactWriteItems (users.service: the user, its email claim and the idempotency
    record in one transaction). Actions on this table go to its methods, so conditions
    are honoured as above; actions on the other tables (claims, idempotency records) are
    accepted and, like every write here unless `keep_writes`, not kept."""

    def __init__(self, table: MemTable) -> None:
        self._table = table

    def transact_write_items(self, **kwargs: Any) -> dict[str, Any]:
        for action in kwargs["TransactItems"]:
            ((kind, request),) = action.items()
            if request["TableName"] != self._table.name:
                continue
            arguments = {key: value for key, value in request.items() if key != "TableName"}
            if kind == "Put":
                self._table.put_item(**arguments)
            elif kind == "Update":
                self._table.update_item(**arguments)
            elif kind == "Delete":
                self._table.delete_item(**arguments)
        return {}


class MemTable:
    """Duck-typed subset of `boto3.resources.factory.dynamodb.Table`."""

    def __init__(self, name: str = "UsersTable", keep_writes: bool = False) -> None:
        self.name = name
        self.table_name = name
        self.keep_writes = keep_writes
        self.items: dict[str, dict[str, Any]] = {SEED_ID: dict(SEED_ITEM)}
        self.meta = _Meta(MemClient(self))

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        item = kwargs["Item"]
        cond = _condition_text(kwargs.get("ConditionExpression"))
        if item["id"] in self.items and ("not_exists" in cond or "NotExists" in cond):
            raise ConditionalCheckFailed()
        if self.keep_writes:
            self.items[item["id"]] = dict(item)
        return {}

    def get_item(self, **kwargs: Any) -> dict[str, Any]:
        item = self.items.get(kwargs["Key"]["id"])
        return {} if item is None else {"Item": dict(item)}

    def delete_item(self, **kwargs: Any) -> dict[str, Any]:
        key = kwargs["Key"]["id"]
        item = self.items.get(key)
        if item is None:
            if kwargs.get("ConditionExpression") is not None:
                raise ConditionalCheckFailed()
            return {}
        if self.keep_writes:
            del self.items[key]
        return {"Attributes": dict(item)} if kwargs.get("ReturnValues") == "ALL_OLD" else {}

    def update_item(self, **kwargs: Any) -> dict[str, Any]:
        item = self.items.get(kwargs["Key"]["id"])
        if item is None:
            raise ConditionalCheckFailed()
        new = dict(item)
        names: dict[str, str] = kwargs.get("ExpressionAttributeNames") or {}
        values: dict[str, Any] = kwargs.get("ExpressionAttributeValues") or {}
        expression: str = kwargs.get("UpdateExpression", "")
        if expression.upper().startswith("SET "):
            for assignment in expression[4:].split(","):
                left, _, right = assignment.partition("=")
                attr = names.get(left.strip(), left.strip())
                if right.strip() in values:
                    new[attr] = values[right.strip()]
        if self.keep_writes:
            self.items[new["id"]] = new
        return {"Attributes": new} if kwargs.get("ReturnValues") else {}

    def scan(self, **kwargs: Any) -> dict[str, Any]:
        limit = int(kwargs.get("Limit", 100))
        items = [dict(i) for i in list(self.items.values())[:limit]]
        return {"Items": items, "Count": len(items), "ScannedCount": len(items)}
