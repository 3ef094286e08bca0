"""What every generated Lambda REQUEST authorizer does: read credentials, decide, answer.

API Gateway's contract ("Input to an API Gateway Lambda authorizer", "Output from an API
Gateway Lambda authorizer", Amazon API Gateway Developer Guide):
- the REQUEST event carries `headers`, `queryStringParameters`, `methodArn`, ...;
- raising an exception whose message is exactly "Unauthorized" makes API Gateway answer
  401 (UNAUTHORIZED): used when no alternative's credentials are all present;
- an IAM policy with `Effect: Deny` makes it answer 403 (ACCESS_DENIED): credentials
  were sent and a verification function refused them;
- with `Effect: Allow`, the request goes on, and `context` reaches the integration in
  `requestContext.authorizer` (values must be strings, numbers or booleans: an object or
  array there makes API Gateway fail the call with a 500).
The policy covers every method of the stage (`<api>/<stage>/*`): one authorizer enforces
one requirement, so its answer holds for every method that uses it, and API Gateway
applies a cached policy to all of them.

Only the standard library, and only what a request needs (base64 for basic credentials):
this runs on every cold start of the authorizer (bench.authorizer_coldstart compares it
with a hand-written one).
"""

from __future__ import annotations

import sys

# `typing` is for mypy only: importing it would cost every cold start 2.5 ms
# (`python -X importtime`), and type checkers treat any `TYPE_CHECKING` name as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any

    Event = Mapping[str, Any]
    Credential = str | tuple[str, str]
    # (scheme, kind, location, name, verify, scopes): see `authorize`.
    Check = tuple[
        str,
        str,
        str,
        str,
        Callable[[Any, tuple[str, ...]], Mapping[str, Any] | None],
        tuple[str, ...],
    ]

UNAUTHORIZED = "Unauthorized"


def _header(event: Event, name: str) -> Any:
    # API Gateway keeps the client's header-name case: compare case-insensitively.
    wanted = name.lower()
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == wanted:
            return value
    return None


def _query(event: Event, name: str) -> Any:
    return (event.get("queryStringParameters") or {}).get(name)


def _cookie(event: Event, name: str) -> str | None:
    values: list[str] = []
    for key, value in (event.get("multiValueHeaders") or {}).items():
        if key.lower() == "cookie":
            values.extend(value or ())
    if not values:
        value = _header(event, "Cookie")
        values = [value] if value else []
    for header in values:
        for pair in header.split(";"):
            key, sep, value = pair.strip().partition("=")
            if sep and key == name:
                return value
    return None


def _authorization(event: Event, scheme: str) -> str | None:
    value = _header(event, "Authorization")
    if not value:
        return None
    found, _, rest = value.strip().partition(" ")
    if found.lower() != scheme:  # the auth scheme is case-insensitive (RFC 9110, 11.1)
        return None
    return rest.strip() or None


def read(event: Event, kind: str, location: str, name: str) -> Credential | None:
    """The credential, or None when it is absent or unreadable."""
    if kind == "bearer":
        return _authorization(event, "bearer")
    if kind == "basic":
        encoded = _authorization(event, "basic")
        if encoded is None:
            return None
        import base64  # imported here: only basic credentials need it (cold start)
        import binascii

        try:
            decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        user, sep, password = decoded.partition(":")
        return (user, password) if sep else None
    if location == "query":
        value = _query(event, name)
    elif location == "cookie":
        value = _cookie(event, name)
    else:
        value = _header(event, name)
    return value or None


def _context(found: Mapping[str, Any]) -> dict[str, Any]:
    """Only what API Gateway passes on: string, number and boolean values."""
    context: dict[str, Any] = {}
    for key, value in found.items():
        if isinstance(value, (str, int, float, bool)):
            context[str(key)] = value
        else:
            print(f"context key {key!r} dropped: not a string, number or boolean", file=sys.stderr)
    return context


def _policy(
    event: Event, effect: str, principal: str, context: Mapping[str, Any]
) -> dict[str, Any]:
    # arn:aws:execute-api:region:account:api/stage/VERB/resource -> .../api/stage/*
    arn = str(event.get("methodArn", ""))
    prefix, _, rest = arn.partition(":execute-api:")
    parts = rest.split("/")
    resource = f"{prefix}:execute-api:{parts[0]}/{parts[1]}/*" if len(parts) > 1 else arn
    answer: dict[str, Any] = {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
    }
    if context:
        answer["context"] = context
    return answer


def authorize(event: Event, alternatives: Sequence[Sequence[Check]]) -> dict[str, Any]:
    """Allow on the first alternative whose checks all pass; else 401 or Deny.

    `alternatives`: tuples of checks `(scheme, kind, location, name, verify, scopes)`.
    `verify(credential, scopes)` is the scheme's hand-written function: a dict (the
    context; `principalId` names the caller) to accept, None to refuse.
    """
    presented = False
    for checks in alternatives:
        credentials = [read(event, kind, where, name) for _, kind, where, name, _, _ in checks]
        if any(credential is None for credential in credentials):
            continue
        presented = True
        context: dict[str, Any] = {}
        for (_, _, _, _, verify, scopes), credential in zip(checks, credentials, strict=True):
            accepted = verify(credential, scopes)
            if accepted is None:
                break
            context.update(accepted)
        else:
            principal = str(context.pop("principalId", None) or "caller")
            return _policy(event, "Allow", principal, _context(context))
    if not presented:
        raise Exception(UNAUTHORIZED)  # API Gateway: 401
    return _policy(event, "Deny", "caller", {})
