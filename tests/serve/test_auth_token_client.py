"""The local token endpoint through a real OAuth 2.0 client (Authlib), over HTTP.

A client team's token-fetching code, written for Cognito's token endpoint, runs unchanged
against `python -m codegen serve`: client credentials in HTTP Basic
(`client_secret_basic`), `grant_type=client_credentials`, `scope`. Authlib reads the error
answers as RFC 6749 §5.2 defines them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session

from tests.support.credentials import local_credentials
from tests.support.servers import ServerProcess, codegen_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    with codegen_server() as running:
        yield running


def client(team: str, scope: str | None = None, secret: str | None = None) -> OAuth2Session:
    stored = local_credentials().clients[team]
    return OAuth2Session(
        stored.client_id,
        stored.client_secret if secret is None else secret,
        token_endpoint_auth_method="client_secret_basic",
        scope=scope,
    )


def test_a_token_from_the_endpoint_is_accepted_on_users(server: ServerProcess) -> None:
    session = client("backoffice", scope="users/read users/write")
    token = session.fetch_token(f"{server.url}/oauth2/token", grant_type="client_credentials")
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    assert "expires_at" in token  # Authlib knows when to fetch the next one
    key = {"x-api-key": local_credentials().clients["backoffice"].api_key}
    # The session sends `Authorization: Bearer <token>` itself.
    listed = session.get(f"{server.url}/users", headers=key, timeout=10)
    assert listed.status_code == 200, listed.text
    without = requests.get(f"{server.url}/users", headers=key, timeout=10)
    assert without.status_code == 401


def test_a_read_scope_token_cannot_write(server: ServerProcess) -> None:
    session = client("mobile", scope="users/read")
    session.fetch_token(f"{server.url}/oauth2/token", grant_type="client_credentials")
    key = {"x-api-key": local_credentials().clients["mobile"].api_key}
    assert session.get(f"{server.url}/users", headers=key, timeout=10).status_code == 200
    body = {"name": "Mobile", "email": "mobile-write@example.com"}
    written = session.post(f"{server.url}/users", json=body, headers=key, timeout=10)
    assert written.status_code == 401


@pytest.mark.parametrize(
    ("session", "grant", "error"),
    [
        (lambda: client("mobile", scope="users/write"), "client_credentials", "invalid_scope"),
        (
            lambda: client("backoffice", secret="not-the-secret"),
            "client_credentials",
            "invalid_client",
        ),
        (lambda: client("backoffice"), "authorization_code", "unsupported_grant_type"),
    ],
    ids=["scope-not-granted", "wrong-secret", "other-grant"],
)
def test_refusals_are_cognitos_errors(
    server: ServerProcess, session: object, grant: str, error: str
) -> None:
    oauth: OAuth2Session = session()  # type: ignore[operator]
    extra = (
        {"code": "x", "redirect_uri": "https://example.com/cb"}
        if grant != "client_credentials"
        else {}
    )
    with pytest.raises(OAuthError) as refused:
        oauth.fetch_token(f"{server.url}/oauth2/token", grant_type=grant, **extra)
    assert refused.value.error == error
