"""The local token endpoint, `POST /oauth2/token`: Cognito's client-credentials grant.

As Cognito documents it ("The token endpoint", Cognito developer guide): the app client's id
and secret in HTTP Basic, `grant_type=client_credentials`, optional `scope`; errors as
`{"error": ...}` with RFC 6749 §5.2's statuses. Its tokens are accepted on /users.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import jwt
import pytest
from werkzeug.test import Client

from codegen.serve import LocalApi, create_app
from codegen.serve.auth.local_credentials import credentials_path, load_or_create
from tests.support.credentials import local_credentials

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "/oauth2/token"


@pytest.fixture(scope="module")
def local_api() -> Iterator[LocalApi]:
    with closing(create_app(ROOT)) as app:
        yield app


@pytest.fixture
def client(local_api: LocalApi) -> Client:
    return Client(local_api)


def basic(team: str) -> tuple[str, str]:
    stored = local_credentials().clients[team]
    return stored.client_id, stored.client_secret


def test_a_token_for_every_scope_of_the_team_is_accepted_on_users(client: Client) -> None:
    answer = client.post(TOKEN, data={"grant_type": "client_credentials"}, auth=basic("backoffice"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["Cache-Control"] == "no-store"
    body = answer.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert set(body) == {"access_token", "expires_in", "token_type"}
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["scope"] == "users/read users/write"
    assert claims["client_id"] == basic("backoffice")[0]
    headers = {
        "Authorization": f"Bearer {body['access_token']}",
        "x-api-key": local_credentials().clients["backoffice"].api_key,
    }
    assert client.get("/users", headers=headers).status_code == 200
    created = client.post(
        "/users", json={"name": "Tok", "email": "tok@example.com"}, headers=headers
    )
    assert created.status_code == 201, created.text


def test_the_scope_parameter_narrows_the_token(client: Client) -> None:
    answer = client.post(
        TOKEN,
        data={"grant_type": "client_credentials", "scope": "users/read"},
        auth=basic("backoffice"),
    )
    assert answer.status_code == 200, answer.text
    token = answer.get_json()["access_token"]
    assert jwt.decode(token, options={"verify_signature": False})["scope"] == "users/read"
    headers = {
        "Authorization": f"Bearer {token}",
        "x-api-key": local_credentials().clients["backoffice"].api_key,
    }
    assert client.get("/users", headers=headers).status_code == 200
    # Without users/write, createUser refuses the token as the Cognito authorizer does.
    refused = client.post("/users", json={"name": "N", "email": "n@example.com"}, headers=headers)
    assert refused.status_code == 401


@pytest.mark.parametrize(
    ("auth", "data", "status", "error"),
    [
        (
            "mobile",
            {"grant_type": "client_credentials", "scope": "users/write"},
            400,
            "invalid_scope",
        ),
        (
            "mobile",
            {"grant_type": "client_credentials", "scope": "users/nope"},
            400,
            "invalid_scope",
        ),
        ("backoffice", {"grant_type": "authorization_code"}, 400, "unsupported_grant_type"),
        ("backoffice", {"grant_type": "password"}, 400, "unsupported_grant_type"),
        ("backoffice", {}, 400, "invalid_request"),
        ("wrong-secret", {"grant_type": "client_credentials"}, 401, "invalid_client"),
        ("unknown-client", {"grant_type": "client_credentials"}, 401, "invalid_client"),
        (None, {"grant_type": "client_credentials"}, 401, "invalid_client"),
    ],
)
def test_errors_answer_as_cognito_does(
    client: Client, auth: str | None, data: dict[str, str], status: int, error: str
) -> None:
    credentials: tuple[str, str] | None
    if auth == "wrong-secret":
        credentials = (basic("backoffice")[0], "x" * 51)
    elif auth == "unknown-client":
        credentials = ("a" * 26, basic("backoffice")[1])
    else:
        credentials = basic(auth) if auth else None
    answer = client.post(TOKEN, data=data, auth=credentials)
    assert answer.status_code == status, answer.text
    assert answer.get_json() == {"error": error}
    if status == 401:  # RFC 6749 §5.2: the schemes the endpoint accepts
        assert answer.headers["WWW-Authenticate"].startswith("Basic")


def test_a_json_body_is_an_invalid_request(client: Client) -> None:
    answer = client.post(TOKEN, json={"grant_type": "client_credentials"}, auth=basic("backoffice"))
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "invalid_request"}


def test_a_credentials_file_from_before_gets_the_missing_secrets_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    first = load_or_create(tmp_path, ["mobile", "backoffice"])
    path = credentials_path(tmp_path)
    old = json.loads(path.read_text())
    for entry in old["clients"].values():  # as written before the token endpoint existed
        del entry["client_secret"]
    path.write_text(json.dumps(old))
    again = load_or_create(tmp_path, ["mobile", "backoffice"])
    for name in ("mobile", "backoffice"):
        assert again.clients[name].client_id == first.clients[name].client_id
        assert again.clients[name].api_key == first.clients[name].api_key
        assert len(again.clients[name].client_secret) == 51
    assert again.private_key_pem == first.private_key_pem
    assert json.loads(path.read_text())["clients"]["mobile"]["client_secret"]
    assert load_or_create(tmp_path, ["mobile"]).clients["mobile"].client_secret == (
        again.clients["mobile"].client_secret
    )
