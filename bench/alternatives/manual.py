"""Validation and responses written by hand, the way a bare handler does it.

Shared by the bare handler and the Chalice app (Chalice has no request
validation of its own). Same rules as openapi.yaml: limit 1..100 (default 10),
next_token 1..512 chars, id a UUID, name 1..100 chars, email with an @ and a
dot in the domain (at most 254 chars), no other body properties, PATCH with at
least one property.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
EMAIL_RE = re.compile(EMAIL_PATTERN)
INT_RE = re.compile(r"^-?[0-9]+$")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Content-Type,Authorization,X-Request-Id",
}
Errors = list[dict[str, str]]


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def respond(status: int, body: Any = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    out_headers = {"Content-Type": "application/json", **CORS_HEADERS}
    if headers:
        out_headers.update(headers)
    text = "" if status == 204 or body is None else json.dumps(body, default=_json_default)
    return {"statusCode": status, "headers": out_headers, "body": text}


def invalid(errors: Errors) -> dict[str, Any]:
    return respond(400, {"message": "Invalid request", "errors": errors})


def not_found() -> dict[str, Any]:
    return respond(404, {"message": "User not found"})


def check_id(value: Any) -> Errors:
    if not isinstance(value, str) or not UUID_RE.match(value):
        return [{"location": "path.id", "detail": "must be a UUID"}]
    return []


def check_limit(raw: str | None) -> tuple[int, Errors]:
    if raw is None:
        return 10, []
    if not INT_RE.match(raw):
        return 0, [{"location": "query.limit", "detail": "must be an integer"}]
    limit = int(raw)
    if not 1 <= limit <= 100:
        return 0, [{"location": "query.limit", "detail": "must be between 1 and 100"}]
    return limit, []


def check_token(raw: str | None) -> Errors:
    if raw is not None and not 1 <= len(raw) <= 512:
        return [{"location": "query.next_token", "detail": "must be 1 to 512 characters"}]
    return []


def check_user_body(body: Any, *, patch: bool) -> Errors:
    if not isinstance(body, dict):
        return [{"location": "body", "detail": "must be an object"}]
    errors: Errors = []
    for key in body:
        if key not in ("name", "email"):
            errors.append({"location": f"body.{key}", "detail": "unknown property"})
    if patch and not body:
        errors.append({"location": "body", "detail": "must have at least one property"})
    if not patch:
        for key in ("name", "email"):
            if key not in body:
                errors.append({"location": f"body.{key}", "detail": "is required"})
    name = body.get("name")
    if "name" in body and (not isinstance(name, str) or not 1 <= len(name) <= 100):
        errors.append({"location": "body.name", "detail": "must be 1 to 100 characters"})
    email = body.get("email")
    if "email" in body and (
        not isinstance(email, str) or len(email) > 254 or not EMAIL_RE.match(email)
    ):
        errors.append({"location": "body.email", "detail": "must be a valid email address"})
    return errors


def parse_json_body(event: dict[str, Any]) -> tuple[Any, dict[str, Any] | None]:
    """The decoded JSON body, or a ready 400/415 response."""
    headers = event.get("headers") or {}
    content_type = ""
    for key, value in headers.items():
        if key.lower() == "content-type":
            content_type = value.split(";")[0].strip().lower()
    if content_type != "application/json":
        return None, respond(415, {"message": "Content-Type must be application/json"})
    raw = event.get("body") or ""
    try:
        if event.get("isBase64Encoded"):
            raw = base64.b64decode(raw).decode("utf-8")
        return json.loads(raw), None
    except (ValueError, UnicodeDecodeError):
        return None, invalid([{"location": "body", "detail": "must be valid JSON"}])


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_user(body: dict[str, Any]) -> dict[str, Any]:
    stamp = now()
    return {
        "id": str(uuid.uuid4()),
        "name": body["name"],
        "email": body["email"],
        "created_at": stamp,
        "updated_at": stamp,
    }


def encode_token(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def decode_token(token: str | None) -> tuple[dict[str, Any] | None, Errors]:
    if token is None:
        return None, []
    try:
        key = json.loads(base64.urlsafe_b64decode(token.encode()))
    except ValueError:
        return None, [{"location": "query.next_token", "detail": "is not a valid token"}]
    if not isinstance(key, dict):
        return None, [{"location": "query.next_token", "detail": "is not a valid token"}]
    return key, []


def is_conditional_failure(exc: Exception) -> bool:
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return False
    return bool(response.get("Error", {}).get("Code") == "ConditionalCheckFailedException")


# --- the DynamoDB side of each operation, on a boto3-like Table -----------------


def op_list(table: Any, limit: int, start: dict[str, Any] | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"Limit": limit}
    if start:
        kwargs["ExclusiveStartKey"] = start
    page = table.scan(**kwargs)
    users = page.get("Items", [])
    return {
        "users": users,
        "count": len(users),
        "next_token": encode_token(page.get("LastEvaluatedKey")),
    }


def op_create(table: Any, body: dict[str, Any]) -> dict[str, Any]:
    item = new_user(body)
    table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    return item


def op_get(table: Any, user_id: str) -> dict[str, Any] | None:
    item: dict[str, Any] | None = table.get_item(Key={"id": user_id}).get("Item")
    return item


def op_update(table: Any, user_id: str, body: dict[str, Any]) -> dict[str, Any] | None:
    names = {"#u": "updated_at"}
    values: dict[str, Any] = {":u": now()}
    sets = ["#u = :u"]
    for key in ("name", "email"):
        if key in body:
            names[f"#{key}"] = key
            values[f":{key}"] = body[key]
            sets.append(f"#{key} = :{key}")
    try:
        result = table.update_item(
            Key={"id": user_id},
            UpdateExpression="SET " + ", ".join(sets),
            ConditionExpression="attribute_exists(id)",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
        )
    except Exception as exc:
        if is_conditional_failure(exc):
            return None
        raise
    attributes: dict[str, Any] = result["Attributes"]
    return attributes


def op_delete(table: Any, user_id: str) -> bool:
    try:
        table.delete_item(Key={"id": user_id}, ConditionExpression="attribute_exists(id)")
    except Exception as exc:
        if is_conditional_failure(exc):
            return False
        raise
    return True
