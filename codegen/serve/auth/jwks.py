"""The public keys tokens are verified against: a JWKS, from the checkout, a file or a URL.

Cognito publishes each pool's keys at `<issuer>/.well-known/jwks.json` and rotates them;
a token names its key in the `kid` header. `JwksKeys` answers `key(kid)`; a URL source is
fetched again (at most once per `REFRESH_SECONDS`) when a token names an unknown `kid`, so
a rotation is picked up without letting garbage `kid`s trigger a fetch per request.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jwt import PyJWK
from jwt.exceptions import PyJWKError

FETCH_TIMEOUT_SECONDS = 5.0
REFRESH_SECONDS = 60.0
MAX_JWKS_BYTES = 1024 * 1024


class JwksError(Exception):
    """A JWKS cannot be read; the message says why in one line."""


def parse_jwks(document: Any, origin: str) -> dict[str, PyJWK]:
    """`kid` -> RS256 public key, for each usable key of a JWKS document."""
    keys = document.get("keys") if isinstance(document, Mapping) else None
    if not isinstance(keys, list):
        raise JwksError(f'{origin}: not a JWKS (no "keys" list)')
    found: dict[str, PyJWK] = {}
    for entry in keys:
        if not isinstance(entry, Mapping) or entry.get("kty") != "RSA" or "kid" not in entry:
            continue  # only RSA keys with an id can verify a Cognito token
        if entry.get("use", "sig") != "sig" or entry.get("alg", "RS256") != "RS256":
            continue
        try:
            found[str(entry["kid"])] = PyJWK(dict(entry), algorithm="RS256")
        except PyJWKError as error:
            raise JwksError(f"{origin}: key {entry['kid']!r} is unusable ({error})") from error
    if not found:
        raise JwksError(f"{origin}: no RSA signing key in the JWKS")
    return found


def read_jwks(source: str) -> dict[str, PyJWK]:
    """Keys from an http(s) URL or a file path."""
    if source.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(source, timeout=FETCH_TIMEOUT_SECONDS) as response:
                raw = response.read(MAX_JWKS_BYTES + 1)
        except (OSError, ValueError) as error:
            raise JwksError(f"{source}: cannot fetch the JWKS ({error})") from error
    else:
        try:
            raw = Path(source).read_bytes()
        except OSError as error:
            raise JwksError(f"{source}: {error.strerror or error}") from error
    if len(raw) > MAX_JWKS_BYTES:
        raise JwksError(f"{source}: larger than {MAX_JWKS_BYTES} bytes: not a JWKS")
    try:
        document = json.loads(raw)
    except ValueError as error:
        raise JwksError(f"{source}: not JSON ({error})") from error
    return parse_jwks(document, source)


class JwksKeys:
    """The keys of one JWKS; `refetch` (URL sources) reloads them on an unknown `kid`."""

    def __init__(
        self,
        keys: Mapping[str, PyJWK],
        refetch: Callable[[], Mapping[str, PyJWK]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._keys = dict(keys)
        self._refetch = refetch
        self._clock = clock
        self._last_fetch = clock()
        self._lock = threading.Lock()

    @classmethod
    def from_source(cls, source: str) -> JwksKeys:
        remote = source.startswith(("http://", "https://"))
        return cls(read_jwks(source), (lambda: read_jwks(source)) if remote else None)

    def key(self, kid: str) -> PyJWK | None:
        found = self._keys.get(kid)
        if found is not None or self._refetch is None:
            return found
        with self._lock:
            if self._clock() - self._last_fetch < REFRESH_SECONDS:
                return self._keys.get(kid)
            self._last_fetch = self._clock()
            try:
                self._keys = dict(self._refetch())
            except JwksError:
                return None  # keep the old keys; the token is refused (401)
            return self._keys.get(kid)
