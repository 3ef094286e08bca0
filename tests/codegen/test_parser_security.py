"""Security requirements: what API Gateway can enforce is modelled, the rest refused."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from codegen.spec.errors import SpecError
from codegen.spec.model import Api, SecurityRequirement, SecurityScheme
from codegen.spec.parser import build_api

SPEC = Path("openapi.yaml")
SCHEMES: dict[str, Any] = {
    "key": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "oauth": {
        "type": "oauth2",
        "flows": {
            "clientCredentials": {
                "tokenUrl": "https://auth.example.com/token",
                "scopes": {"things/read": "read", "things/write": "write"},
            }
        },
    },
    "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://auth.example.com/.wk"},
    "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
    "basic": {"type": "http", "scheme": "basic"},
    "query_key": {"type": "apiKey", "in": "query", "name": "x-api-key"},
    "cookie_key": {"type": "apiKey", "in": "cookie", "name": "x-api-key"},
    "other_header": {"type": "apiKey", "in": "header", "name": "api_key"},
    "by_ref": {"$ref": "#/components/securitySchemes/key"},
}
GET = "/paths/~1things/get"


def api_with(
    operation_security: Any = None, root_security: Any = None, **extra_schemes: Any
) -> Api:
    operation: dict[str, Any] = {
        "operationId": "listThings",
        "responses": {"200": {"description": "ok"}},
    }
    if operation_security is not None:
        operation["security"] = operation_security
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {"/things": {"get": operation}},
        "components": {"securitySchemes": {**copy.deepcopy(SCHEMES), **extra_schemes}},
    }
    if root_security is not None:
        document["security"] = root_security
    return build_api(document, SPEC)


def security_of(api: Api) -> tuple[SecurityRequirement, ...]:
    (operation,) = api.operations
    return operation.security


def test_no_security_anywhere_is_open() -> None:
    assert security_of(api_with()) == ()


def test_api_key_in_the_x_api_key_header_any_case() -> None:
    (requirement,) = security_of(api_with([{"key": []}]))
    assert requirement == SecurityRequirement(
        SecurityScheme("key", "api_key", "/components/securitySchemes/key"), ()
    )


@pytest.mark.parametrize("name", ["oauth", "oidc", "bearer"])
def test_token_schemes_become_cognito_with_their_scopes(name: str) -> None:
    (requirement,) = security_of(api_with([{name: ["things/read"]}]))
    assert requirement.scheme.kind == "cognito"
    assert requirement.scopes == ("things/read",)


def test_root_security_applies_unless_the_operation_overrides_it() -> None:
    (inherited,) = security_of(api_with(root_security=[{"key": []}]))
    assert inherited.scheme.name == "key"
    assert security_of(api_with([], root_security=[{"key": []}])) == ()  # explicitly open


def test_alternative_scopes_of_one_scheme_become_its_accepted_scopes() -> None:
    # [{oauth: [read]}, {oauth: [write]}] = read or write: API Gateway's own semantics.
    (requirement,) = security_of(
        api_with([{"oauth": ["things/read"]}, {"oauth": ["things/write"]}])
    )
    assert requirement.scopes == ("things/read", "things/write")
    key, oauth = security_of(api_with([{"key": [], "oauth": ["a"]}, {"key": [], "oauth": ["b"]}]))
    assert (key.scheme.name, key.scopes) == ("key", ())
    assert (oauth.scheme.name, oauth.scopes) == ("oauth", ("a", "b"))


def test_an_alternative_without_scopes_accepts_any_token() -> None:
    (requirement,) = security_of(api_with([{"oauth": ["things/read"]}, {"oauth": []}]))
    assert requirement.scopes == ()


def test_one_requirement_object_means_all_of_them() -> None:
    api = api_with([{"key": [], "oauth": ["things/write"]}])
    (operation,) = api.operations
    assert operation.api_key_required
    assert operation.authorizer is not None and operation.authorizer.scheme.name == "oauth"
    assert [s.name for s in api.security_schemes] == ["key", "oauth"]


def test_an_empty_alternative_makes_authentication_optional() -> None:
    assert security_of(api_with([{}, {"key": []}])) == ()


def test_a_scheme_declared_by_ref_is_followed() -> None:
    (requirement,) = security_of(api_with([{"by_ref": []}]))
    assert requirement.scheme.kind == "api_key"
    assert requirement.scheme.pointer == "/components/securitySchemes/key"


@pytest.mark.parametrize(
    ("security", "pointer", "words"),
    [
        ([{"basic": []}], "/components/securitySchemes/basic", "http basic"),
        ([{"query_key": []}], "/components/securitySchemes/query_key", "reads query"),
        ([{"cookie_key": []}], "/components/securitySchemes/cookie_key", "reads cookie"),
        ([{"other_header": []}], "/components/securitySchemes/other_header", "'api_key'"),
        ([{"key": []}, {"oauth": []}], f"{GET}/security", "key OR oauth"),
        ([{"oauth": [], "bearer": []}], f"{GET}/security", "single authorizer"),
        ([{"missing": []}], f"{GET}/security", "not declared"),
        # all of two scopes: API Gateway would let either through
        ([{"oauth": ["things/read", "things/write"]}], f"{GET}/security", "all of the scopes"),
    ],
)
def test_what_api_gateway_cannot_enforce_is_refused_with_its_pointer(
    security: Any, pointer: str, words: str
) -> None:
    with pytest.raises(SpecError) as raised:
        api_with(security)
    assert raised.value.pointer == pointer
    assert words in raised.value.message


def test_root_security_errors_point_at_the_root() -> None:
    with pytest.raises(SpecError) as raised:
        api_with(root_security=[{"basic": []}, {"key": []}])
    assert raised.value.pointer == "/security"


def test_unused_schemes_are_not_judged() -> None:
    assert security_of(api_with([{"key": []}]))  # `basic` etc. are declared but unused
