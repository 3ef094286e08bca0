"""Token-making helpers for the auth tests: keys, an issuer and Cognito-shaped claims.

A key of the test's own (not the checkout's) makes a "pool" the tests fully control; the
checkout's pool (tests.support.credentials) is used where the real server is tested.
"""

from __future__ import annotations

import functools
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from codegen.serve.auth.api_keys import ApiKeyRegistry
from codegen.serve.auth.gatekeeper import Gatekeeper
from codegen.serve.auth.jwks import JwksKeys, parse_jwks
from codegen.serve.auth.minting import access_token_claims, sign
from codegen.serve.auth.tokens import TokenVerifier
from codegen.serve.definition import GatewayDefinition

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TESTPOOL"
KID = "test-key"
CLIENT_ID = "testclient0000000000000000"
API_KEY = "test-api-key-0123456789abcdefghijklmnopq"


@functools.cache
def private_key(name: str = "pool") -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks(key: rsa.RSAPrivateKey | None = None, kid: str = KID) -> dict[str, Any]:
    import json

    from jwt.algorithms import RSAAlgorithm

    jwk = json.loads(RSAAlgorithm.to_jwk((key or private_key()).public_key()))
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return {"keys": [jwk]}


def token(
    scopes: tuple[str, ...] = ("things/read",),
    key: rsa.RSAPrivateKey | None = None,
    kid: str = KID,
    **overrides: Any,
) -> str:
    claims = access_token_claims(ISSUER, CLIENT_ID, scopes)
    claims.update(overrides)
    for name in [name for name, value in claims.items() if value is None]:
        del claims[name]
    return sign(claims, key or private_key(), kid)


def unsigned(**overrides: Any) -> str:
    """`alg: none`: a token anyone can forge."""
    claims = {**access_token_claims(ISSUER, CLIENT_ID, ("things/read",)), **overrides}
    return jwt.encode(claims, "", algorithm="none", headers={"kid": KID})


def verifier() -> TokenVerifier:
    return TokenVerifier(JwksKeys(parse_jwks(jwks(), "test")), ISSUER, {CLIENT_ID})


def gatekeeper(definition: GatewayDefinition) -> Gatekeeper:
    return Gatekeeper(definition, verifier(), ApiKeyRegistry({"team": API_KEY}))
