"""`python -m codegen credentials`: the headers a call to this checkout's local server needs.

    python -m codegen credentials [--client NAME] [--scope S ...] [--spec PATH]

prints, one `Name: value` per line, the client team's API key and a freshly minted access
token (an hour's validity) signed with the checkout's key, which `serve` trusts:

    x-api-key: ...
    Authorization: Bearer eyJ...

The token goes with `Bearer`, which the deployed Cognito authorizer accepts as well as
the bare token (see codegen.serve.auth.tokens). Without options: the first client team
whose scopes cover every operation, with all its scopes, so every operation accepts the
headers. `--scope` narrows the token; a scope the team is not granted is refused, as
Cognito's token endpoint refuses it (`invalid_scope`). Use them with curl:

    curl -H @<(python -m codegen credentials) http://127.0.0.1:3000/users
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from codegen.openapi.client_teams import Client
from codegen.openapi.errors import SpecError
from codegen.serve.auth.api_keys import API_KEY_HEADER
from codegen.serve.auth.local_credentials import CredentialsError, load_or_create
from codegen.serve.auth.minting import mint_access_token
from codegen.serve.auth.setup import client_teams

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m codegen credentials",
        description="Print the HTTP headers (API key, access token) a call to the local "
        "server (python -m codegen serve) needs, one 'Name: value' per line.",
    )
    parser.add_argument(
        "--client",
        help="the client team (x-codegen.clients); default: one whose scopes cover every operation",
    )
    parser.add_argument(
        "--scope",
        dest="scopes",
        action="append",
        default=[],
        metavar="S",
        help="a scope for the token (repeatable; default: all the team's scopes)",
    )
    parser.add_argument(
        "--spec", type=Path, default=Path("openapi.yaml"), help="the spec; its folder is the root"
    )
    return parser


def choose_client(teams: tuple[Client, ...], name: str | None, needed: set[str]) -> Client:
    if not teams:
        raise UsageError("no operation of the spec requires credentials")
    names = ", ".join(team.name for team in teams)
    if name is not None:
        for team in teams:
            if team.name == name:
                return team
        raise UsageError(f"no client team {name!r} in x-codegen.clients (teams: {names})")
    for team in teams:
        if needed <= set(team.scopes):
            return team
    raise UsageError(
        f"no client team is granted every scope ({', '.join(sorted(needed))}); "
        f"pick one with --client ({names})"
    )


def headers(spec: Path, client: str | None, scopes: list[str]) -> list[tuple[str, str]]:
    from codegen.openapi.parser import parse_api

    api = parse_api(spec)
    teams = client_teams(api)
    needed = {s for op in api.operations for r in op.security for s in r.scopes}
    team = choose_client(teams, client, needed)
    for scope in scopes:
        if scope not in team.scopes:
            raise UsageError(
                f"invalid_scope: {team.name} is not granted {scope!r} "
                f"(granted: {', '.join(team.scopes) or 'none'})"
            )
    credentials = load_or_create(api.root, (t.name for t in teams))
    token = mint_access_token(credentials, team.name, scopes or team.scopes)
    return [
        (API_KEY_HEADER, credentials.clients[team.name].api_key),
        ("Authorization", f"Bearer {token}"),
    ]


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        lines = headers(args.spec.resolve(), args.client, args.scopes)
    except UsageError as error:
        print(f"credentials: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except SpecError as error:
        print(f"credentials: error: {error.pointer or '/'}: {error.message}", file=sys.stderr)
        return EXIT_USAGE
    except (CredentialsError, OSError) as error:
        print(f"credentials: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    for name, value in lines:
        print(f"{name}: {value}")
    return EXIT_OK
