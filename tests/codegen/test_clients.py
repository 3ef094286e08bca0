"""x-codegen.clients: client teams parsed into the model, mistakes refused with a pointer."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from codegen.openapi.client_teams import Client, Quota, Throttle, resource_servers
from codegen.openapi.errors import SpecError
from codegen.openapi.parser import build_api, parse_api

ROOT = Path(__file__).resolve().parents[2]
SECURED: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "T", "version": "1"},
    "paths": {
        "/things": {
            "get": {
                "operationId": "listThings",
                "security": [{"oauth": ["things/read"], "key": []}],
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
    "components": {
        "securitySchemes": {
            "key": {"type": "apiKey", "in": "header", "name": "x-api-key"},
            "oauth": {
                "type": "oauth2",
                "flows": {
                    "clientCredentials": {
                        "tokenUrl": "https://auth.example.com/oauth2/token",
                        "scopes": {"things/read": "read", "things/write": "write"},
                    }
                },
            },
        }
    },
}


def api_with(clients: Any, document: dict[str, Any] | None = None) -> Any:
    spec = copy.deepcopy(document or SECURED)
    spec["x-codegen"] = {"clients": clients}
    return build_api(spec, Path("openapi.yaml"))


def test_our_spec_declares_two_client_teams() -> None:
    api = parse_api(ROOT / "openapi.yaml")
    assert api.clients == (
        Client("mobile", ("users/read",), Throttle(50.0, 100), Quota(100000, "MONTH")),
        Client(
            "backoffice", ("users/read", "users/write"), Throttle(20.0, 40), Quota(50000, "MONTH")
        ),
    )


def test_a_client_team_with_throttle_and_quota() -> None:
    api = api_with({"web-app": {"scopes": ["things/write"], "throttle": {"rate": 1.5, "burst": 3}}})
    (client,) = api.clients
    assert client == Client("web-app", ("things/write",), Throttle(1.5, 3), None)
    assert client.logical_name == "WebApp"


@pytest.mark.parametrize(
    ("clients", "pointer", "words"),
    [
        ([], "/x-codegen/clients", "must be an object"),
        ({"Mobile": {}}, "/x-codegen/clients/Mobile", "lower-case"),
        ({"m": {"scope": []}}, "/x-codegen/clients/m/scope", "unknown key 'scope'"),
        ({"m": {"scopes": "things/read"}}, "/x-codegen/clients/m/scopes", "list"),
        ({"m": {"scopes": ["things/admin"]}}, "/x-codegen/clients/m/scopes", "neither declared"),
        ({"m": {"throttle": {"rate": 0, "burst": 1}}}, "/x-codegen/clients/m/throttle", "> 0"),
        (
            {"m": {"throttle": {"rate": 1, "burst": 1.5}}},
            "/x-codegen/clients/m/throttle",
            "integer",
        ),
        ({"m": {"quota": {"limit": 10, "period": "YEAR"}}}, "/x-codegen/clients/m/quota", "DAY"),
        ({"m": {"quota": {"limit": True, "period": "DAY"}}}, "/x-codegen/clients/m/quota", "> 0"),
    ],
)
def test_mistakes_are_refused_with_their_pointer(clients: Any, pointer: str, words: str) -> None:
    with pytest.raises(SpecError) as caught:
        api_with(clients)
    assert caught.value.pointer == pointer
    assert words in caught.value.message


def test_clients_of_an_open_api_are_refused() -> None:
    document = copy.deepcopy(SECURED)
    del document["paths"]["/things"]["get"]["security"]
    with pytest.raises(SpecError, match="no operation requires"):
        api_with({"m": {}}, document)


def test_scopes_a_resource_server_cannot_declare_are_refused_with_clients() -> None:
    document = copy.deepcopy(SECURED)
    flows = document["components"]["securitySchemes"]["oauth"]["flows"]
    flows["clientCredentials"]["scopes"] = {"read:things": "read"}
    document["paths"]["/things"]["get"]["security"] = [{"oauth": ["read:things"], "key": []}]
    with pytest.raises(SpecError, match="not a Cognito custom scope"):
        api_with({"m": {}}, document)


def test_resource_servers_group_scopes_by_prefix() -> None:
    assert resource_servers(["users/read", "users/write", "audit/read"]) == {
        "users": ("read", "write"),
        "audit": ("read",),
    }
