"""Credentials the local server accepts, for tests: the checkout's own, as `credentials` prints.

`auth_headers()` gives the headers of a call every operation accepts (API key + token of
the first client team granted every scope); `auth_headers(client=..., scopes=...)` narrows
them. Built with the same code as `python -m codegen credentials`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from codegen.openapi.parser import parse_api
from codegen.serve.auth.credentials_cli import headers
from codegen.serve.auth.local_credentials import LocalCredentials, load_or_create
from codegen.serve.auth.setup import client_teams

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"


def auth_headers(
    client: str | None = None, scopes: Sequence[str] = (), spec: Path = SPEC
) -> dict[str, str]:
    return dict(headers(spec, client, list(scopes)))


# The variables tests/serve/schemathesis.toml reads its credentials from, one per scheme.
API_KEY_VARIABLE = "USERS_API_KEY"
TOKEN_VARIABLE = "USERS_API_TOKEN"  # the access token alone: schemathesis adds "Bearer "
BEARER = "Bearer "


def export_credentials() -> dict[str, str]:
    """Put `auth_headers()` into the environment for schemathesis; returns the variables."""
    sent = auth_headers()
    authorization = sent["Authorization"]
    assert authorization.startswith(BEARER), "credentials prints the Bearer form"
    exported = {
        API_KEY_VARIABLE: sent["x-api-key"],
        TOKEN_VARIABLE: authorization.removeprefix(BEARER),
    }
    os.environ.update(exported)
    return exported


def local_credentials(spec: Path = SPEC) -> LocalCredentials:
    api = parse_api(spec)
    return load_or_create(api.root, (team.name for team in client_teams(api)))


def authenticated(app: WSGIApplication, extra: dict[str, str] | None = None) -> WSGIApplication:
    """`app` behind a client that sends `auth_headers()` unless a request sets its own."""
    sent = extra if extra is not None else auth_headers()
    keys = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in sent.items()}

    def with_credentials(
        environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        for key, value in keys.items():
            environ.setdefault(key, value)
        return app(environ, start_response)

    return with_credentials
