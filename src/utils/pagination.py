"""Opaque, signed pagination cursors: a DynamoDB `LastEvaluatedKey` as a URL-safe token.

A token is `<payload>.<signature>`: the payload is unpadded URL-safe base64 of compact
JSON (e.g. `{"id": "..."}`), the signature the first 16 bytes of HMAC-SHA256 over the
payload with the key in the `CURSOR_SECRET` environment variable (the SAM template
generates it in Secrets Manager and resolves it into the functions' environment at
deploy time, so no call is made at run time).

Why sign: a client must not be able to start a scan anywhere it likes by forging a key
(issue 3: "a malformed or tampered cursor is a 400"), and a key of the wrong shape must
never reach DynamoDB (an `ExclusiveStartKey` with missing, extra or wrongly typed
attributes is a `ValidationException`, a 500 for the client). The signature is checked
first, in constant time; the shape is still checked after it, as defence in depth.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
from collections.abc import Collection, Mapping

SECRET_ENV = "CURSOR_SECRET"
MAX_TOKEN_LENGTH = 512  # the spec's maxLength for next_token
_SIGNATURE_BYTES = 16  # 128 bits: forging one takes 2**128 guesses
_TOKEN = re.compile(r"([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{22})")
_REFUSED = "not a token from a previous page"


class InvalidCursorError(ValueError):
    """The token was not made by `encode_cursor` (with this secret) for this key shape."""


class MissingSecretError(RuntimeError):
    """CURSOR_SECRET is not set: a deployment error, answered 500 and logged."""


def encode_cursor(key: Mapping[str, str]) -> str:
    """The signed token for a key whose attributes are all strings (DynamoDB type S).

    ValueError if the token would be longer than the spec lets a client send back
    (MAX_TOKEN_LENGTH characters, about 360 bytes of key: far more than a UUID needs).
    """
    if not all(isinstance(value, str) for value in key.values()):
        raise TypeError("only string key attributes can be encoded")
    raw = json.dumps(dict(key), separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    payload = _b64(raw.encode())
    token = f"{payload}.{_b64(_sign(payload))}"
    if len(token) > MAX_TOKEN_LENGTH:
        raise ValueError(f"a key of {len(raw)} characters is too long for a cursor")
    return token


def decode_cursor(token: str, key_names: Collection[str]) -> dict[str, str]:
    """The key in `token`, which must be signed with our secret and hold exactly
    `key_names`, each a non-empty string. InvalidCursorError for anything else."""
    match = _TOKEN.fullmatch(token) if len(token) <= MAX_TOKEN_LENGTH else None
    if match is None:
        raise InvalidCursorError(_REFUSED)
    payload, signature = match.groups()
    if not hmac.compare_digest(_b64(_sign(payload)), signature):
        raise InvalidCursorError(_REFUSED)
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        key = json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidCursorError(_REFUSED) from exc
    if (
        not isinstance(key, dict)
        or key.keys() != set(key_names)
        or not all(isinstance(value, str) and value for value in key.values())
    ):
        raise InvalidCursorError(_REFUSED)
    return key


def _sign(payload: str) -> bytes:
    secret = os.environ.get(SECRET_ENV)
    if not secret:
        raise MissingSecretError(f"{SECRET_ENV} is not set")
    digest = hmac.new(secret.encode(), payload.encode("ascii"), hashlib.sha256).digest()
    return digest[:_SIGNATURE_BYTES]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
