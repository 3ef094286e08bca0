"""Validation and responses written by hand, the way a bare handler does it.

Shared by the bare handler and the Chalice app (Chalice has no request validation of
its own). Same rules as openapi.yaml: limit 1..100 (default 10), next_token 1..512
characters, id a UUID, name 1..100 characters without control characters, email with an
@ and a dot in the domain (at most 254 characters), no other body properties, a PATCH
with at least one property, an Idempotency-Key of 1..255 characters.
"""

from __future__ import annotations

import base64
import json
import re

from bench.alternatives.jobs import Outcome

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
EMAIL_RE = re.compile(EMAIL_PATTERN)
NAME_PATTERN = "^[^\x00-\x1f\x7f-\x9f]*$"  # the spec's Name: no control characters
NAME_RE = re.compile(NAME_PATTERN)
INT_RE = re.compile(r"^-?[0-9]+$")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Authorization,Content-Type,Idempotency-Key,X-Api-Key",
}
Errors = list[dict[str, str]]


def respond(outcome: Outcome) -> dict[str, Any]:
    """An API Gateway proxy response for the outcome: JSON body, CORS headers."""
    headers = {"Content-Type": "application/json", **CORS_HEADERS, **outcome.headers}
    body = "" if outcome.body is None else json.dumps(outcome.body)
    return {"statusCode": outcome.status, "headers": headers, "body": body}


def invalid(errors: Errors) -> Outcome:
    return Outcome(400, {"message": "Invalid request", "errors": errors}, {})


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


def check_key(raw: str | None) -> Errors:
    if raw is not None and not 1 <= len(raw) <= 255:
        return [{"location": "header.Idempotency-Key", "detail": "must be 1 to 255 characters"}]
    return []


def header(event: dict[str, Any], name: str) -> str | None:
    """A request header, whatever its case (API Gateway passes the client's)."""
    wanted = name.lower()
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == wanted:
            return str(value)
    return None


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
    if "name" in body and (
        not isinstance(name, str) or not 1 <= len(name) <= 100 or not NAME_RE.match(name)
    ):
        errors.append({"location": "body.name", "detail": "must be 1 to 100 characters"})
    email = body.get("email")
    if "email" in body and (
        not isinstance(email, str) or len(email) > 254 or not EMAIL_RE.match(email)
    ):
        errors.append({"location": "body.email", "detail": "must be a valid email address"})
    return errors


def parse_json_body(event: dict[str, Any]) -> tuple[Any, Outcome | None]:
    """The decoded JSON body, or the 400/415 outcome."""
    content_type = (header(event, "Content-Type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return None, Outcome(415, {"message": "Content-Type must be application/json"}, {})
    raw = event.get("body") or ""
    try:
        if event.get("isBase64Encoded"):
            raw = base64.b64decode(raw).decode("utf-8")
        return json.loads(raw), None
    except (ValueError, UnicodeDecodeError):
        return None, invalid([{"location": "body", "detail": "must be valid JSON"}])
