"""Access token verification, as API Gateway's Cognito user pools authorizer does it.

A token passes when (each failure is API Gateway's 401 UNAUTHORIZED, see `gatekeeper`):
- it is a JWS signed with RS256 by a key of the pool's JWKS (its `kid`); any other `alg`
  (`none`, HS256, ...) is refused before a key is even looked up;
- `exp` is in the future, `iss` is the pool's issuer;
- `token_use` is `access` (methods with scopes take access tokens only: AWS, "Integrate a
  REST API with an Amazon Cognito user pool");
- `client_id` is one of the configured app clients (locally: the declared client teams;
  deployed, the pool the stack creates holds exactly those);
- its `scope` (space-separated) holds at least one of the method's authorizationScopes
  ("The method invocation is authorized if any method scopes matches a claimed scope in
  the access token", AWS CloudFormation, AWS::ApiGateway::Method AuthorizationScopes).

The Authorization header may carry the token bare, as API Gateway's REST documentation
shows it, or as `Bearer <token>`, as Amazon Cognito tells apps to send it ("add them as
bearer tokens to an Authorization header", Amazon Cognito Developer Guide, "Accessing
resources with API Gateway after sign-in"); captured REST events show the Bearer form
reaching the integration through a Cognito authorizer (aws-powertools/
powertools-lambda-typescript#2624). Both are accepted here.

The claims reach the integration as API Gateway passes them in
`requestContext.authorizer.claims`: every value a string (awsdocs/amazon-api-gateway-
developer-guide#158), `scope` space-separated as in the token, and `exp` / `iat` as dates
in Java's `Date.toString()` form, `Wed Nov 26 01:00:00 UTC 2026` (which is why
aws/serverless-java-container#25 parses them as dates), `auth_time` as its number.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import jwt
from jwt import PyJWK
from jwt.exceptions import (
    DecodeError,
    ExpiredSignatureError,
    InvalidIssuerError,
    InvalidSignatureError,
    InvalidTokenError,
    MissingRequiredClaimError,
)

ALGORITHM = "RS256"
REQUIRED_CLAIMS = ("exp", "iat", "iss", "token_use", "client_id")
DATE_CLAIMS = frozenset({"exp", "iat"})
BEARER = "bearer "
# Tokens whose signature and issuer were verified, kept until they expire (a client sends
# the same token for its whole life, up to an hour for Cognito): the RS256 check is most
# of what authentication costs the local server per request. Bounded: oldest first out.
VERIFIED_CACHE_SIZE = 1024
# A verified token's claims, and the same as strings (what API Gateway's Cognito
# authorizer puts in `requestContext.authorizer.claims`), made once per token.
Claims = tuple[dict[str, Any], dict[str, str]]


class KeySource(Protocol):
    def key(self, kid: str) -> PyJWK | None: ...


class TokenRejected(Exception):
    """Why a token was refused: for the server's log only (the client gets "Unauthorized").

    The reason never quotes the token or a claim value.
    """


@dataclass(frozen=True)
class VerifiedToken:
    client_id: str
    scopes: tuple[str, ...]
    claims: dict[str, str]  # as requestContext.authorizer.claims carries them


def token_from_header(authorization: str | None) -> str:
    """The token of an Authorization header, bare or `Bearer <token>`; "" when none."""
    value = (authorization or "").strip()
    if value[: len(BEARER)].lower() == BEARER:
        value = value[len(BEARER) :].strip()
    return value


class TokenVerifier:
    def __init__(
        self,
        keys: KeySource,
        issuer: str,
        client_ids: Collection[str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._keys = keys
        self.issuer = issuer
        self._clock = clock
        # token -> (kid, the key that verified it, its claims, and as the authorizer hands
        # them over); see VERIFIED_CACHE_SIZE.
        self._verified: dict[str, tuple[str, PyJWK, Claims]] = {}
        self._cache_lock = threading.Lock()
        # None: any app client of the pool (`serve --jwks` without --client-id).
        self._client_ids = frozenset(client_ids) if client_ids is not None else None

    def verify(self, authorization: str | None, method_scopes: Collection[str]) -> VerifiedToken:
        token = token_from_header(authorization)
        if not token:
            raise TokenRejected("no token in the Authorization header")
        claims, texts = self._remembered(token) or self._verify_signature(token)
        if claims.get("token_use") != "access":
            raise TokenRejected("not an access token (token_use)")
        client_id = str(claims.get("client_id"))
        if self._client_ids is not None and client_id not in self._client_ids:
            raise TokenRejected("token of an app client that is not configured")
        scopes = tuple(str(claims.get("scope", "")).split())
        if method_scopes and not set(method_scopes) & set(scopes):
            raise TokenRejected("token carries none of the method's scopes")
        return VerifiedToken(client_id, scopes, dict(texts))  # a copy: handlers get it

    def _remembered(self, token: str) -> Claims | None:
        """The claims of a token verified before, while it has not expired and the key
        that verified it is still the pool's (a JWKS refresh may have dropped it)."""
        found = self._verified.get(token)
        if found is None:
            return None
        kid, key, remembered = found
        # PyJWT's rule without leeway: expired once now >= exp.
        if self._clock() >= float(remembered[0]["exp"]) or self._keys.key(kid) is not key:
            with self._cache_lock:
                self._verified.pop(token, None)
            return None
        return remembered

    def _verify_signature(self, token: str) -> Claims:
        try:
            header = jwt.get_unverified_header(token)
        except DecodeError as error:
            raise TokenRejected("malformed token") from error
        if header.get("alg") != ALGORITHM:
            raise TokenRejected(f"token algorithm is not {ALGORITHM}")
        kid = str(header.get("kid", ""))
        key = self._keys.key(kid)
        if key is None:
            raise TokenRejected("token signed by a key the pool does not publish (kid)")
        claims = self._decode(token, key)
        verified = (claims, stringify_claims(claims))
        with self._cache_lock:
            if len(self._verified) >= VERIFIED_CACHE_SIZE:
                self._verified.pop(next(iter(self._verified)))
            self._verified[token] = (kid, key, verified)
        return verified

    def _decode(self, token: str, key: PyJWK) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                key.key,
                algorithms=[ALGORITHM],
                issuer=self.issuer,
                # Cognito access tokens have no `aud` (their client is `client_id`).
                options={"require": list(REQUIRED_CLAIMS), "verify_aud": False},
            )
        except ExpiredSignatureError as error:
            raise TokenRejected("token expired") from error
        except InvalidIssuerError as error:
            raise TokenRejected("token issued by another issuer") from error
        except InvalidSignatureError as error:
            raise TokenRejected("token signature does not verify") from error
        except MissingRequiredClaimError as error:
            raise TokenRejected(f"token lacks the {error.claim!r} claim") from error
        except InvalidTokenError as error:
            raise TokenRejected(f"invalid token ({type(error).__name__})") from error


def stringify_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    return {name: _claim_text(name, value) for name, value in claims.items()}


def _claim_text(name: str, value: Any) -> str:
    if name in DATE_CLAIMS and isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(str(item) for item in value) + "]"
    return str(value)
