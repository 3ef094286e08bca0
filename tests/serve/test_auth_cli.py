"""`python -m codegen credentials`, and `serve --jwks/--issuer` verifying a real pool's tokens."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import jwt
import pytest
import requests

from codegen.serve.auth.local_credentials import credentials_path
from tests.serve import auth_tokens
from tests.serve.test_auth_tokens import _JwksServer
from tests.support.credentials import local_credentials
from tests.support.servers import ROOT, codegen_server


def credentials(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codegen", "credentials", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_credentials_prints_a_key_and_a_token_every_operation_accepts() -> None:
    result = credentials()
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == ["x-api-key", "Authorization"]
    stored = local_credentials()
    assert lines[0] == f"x-api-key: {stored.clients['backoffice'].api_key}"
    scheme, token = lines[1].split(": ", 1)[1].split(" ")
    assert scheme == "Bearer"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["scope"] == "users/read users/write"
    assert claims["client_id"] == stored.clients["backoffice"].client_id
    assert claims["token_use"] == "access" and claims["iss"] == stored.issuer
    assert claims["exp"] - claims["iat"] == 3600


def test_credentials_for_a_team_and_a_scope() -> None:
    result = credentials("--client", "mobile", "--scope", "users/read")
    assert result.returncode == 0, result.stderr
    token = result.stdout.splitlines()[1].split("Bearer ", 1)[1]
    assert jwt.decode(token, options={"verify_signature": False})["scope"] == "users/read"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--client", "nobody"), "no client team 'nobody'"),
        (("--client", "mobile", "--scope", "users/write"), "invalid_scope: mobile is not granted"),
    ],
)
def test_credentials_refuses_what_cognito_would_refuse(args: tuple[str, ...], words: str) -> None:
    result = credentials(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert words in result.stderr and len(result.stderr.splitlines()) == 1


def test_the_credentials_file_is_private_and_git_ignored() -> None:
    path = credentials_path(ROOT)
    local_credentials()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", str(path)], cwd=ROOT, check=False, timeout=30
    )
    assert ignored.returncode == 0, f"{path} is not git-ignored"


def _call(url: str, token: str) -> requests.Response:
    key = local_credentials().clients["mobile"].api_key  # API keys stay the checkout's
    headers = {"x-api-key": key, "Authorization": f"Bearer {token}"}
    return requests.get(f"{url}/users", headers=headers, timeout=10)


@pytest.mark.slow
def test_serve_verifies_a_real_pools_tokens_from_a_jwks_file(tmp_path: Path) -> None:
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(auth_tokens.jwks()))
    args = ["--jwks", str(jwks), "--issuer", auth_tokens.ISSUER]
    with codegen_server(args) as server:
        assert _call(server.url, auth_tokens.token(("users/read",))).status_code == 200
        # The checkout's own tokens are not the pool's: another key and issuer.
        local = credentials().stdout.splitlines()[1].split("Bearer ", 1)[1]
        assert _call(server.url, local).status_code == 401
        assert _call(server.url, auth_tokens.token(("users/write",))).status_code == 401
        output = server.process.output()
    assert f"tokens verified against {jwks}" in output


@pytest.mark.slow
def test_serve_fetches_the_jwks_over_http_and_can_narrow_the_clients() -> None:
    endpoint = _JwksServer()
    try:
        args = ["--jwks", endpoint.url, "--issuer", auth_tokens.ISSUER, "--client-id", "only"]
        with codegen_server(args) as server:
            # A valid token of another app client of the pool: refused by --client-id.
            assert _call(server.url, auth_tokens.token(("users/read",))).status_code == 401
            only = auth_tokens.token(("users/read",), client_id="only", sub="only")
            assert _call(server.url, only).status_code == 200
        assert endpoint.fetches >= 1
    finally:
        endpoint.close()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--jwks", "/nonexistent/jwks.json", "--issuer", "x"], "/nonexistent/jwks.json"),
        (["--jwks", "/nonexistent/jwks.json"], "--jwks needs --issuer"),
        (["--issuer", "https://x"], "apply with --jwks only"),
    ],
)
def test_bad_jwks_options_are_one_line_errors(args: list[str], words: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "serve", "--port", "0", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert words in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_local_jwks_is_served_and_verifies_the_minted_tokens() -> None:
    stored = local_credentials()
    pool_path = stored.issuer.split("/", 3)[3]  # https://host/<pool id> -> <pool id>
    with codegen_server() as server:
        documents = [
            requests.get(f"{server.url}{path}", timeout=10)
            for path in ("/.well-known/jwks.json", f"/{pool_path}/.well-known/jwks.json")
        ]
    assert all(d.status_code == 200 for d in documents)
    assert documents[0].json() == documents[1].json() == stored.jwks()
    assert "d" not in documents[0].json()["keys"][0]  # the public half only
    key = jwt.PyJWK(documents[0].json()["keys"][0]).key
    token = credentials().stdout.splitlines()[1].split("Bearer ", 1)[1]
    claims = jwt.decode(token, key, algorithms=["RS256"], issuer=stored.issuer)
    assert claims["token_use"] == "access"
