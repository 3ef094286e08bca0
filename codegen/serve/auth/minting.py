"""Access tokens signed with the checkout's local key, shaped like Cognito's.

A Cognito client-credentials access token carries `sub` (= the app client id),
`token_use: access`, `scope` (space-separated), `auth_time`, `iss`, `exp` (= `iat` +
the client's access-token validity, 3600 s by default), `iat`, `version`, `jti` and
`client_id`, with the signing key's `kid` in the header.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from codegen.serve.auth.local_credentials import LocalCredentials

LIFETIME_SECONDS = 3600


def access_token_claims(
    issuer: str,
    client_id: str,
    scopes: Iterable[str],
    now: float | None = None,
    lifetime: int = LIFETIME_SECONDS,
) -> dict[str, Any]:
    issued = int(time.time() if now is None else now)
    return {
        "sub": client_id,
        "token_use": "access",
        "scope": " ".join(scopes),
        "auth_time": issued,
        "iss": issuer,
        "exp": issued + lifetime,
        "iat": issued,
        "version": 2,
        "jti": str(uuid.uuid4()),
        "client_id": client_id,
    }


def sign(claims: dict[str, Any], key: rsa.RSAPrivateKey, kid: str) -> str:
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def mint_access_token(
    credentials: LocalCredentials,
    client: str,
    scopes: Iterable[str],
    lifetime: int = LIFETIME_SECONDS,
) -> str:
    """A token for the client team `client` (a key of `credentials.clients`)."""
    claims = access_token_claims(
        credentials.issuer, credentials.clients[client].client_id, scopes, lifetime=lifetime
    )
    return sign(claims, credentials.private_key(), credentials.key_id)
