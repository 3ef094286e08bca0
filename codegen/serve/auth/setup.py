"""The gatekeeper `python -m codegen serve` runs with, and what its start banner says.

Two ways to verify tokens, never none:
- local (default): the checkout's own pool (`local_credentials`): its key signs the
  tokens `python -m codegen credentials` mints, only the declared teams' client ids pass;
- `serve --jwks URL|FILE --issuer ISS [--client-id ID ...]`: a real pool's keys and
  issuer, so tokens from Amazon Cognito are verified exactly as deployed (any app client
  of that pool unless `--client-id` narrows it, as API Gateway's authorizer accepts any).
API keys are always the checkout's (one per client team): AWS generates the deployed
ones, and they are never in the repository.

A spec that secures operations but declares no client teams gets one implicit team,
`local`, allowed every scope, so that its API is callable locally.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from codegen.openapi.client_teams import Client
from codegen.openapi.model import Api
from codegen.serve.auth.api_keys import ApiKeyRegistry
from codegen.serve.auth.gatekeeper import Gatekeeper
from codegen.serve.auth.jwks import JwksKeys, parse_jwks
from codegen.serve.auth.lambda_authorizers import LambdaAuthorizers
from codegen.serve.auth.local_credentials import LocalCredentials, load_or_create
from codegen.serve.auth.token_endpoint import TOKEN_PATH, TokenEndpoint
from codegen.serve.auth.tokens import TokenVerifier
from codegen.serve.definition import GatewayDefinition

if TYPE_CHECKING:
    from werkzeug.wrappers import Request, Response

IMPLICIT_CLIENT = "local"
JWKS_PATH = "/.well-known/jwks.json"


@dataclass(frozen=True)
class AuthOptions:
    jwks: str | None = None  # URL or file of a real pool's JWKS
    issuer: str | None = None  # that pool's issuer
    client_ids: tuple[str, ...] = ()  # accepted app clients (empty: any of the pool)
    # `serve --mock`: Lambda authorizers still on their unfilled verification stubs check
    # only that the credential is present (codegen.serve.mock.stubs.stub_authorizers).
    presence_only: frozenset[str] = frozenset()


@dataclass
class AuthSetup:
    gatekeeper: Gatekeeper
    credentials: LocalCredentials | None = None
    banner: list[str] = field(default_factory=list)
    local_documents: dict[str, bytes] = field(default_factory=dict)
    # Paths this server answers itself, any method: the local pool's token endpoint.
    local_endpoints: dict[str, Callable[[Request, bytes], Response]] = field(default_factory=dict)


class AuthSetupError(Exception):
    """Authentication cannot be configured (one line)."""


def client_teams(api: Api) -> tuple[Client, ...]:
    """The declared teams, else the implicit one when some operation is secured."""
    if api.clients:
        return api.clients
    if not any(op.security for op in api.operations):
        return ()
    scopes = dict.fromkeys(s for op in api.operations for r in op.security for s in r.scopes)
    return (Client(IMPLICIT_CLIENT, tuple(scopes)),)


def build_auth(
    root: Path, api: Api, definition: GatewayDefinition, options: AuthOptions | None = None
) -> AuthSetup:
    options = options or AuthOptions()
    # Lambda authorizers run the project's own code: no local credentials involved.
    custom = LambdaAuthorizers(
        definition,
        {a.name: a for a in api.authorizers},
        presence_only=options.presence_only,
    )
    presence = [
        f"  Lambda authorizer {name}: its verification is still the generated stub, so the "
        "mock checks only that the credential is present (401 without it), as Prism does"
        for name in sorted(options.presence_only)
    ]
    if not any(s.api_key or s.authorizer for s in definition.security.values()):
        if options.jwks:
            raise AuthSetupError("--jwks given, but no operation of the spec requires a token")
        return AuthSetup(Gatekeeper(definition, lambda_authorizers=custom), banner=presence)
    teams = client_teams(api)
    credentials = load_or_create(root, (team.name for team in teams))
    api_keys = ApiKeyRegistry({team.name: credentials.clients[team.name].api_key for team in teams})
    banner = [
        f"  x-api-key of {team.name}: {credentials.clients[team.name].api_key}" for team in teams
    ]
    documents: dict[str, bytes] = {}
    endpoints: dict[str, Callable[[Request, bytes], Response]] = {}
    if options.jwks:
        if not options.issuer:
            raise AuthSetupError(
                "--jwks needs --issuer, the pool's `iss` "
                "(https://cognito-idp.<region>.amazonaws.com/<pool id>)"
            )
        verifier = TokenVerifier(
            JwksKeys.from_source(options.jwks), options.issuer, options.client_ids or None
        )
        clients = ", ".join(options.client_ids) or "any app client of the pool"
        banner.insert(
            0,
            f"Authentication: tokens verified against {options.jwks} "
            f"(issuer {options.issuer}; {clients})",
        )
    else:
        if options.issuer or options.client_ids:
            raise AuthSetupError("--issuer and --client-id apply with --jwks only")
        jwks = credentials.jwks()
        verifier = TokenVerifier(
            JwksKeys(parse_jwks(jwks, str(credentials.path))),
            credentials.issuer,
            {credentials.clients[team.name].client_id for team in teams},
        )
        documents[JWKS_PATH] = _json_bytes(jwks)
        # Also where Cognito publishes a pool's keys: `<issuer>/.well-known/jwks.json`, the
        # issuer's path (`/<pool id>`) on this server.
        documents[urlsplit(credentials.issuer).path + JWKS_PATH] = documents[JWKS_PATH]
        # Cognito's token endpoint, client-credentials grant, for the same teams.
        endpoints[TOKEN_PATH] = TokenEndpoint(
            credentials, ((team.name, team.scopes) for team in teams)
        )
        banner.insert(
            0,
            f"Authentication: tokens verified against this checkout's key ({credentials.path}, "
            f"JWKS at {JWKS_PATH}, token endpoint POST {TOKEN_PATH}); "
            "headers for a call: python -m codegen credentials",
        )
    gatekeeper = Gatekeeper(definition, verifier, api_keys, custom)
    return AuthSetup(gatekeeper, credentials, banner + presence, documents, endpoints)


def _json_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document).encode()
