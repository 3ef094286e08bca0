"""Where the fuzzer sends its requests, and with which credentials."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

API_KEY_VARIABLE = "CODEGEN_FUZZ_API_KEY"  # read by schemathesis.toml
TOKEN_VARIABLE = "CODEGEN_FUZZ_TOKEN"
BEARER = "Bearer "


class TargetError(Exception):
    """The target cannot be reached or its credentials read (one line)."""


@dataclass
class Target:
    url: str  # the API's base URL
    api_key: str
    token: Callable[[], str]  # a valid access token now (fetched again before it expires)
    rate_limit: str | None = None  # schemathesis' --rate-limit from the team's usage plan

    def headers(self) -> dict[str, str]:
        return {"x-api-key": self.api_key, "Authorization": BEARER + self.token()}

    def environment(self) -> dict[str, str]:
        return {API_KEY_VARIABLE: self.api_key, TOKEN_VARIABLE: self.token()}


def checkout_target(spec: Path, url: str, client: str | None) -> Target:
    """The checkout's credentials, as `python -m codegen credentials` prints them."""
    from codegen.openapi.errors import SpecError
    from codegen.serve.auth.credentials_cli import UsageError, headers
    from codegen.serve.auth.local_credentials import CredentialsError

    def fetch() -> dict[str, str]:
        try:
            return dict(headers(spec, client, []))
        except (UsageError, SpecError, CredentialsError) as error:
            raise TargetError(str(error)) from error

    first = fetch()
    return Target(
        url=url,
        api_key=first["x-api-key"],
        token=lambda: fetch()["Authorization"].removeprefix(BEARER),
    )
