"""Security requirements: what API Gateway can enforce is modelled, the rest refused."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from codegen.openapi.errors import SpecError
from codegen.openapi.model import Api, SecurityRequirement, SecurityScheme
from codegen.openapi.parser import build_api

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
    ("security", "reads"),
    [
        ([{"basic": []}], [("basic", "header", "Authorization")]),
        ([{"query_key": []}], [("api_key", "query", "x-api-key")]),
        ([{"cookie_key": []}], [("api_key", "cookie", "x-api-key")]),
        ([{"other_header": []}], [("api_key", "header", "api_key")]),
        ([{"opaque": []}], [("bearer", "header", "Authorization")]),
        ([{"key": []}, {"oauth": []}], [("api_key", "header", "X-API-Key"), ("bearer",) * 1]),
        ([{"oauth": [], "bearer": []}], [("bearer",), ("bearer",)]),
        ([{"oauth": ["things/read", "things/write"]}], [("bearer",)]),
    ],
)
def test_what_api_gateway_cannot_enforce_natively_becomes_a_lambda_authorizer(
    security: Any, reads: list[tuple[str, ...]]
) -> None:
    (requirement,) = security_of(api_with(security, opaque={"type": "http", "scheme": "bearer"}))
    authorizer = requirement.scheme.authorizer
    assert requirement.scheme.kind == "lambda" and authorizer is not None
    checks = [check for alternative in authorizer.alternatives for check in alternative]
    assert [
        (c.credential.kind, c.credential.location, c.credential.name)[: len(r)]
        for c, r in zip(checks, reads, strict=True)
    ] == [tuple(r) for r in reads]
    # The scopes of an AND of scopes are all kept: the authorizer requires each.
    if security == [{"oauth": ["things/read", "things/write"]}]:
        assert checks[0].scopes == ("things/read", "things/write")


def test_alternatives_over_different_sources_are_not_cached() -> None:
    (requirement,) = security_of(api_with([{"key": []}, {"oauth": []}]))
    authorizer = requirement.scheme.authorizer
    assert authorizer is not None
    assert authorizer.identity_sources == () and authorizer.ttl == 0
    (single,) = security_of(api_with([{"query_key": []}]))
    assert single.scheme.authorizer is not None
    assert single.scheme.authorizer.identity_sources == ("method.request.querystring.x-api-key",)
    assert single.scheme.authorizer.ttl == 300


@pytest.mark.parametrize(
    ("security", "pointer", "words"),
    [
        ([{"missing": []}], f"{GET}/security", "not declared"),
        ([{"digest": []}], "/components/securitySchemes/digest", "http digest"),
    ],
)
def test_what_no_authorizer_can_read_is_refused_with_its_pointer(
    security: Any, pointer: str, words: str
) -> None:
    with pytest.raises(SpecError) as raised:
        api_with(security, digest={"type": "http", "scheme": "digest"})
    assert raised.value.pointer == pointer
    assert words in str(raised.value)
