"""Cognito's token endpoint, locally: `POST /oauth2/token`, the client-credentials grant.

What Amazon Cognito documents for it (Cognito developer guide, "The token endpoint",
https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html), and what
this endpoint does the same way:

- `POST`, body `application/x-www-form-urlencoded`;
- a confidential app client authenticates with HTTP Basic, `Authorization: Basic
  base64(client_id:client_secret)`;
- `grant_type=client_credentials`, and `scope`: space-separated custom scopes
  (`users/read users/write`); without it, every scope the app client is allowed;
- success: 200 `{"access_token", "expires_in", "token_type": "Bearer"}` (no refresh token
  for this grant), `Cache-Control: no-store`;
- errors as `{"error": CODE}`: `invalid_request` (the request is malformed),
  `invalid_client` (unknown client, wrong secret, no client authentication),
  `unsupported_grant_type` (anything but `client_credentials`), `invalid_scope` (a scope
  the app client is not allowed, or unknown).

Statuses are RFC 6749 §5.2's: 400, except `invalid_client`, which is 401 with
`WWW-Authenticate: Basic` (the client authenticates through the Authorization header).

The token is minted as `python -m codegen credentials` mints it (`minting.py`), so the server
verifies it like any other local token.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Iterable
from urllib.parse import parse_qs, unquote

from werkzeug.wrappers import Request, Response

from codegen.serve.auth.local_credentials import LocalCredentials
from codegen.serve.auth.minting import LIFETIME_SECONDS, mint_access_token

TOKEN_PATH = "/oauth2/token"
FORM = "application/x-www-form-urlencoded"
GRANT = "client_credentials"


class TokenEndpoint:
    """Answers `POST /oauth2/token` for the declared client teams of `credentials`."""

    def __init__(self, credentials: LocalCredentials, teams: Iterable[tuple[str, Iterable[str]]]):
        self._credentials = credentials
        self._scopes = {name: tuple(scopes) for name, scopes in teams}

    def __call__(self, request: Request, body: bytes) -> Response:
        if request.method != "POST":
            # Cognito answers the other methods of this path with 405 and no body.
            return Response(status=405, headers={"Allow": "POST"})
        team = self._client(request.headers.get("Authorization", ""))
        if team is None:
            return _error("invalid_client", 401, {"WWW-Authenticate": 'Basic realm="oauth2"'})
        if request.mimetype != FORM:
            return _error("invalid_request")
        try:
            form = parse_qs(body.decode("utf-8"), strict_parsing=False)
        except UnicodeDecodeError:
            return _error("invalid_request")
        if any(len(values) > 1 for values in form.values()):
            return _error("invalid_request")  # RFC 6749 §3.2: no repeated parameter
        grant = form.get("grant_type", [""])[0]
        if not grant:
            return _error("invalid_request")
        if grant != GRANT:
            return _error("unsupported_grant_type")
        allowed = self._scopes[team]
        requested = form.get("scope", [""])[0].split()
        if any(scope not in allowed for scope in requested):
            return _error("invalid_scope")
        scopes = requested or list(allowed)
        token = mint_access_token(self._credentials, team, scopes)
        answer = {"access_token": token, "expires_in": LIFETIME_SECONDS, "token_type": "Bearer"}
        return _json(answer, 200)

    def _client(self, authorization: str) -> str | None:
        """The team whose app client id and secret came in HTTP Basic, else None."""
        scheme, _, encoded = authorization.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        client_id, colon, secret = decoded.partition(":")
        if not colon:
            return None
        # RFC 6749 §2.3.1: the id and secret are form-encoded before Basic encoding.
        client_id, secret = unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))
        for name in self._scopes:
            client = self._credentials.clients.get(name)
            if client is None or not client.client_secret:
                continue
            same_id = hmac.compare_digest(client.client_id.encode(), client_id.encode())
            same_secret = hmac.compare_digest(client.client_secret.encode(), secret.encode())
            if same_id and same_secret:
                return name
        return None


def _json(
    document: dict[str, object], status: int, extra: dict[str, str] | None = None
) -> Response:
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache", **(extra or {})}
    return Response(
        json.dumps(document), status=status, headers=headers, content_type="application/json"
    )


def _error(code: str, status: int = 400, extra: dict[str, str] | None = None) -> Response:
    return _json({"error": code}, status, extra)
