"""Token verification (codegen.serve.auth.tokens) and JWKS sources (codegen.serve.auth.jwks)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from unittest.mock import patch

import jwt
import pytest
from jwt import PyJWK

from codegen.serve.auth.api_keys import ApiKeyRegistry
from codegen.serve.auth.jwks import JwksError, JwksKeys, parse_jwks, read_jwks
from codegen.serve.auth.tokens import (
    TokenRejected,
    TokenVerifier,
    stringify_claims,
    token_from_header,
)
from tests.serve import auth_tokens
from tests.serve.auth_tokens import CLIENT_ID, ISSUER, KID, private_key, token, unsigned, verifier

SCOPES = ("things/read",)


def rejected(authorization: str | None, scopes: tuple[str, ...] = SCOPES) -> str:
    with pytest.raises(TokenRejected) as caught:
        verifier().verify(authorization, scopes)
    return str(caught.value)


def test_a_valid_token_passes_bare_or_as_bearer() -> None:
    for header in (token(), f"Bearer {token()}", f"bearer  {token()} "):
        verified = verifier().verify(header, SCOPES)
        assert verified.client_id == CLIENT_ID and verified.scopes == SCOPES


def test_any_one_of_the_methods_scopes_suffices() -> None:
    both = token(("things/write", "other/x"))
    assert verifier().verify(both, ("things/read", "things/write")).client_id == CLIENT_ID
    assert "none of the method's scopes" in rejected(both, ("things/read",))
    assert verifier().verify(token(()), ()).scopes == ()  # a method without scopes


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "no token"),
        ("", "no token"),
        ("Bearer ", "malformed"),  # the word alone is no token either way: 401
        ("Bearer abc", "malformed"),
        ("a.b.c", "malformed"),
    ],
)
def test_missing_or_malformed_tokens_are_refused(header: str | None, reason: str) -> None:
    assert reason in rejected(header)


def test_claims_and_signatures_are_checked() -> None:
    now = int(time.time())
    assert "expired" in rejected(token(exp=now - 1))
    assert "another issuer" in rejected(token(iss=ISSUER + "x"))
    assert "not an access token" in rejected(token(token_use="id"))
    assert "app client" in rejected(token(client_id="intruder"))
    assert "lacks the 'exp' claim" in rejected(token(exp=None))
    assert "lacks the 'client_id' claim" in rejected(token(client_id=None))
    assert "signature" in rejected(token(key=private_key("other")))
    assert "does not publish" in rejected(token(kid="rotated-away"))


def test_only_rs256_is_accepted() -> None:
    assert "algorithm" in rejected(unsigned())
    # The classic confusion: HS256 keyed with the (public) RSA key must not verify.
    public_pem = auth_tokens.jwks()["keys"][0]["n"]
    claims = jwt.decode(token(), options={"verify_signature": False})
    forged = jwt.encode(claims, public_pem, algorithm="HS256", headers={"kid": KID})
    assert "algorithm" in rejected(forged)


def test_claims_reach_the_handler_as_strings_as_api_gateway_passes_them() -> None:
    claims = stringify_claims(
        {
            "exp": 1795656411,
            "iat": 1795652811,
            "auth_time": 1795652811,
            "scope": "a/b c/d",
            "version": 2,
            "flag": True,
            "groups": ["x", "y"],
        }
    )
    assert claims == {
        "exp": "Thu Nov 26 01:26:51 UTC 2026",
        "iat": "Thu Nov 26 00:26:51 UTC 2026",
        "auth_time": "1795652811",
        "scope": "a/b c/d",
        "version": "2",
        "flag": "true",
        "groups": "[x y]",
    }
    verified = verifier().verify(token(), SCOPES)
    assert all(isinstance(value, str) for value in verified.claims.values())


def test_token_from_header() -> None:
    assert token_from_header("Bearer x.y.z") == "x.y.z"
    assert token_from_header("x.y.z") == "x.y.z"
    assert token_from_header(None) == ""


def test_api_keys_name_their_client_team() -> None:
    keys = ApiKeyRegistry({"mobile": "k1", "web": "k2"})
    assert keys.client_of("k2") == "web"
    assert (
        keys.client_of("k3") is None and keys.client_of("") is None and keys.client_of(None) is None
    )
    assert keys.client_of("K1") is None  # API keys are case-sensitive


def test_jwks_documents_are_checked() -> None:
    assert set(parse_jwks(auth_tokens.jwks(), "t")) == {KID}
    with pytest.raises(JwksError, match='no "keys" list'):
        parse_jwks({"kty": "RSA"}, "t")
    with pytest.raises(JwksError, match="no RSA signing key"):
        parse_jwks({"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "h"}]}, "t")


def test_a_jwks_file(tmp_path: Path) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(auth_tokens.jwks()))
    assert set(read_jwks(str(path))) == {KID}
    with pytest.raises(JwksError, match="No such file"):
        read_jwks(str(tmp_path / "missing.json"))
    path.write_text("{")
    with pytest.raises(JwksError, match="not JSON"):
        read_jwks(str(path))


class _JwksServer:
    """A tiny JWKS endpoint on loopback whose document the test can change (a rotation)."""

    def __init__(self) -> None:
        self.document: dict[str, Any] = auth_tokens.jwks()
        self.fetches = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.fetches += 1
                body = json.dumps(outer.document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/.well-known/jwks.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def jwks_server() -> Iterator[_JwksServer]:
    server = _JwksServer()
    try:
        yield server
    finally:
        server.close()


def test_a_jwks_url_is_fetched_and_refetched_on_an_unknown_kid(jwks_server: _JwksServer) -> None:
    clock = [1000.0]
    keys = JwksKeys.from_source(jwks_server.url)
    keys._clock = lambda: clock[0]
    keys._last_fetch = clock[0]
    checker = TokenVerifier(keys, ISSUER, {CLIENT_ID})
    assert checker.verify(token(), SCOPES).client_id == CLIENT_ID
    assert jwks_server.fetches == 1
    rotated = private_key("rotated")
    jwks_server.document = auth_tokens.jwks(rotated, kid="new")
    new_token = token(key=rotated, kid="new")
    with pytest.raises(TokenRejected):  # within a minute of the last fetch: no refetch
        checker.verify(new_token, SCOPES)
    assert jwks_server.fetches == 1
    clock[0] += 61
    assert checker.verify(new_token, SCOPES).client_id == CLIENT_ID  # rotation picked up
    assert jwks_server.fetches == 2


def test_an_unreachable_jwks_url_is_one_clear_error() -> None:
    with pytest.raises(JwksError, match="cannot fetch the JWKS"):
        read_jwks("http://127.0.0.1:9/.well-known/jwks.json")


class _RotatingKeys:
    """A key source that can drop its key (a JWKS rotation)."""

    def __init__(self) -> None:
        self.keys = JwksKeys(parse_jwks(auth_tokens.jwks(), "test"))
        self.dropped = False

    def key(self, kid: str) -> PyJWK | None:
        return None if self.dropped else self.keys.key(kid)


def test_a_verified_token_is_remembered_until_it_expires() -> None:
    now = [time.time()]
    checker = TokenVerifier(_RotatingKeys(), ISSUER, {CLIENT_ID}, clock=lambda: now[0])
    good = token()
    exp = float(jwt.decode(good, options={"verify_signature": False})["exp"])
    with patch("codegen.serve.auth.tokens.jwt.decode", wraps=jwt.decode) as decode:
        first = checker.verify(good, SCOPES)
        first.claims["client_id"] = "changed by a handler"  # the event is the handler's
        second = checker.verify(f"Bearer {good}", SCOPES)
        assert decode.call_count == 1  # the signature was checked once
        assert second.claims["client_id"] == CLIENT_ID  # a remembered token's own claims
        first.claims["client_id"] = CLIENT_ID
        # The method's scopes are checked on every call, remembered token or not.
        with pytest.raises(TokenRejected, match="none of the method's scopes"):
            checker.verify(good, ("other/scope",))
        now[0] = exp  # PyJWT's rule: expired once now >= exp (no leeway)
        checker.verify(good, SCOPES)  # (PyJWT's own clock still says valid)
        assert decode.call_count == 2  # forgotten at exp: checked again in full
    assert first == second


def test_caching_never_extends_a_tokens_life() -> None:
    checker = verifier()
    short = token(exp=int(time.time()) + 1)
    assert checker.verify(short, SCOPES).client_id == CLIENT_ID
    time.sleep(
        max(0.0, float(jwt.decode(short, options={"verify_signature": False})["exp"]) - time.time())
        + 0.05
    )
    with pytest.raises(TokenRejected, match="expired"):
        checker.verify(short, SCOPES)


def test_a_remembered_token_is_refused_once_its_key_is_gone() -> None:
    keys = _RotatingKeys()
    checker = TokenVerifier(keys, ISSUER, {CLIENT_ID})
    good = token()
    assert checker.verify(good, SCOPES).client_id == CLIENT_ID
    keys.dropped = True  # the pool rotated the key out of its JWKS
    with pytest.raises(TokenRejected, match="does not publish"):
        checker.verify(good, SCOPES)


def test_the_cache_of_verified_tokens_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("codegen.serve.auth.tokens.VERIFIED_CACHE_SIZE", 3)
    checker = verifier()
    tokens = [token(jti=f"t{n}") for n in range(5)]
    for each in tokens:
        checker.verify(each, SCOPES)
    assert list(checker._verified) == tokens[2:]  # oldest first out
