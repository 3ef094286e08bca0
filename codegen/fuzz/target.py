"""Where the fuzzer sends its requests, and with which credentials."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from codegen.fuzz.handoff import Handoff
from codegen.fuzz.oauth import AccessToken, Grant, TokenError, fetch_token, refresh_interval

LOCAL_TOKEN_PATH = "/oauth2/token"  # the local server's token endpoint (serve/auth)


class TargetError(Exception):
    """The target cannot be reached or its credentials read (one line)."""


@dataclass
class Target:
    url: str  # the API's base URL
    grant: Grant  # how to get an access token
    api_key: str
    rate_limit: str | None = None  # schemathesis' --rate-limit, from the team's usage plan
    _token: AccessToken | None = field(default=None, repr=False)

    def token(self) -> AccessToken:
        """A token with time left, fetched again before the last one expires."""
        if self._token is None or not self._token.fresh():
            try:
                self._token = fetch_token(self.grant)
            except TokenError as error:
                raise TargetError(f"no access token: {error}") from error
        return self._token

    def headers(self) -> dict[str, str]:
        return {"x-api-key": self.api_key, "Authorization": "Bearer " + self.token().value}

    def handoff(self) -> Handoff:
        return Handoff(self.grant, self.api_key, refresh_interval(self.token().expires_in))


def usage_plan_rate(spec: Path, team: str) -> str | None:
    """The team's throttle as schemathesis' rate limit: its steady rate, never above it."""
    from codegen.openapi.parser import parse_api

    for client in parse_api(spec).clients:
        if client.name == team and client.throttle is not None:
            return f"{max(1, int(client.throttle.rate))}/s"
    return None


def checkout_target(spec: Path, url: str, client: str | None) -> Target:
    """The checkout's credentials (what `codegen credentials` uses), through the local
    server's token endpoint as a client team's code would use them."""
    from codegen.openapi.errors import SpecError
    from codegen.openapi.parser import parse_api
    from codegen.serve.auth.credentials_cli import UsageError, choose_client
    from codegen.serve.auth.local_credentials import CredentialsError, load_or_create
    from codegen.serve.auth.setup import client_teams

    try:
        api = parse_api(spec)
        teams = client_teams(api)
        needed = {s for op in api.operations for r in op.security for s in r.scopes}
        team = choose_client(teams, client, needed)
        stored = load_or_create(api.root, (t.name for t in teams)).clients[team.name]
    except (UsageError, SpecError, CredentialsError) as error:
        raise TargetError(str(error)) from error
    grant = Grant(url + LOCAL_TOKEN_PATH, stored.client_id, stored.client_secret, team.scopes)
    return Target(url, grant, stored.api_key, rate_limit=usage_plan_rate(spec, team.name))
