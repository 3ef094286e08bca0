"""Opaque pagination cursors: a DynamoDB `LastEvaluatedKey` as a URL-safe token.

The token is unpadded URL-safe base64 of compact JSON, e.g. `{"id": "..."}`. It is opaque
by convention, not secret or signed: it only carries the key of an item the client has
already been shown, and any well-formed key is a legitimate place to resume a scan. What
must not reach DynamoDB is a key of the wrong shape: an `ExclusiveStartKey` with missing,
extra or wrongly typed attributes is a `ValidationException` (a 500 for the client), so
`decode_cursor` checks the shape and callers check the values.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Collection, Mapping

_ALPHABET = re.compile(r"[A-Za-z0-9_-]+")
MAX_TOKEN_LENGTH = 512  # the spec's maxLength for next_token


class InvalidCursorError(ValueError):
    """The token was not made by `encode_cursor` for this key shape."""


def encode_cursor(key: Mapping[str, str]) -> str:
    """The token for a key whose attributes are all strings (DynamoDB type S).

    ValueError if the token would be longer than the spec lets a client send back
    (MAX_TOKEN_LENGTH characters, about 380 bytes of key: far more than a UUID needs).
    """
    if not all(isinstance(value, str) for value in key.values()):
        raise TypeError("only string key attributes can be encoded")
    raw = json.dumps(dict(key), separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    token = base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode("ascii")
    if len(token) > MAX_TOKEN_LENGTH:
        raise ValueError(f"a key of {len(raw)} characters is too long for a cursor")
    return token


def decode_cursor(token: str, key_names: Collection[str]) -> dict[str, str]:
    """The key in `token`, which must hold exactly `key_names`, each a non-empty string.

    Raises InvalidCursorError for anything else: characters outside the URL-safe base64
    alphabet, non-canonical base64 (Python's decoder silently drops stray characters and
    trailing bits, so the token is re-encoded and compared), invalid UTF-8 or JSON, a
    non-object, or the wrong attributes.
    """
    if len(token) > MAX_TOKEN_LENGTH or not _ALPHABET.fullmatch(token):
        raise InvalidCursorError("not a token from a previous page")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidCursorError("not a token from a previous page") from exc
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != token:
        raise InvalidCursorError("not a token from a previous page")
    try:
        key = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidCursorError("not a token from a previous page") from exc
    if (
        not isinstance(key, dict)
        or key.keys() != set(key_names)
        or not all(isinstance(value, str) and value for value in key.values())
    ):
        raise InvalidCursorError("not a token from a previous page")
    return key
